/** Public API of sim/: the MuJoCo bimanual workcell. */
export { loadMujoco, compileMjcf } from './mujoco.ts';
export { World, HOME_Q } from './world.ts';
export { ArmIk, type IkResult, type IkOptions } from './ik.ts';
export { KinematicArms, type ArmTwinState } from './kinematic-arms.ts';
export type { ServoArms } from './servo-arms.ts';
export { ProgramExecutor, checkReachability, findUnreachable, describeUnreachable, DEFAULT_EXECUTOR, type ExecutorOptions, type UnreachableKeypose } from './executor.ts';
export { runEpisode, runControlled, type EpisodeResult, type EpisodeOptions, type Controller, type ControlledOptions } from './episode.ts';
export { WaypointFollower, DEFAULT_FOLLOWER, type Waypoint, type FollowerOptions } from './waypoint-follower.ts';
export { runEpisodes, type RunSummary, type RunEpisodesOptions } from './run-episodes.ts';
export { TASKS, getTask, sampleScene, samplePlacement, placementRanges, nominalScene, validateScene, type Task, type TaskObject, type TaskWorld, type PlacementRange } from './tasks/index.ts';
export { renderEpisode, type RenderEpisodeOptions } from './render-episode.ts';
export { WORKCELL_CAMERAS } from './workcell-cameras.ts';
export { SceneRenderer } from './render/scene-renderer.ts';
export { describeScene } from './render/render-scene.ts';
export { captureFrame } from './render/render-frame.ts';
export type { RenderCamera } from './render/render-camera.ts';
export { DepthCamera, DepthCameraConfigSchema, type DepthCameraConfig, type DepthCameraConfigInput, type PointCloud } from './depth-camera.ts';
export { ARM_JOINTS, FINGER_TRAVEL, JOINT_RANGES } from './mjcf/arm.ts';
