/**
 * Public API of perception/: a stereo video of a person → hands.json (3-D hand tracks) →
 * program.json (a keypose program for two arms).
 *
 *   const calib = readCalibration('rig/calib.yaml');
 *   const { hands } = await trackHands({ input: { left: 'left.mp4', right: 'right.mp4' }, calib, outDir: 'out' });
 *   const task = getTask('lift-bar'); // sim/
 *   const { program } = await programFromHands({ hands, task, scene: nominalScene(task), outDir: 'out' });
 *
 * Files inside perception/ import each other directly, never this file (it imports them all).
 */

// The stereo camera model and its calibration files.
export {
  StereoCamera,
  StereoCalibrationSchema,
  CameraIntrinsicsSchema,
  DistortionSchema,
  ExtrinsicsSchema,
  WorldTransformSchema,
  NO_DISTORTION,
  CALIB_FORMAT,
  CALIB_VERSION,
  VIEWS,
  projectCam,
  inImage,
  type StereoCalibration,
  type CameraIntrinsics,
  type Distortion,
  type Extrinsics,
  type WorldTransform,
  type View,
  type Vec2,
} from './stereo-camera.ts';
export { distortNormalized, distortionJacobian } from './distortion.ts';
export { undistortNormalized, undistortPixel, distortToPixel, undistortPixelToPixel, type UndistortOptions } from './undistort.ts';
export { readCalibration, detectCalibrationKind, calibrationFromSources, type ReadCalibrationOptions } from './calibration/read-calibration.ts';
export type { CalibrationKind } from './calibration/calibration-parts.ts';
export { readYotoCalib, writeCalibration, calibrationToYaml } from './calibration/yoto-calib.ts';
export { calibrationFromPoses, intrinsicsFromFov, lookAtRig, type LookAtRig } from './calibration/rig-from-poses.ts';

// Video.
export { openStereo, type StereoInput, type StereoSource, type StereoFrame } from './video/stereo.ts';
export { probeVideo, type VideoInfo } from './video/probe.ts';
export { decodeFrames, type Frame, type DecodeOptions } from './video/decode.ts';

// 3-D points from two views, filtered over time.
export { triangulatePoint, triangulateLandmarks, reprojectionError, type TriangulateOptions, type TriangulatedPoint, type LandmarkSetOptions, type TriangulatedLandmarks } from './triangulate.ts';
export { OneEuroFilter, smoothSeries, smoothLandmarkTrack, DEFAULT_ONE_EURO, CAUSAL_ONE_EURO, type OneEuroParams, type SmoothOptions } from './smoothing.ts';
export { findGaps, fillGaps, fillLandmarkGaps, rejectSpikes, rejectLandmarkSpikes, DEFAULT_MAX_GAP_FRAMES, type GapOptions, type SpikeOptions } from './gaps.ts';

// Hands: MediaPipe in headless Chromium → per-view detections → 3-D hand tracks (hands.json).
export { HandLandmarker, HandObservationSchema, HAND_LANDMARK_NAMES, type HandObservation, type HandLandmarkerOptions, type ViewDetection } from './mediapipe/hand-landmarker.ts';
export { detectStereoHands, type StereoHands, type StereoHandsOptions } from './mediapipe/stereo-hands.ts';
export { trackHands, collectDetections, handsFile, type TrackHandsOptions, type TrackHandsResult } from './hands/track-hands.ts';
export { buildHandTracks, type BuildTracksOptions, type StereoDetections, type HandTracks } from './hands/build-tracks.ts';
export { readDetections, writeDetections, DetectionsFileSchema } from './hands/detections-file.ts';
export { defaultLandmarkOffsets, LandmarkOffsetsSchema, type LandmarkOffsets } from './hands/landmark-offsets.ts';

// Hands → a keypose program (program.json).
export { programFromHands, type ProgramJobOptions, type ProgramJobResult } from './program/program-from-hands.ts';
export { extractProgram, type ExtractOptions, type Extraction, type HandAnalysis } from './program/extract-program.ts';
export { gripperPose, DEFAULT_HAND_OFFSETS, type HandOffset } from './program/gripper-pose.ts';
export { objectShapes, type ObjectShape } from './program/object-shapes.ts';
export { scoreExtraction, trueEvents, type TrueGripperChange, type ExtractionScore } from './program/evaluate-extraction.ts';
export { extractionReportHtml } from './program/extraction-report.ts';
