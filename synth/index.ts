/**
 * Synthetic stereo demonstrations with ground truth: a task's program performed by two human
 * hands (rigged WebXR hand meshes following the grippers) among the moving objects, seen by a
 * calibrated stereo rig.
 *
 *   const r = await synthesize({ task, scene, program: task.scripted(scene), outDir: 'out/demo' });
 *   // out/demo/{left.webm, right.webm, calib.yaml, scene.json, truth.json}
 */
export { synthesize, buildDemonstration, renderStereoStill, chooseFlip, type SynthOptions, type SynthResult, type Demonstration } from './synthesize.ts';
export { TruthSchema, FrameTruthSchema, HandTruthSchema, KeyposeTimingSchema, TRUTH_VERSION, type Truth, type FrameTruth, type HandTruth, type KeyposeTiming } from './truth.ts';
export { StereoRig, DEFAULT_RIG, VIEWS, type StereoRigSpec, type View, type Intrinsics } from './stereo-rig.ts';
export { rigCalibration, writeRigCalibration } from './calibration.ts';
export { LANDMARK_JOINTS, landmarksFromJoints } from './hand-landmarks.ts';
export { HAND_JOINTS, DIGITS, loadHandModel, type HandModel, type Digit } from './hand-model.ts';
export { poseJoints, postureForOpening, graspFrame, handPoseForTcp, handJointsWorld, forearmPose, PINCH_OPENING, SHOULDERS, type HandPosture, type DigitPosture } from './hand-pose.ts';
export { recordDemonstration, replayKinematics, type Recording, type RecordedFrame, type RecordOptions } from './record.ts';
export { sceneWithoutArms, armBodies, Occluder } from './person-view.ts';
export { SynthRenderer, type SynthFrame, type HandDrawing, type SynthLook } from './synth-renderer.ts';
