/**
 * A StereoCalibration from where the two cameras are in the world — what a simulator (or a
 * hand-measured rig) knows. Also a level, parallel rig looking at a target, for tests and benches.
 */
import type { Pose, Vec3 } from '../../core/geometry.ts';
import { add, composeTransforms, cross, invertTransform, mat3ToRows, normalize, poseToTransform, quatFromAxes, scale, sub } from '../../core/geometry.ts';
import type { CameraIntrinsics, Distortion, StereoCalibration } from '../stereo-camera.ts';
import { CALIB_FORMAT, CALIB_VERSION, NO_DISTORTION } from '../stereo-camera.ts';

/** Calibration of two cameras whose optical frames have these poses in `frame` (cam → world). */
export function calibrationFromPoses(
  left: CameraIntrinsics,
  right: CameraIntrinsics,
  leftToWorld: Pose,
  rightToWorld: Pose,
  frame = 'world',
): StereoCalibration {
  const wl = poseToTransform(leftToWorld);
  const wr = poseToTransform(rightToWorld);
  const rl = composeTransforms(invertTransform(wr), wl);
  return {
    format: CALIB_FORMAT,
    version: CALIB_VERSION,
    left,
    right,
    right_from_left: { R: mat3ToRows(rl.R), T: rl.t },
    cam_left_to_world: { frame, translation: [...leftToWorld.position], quaternion: [...leftToWorld.quaternion] },
  };
}

/** Pinhole intrinsics from a vertical field of view; principal point at the image centre ((W−1)/2, (H−1)/2). */
export function intrinsicsFromFov(width: number, height: number, fovyDeg: number, distortion: Distortion = NO_DISTORTION): CameraIntrinsics {
  const f = height / 2 / Math.tan((fovyDeg * Math.PI) / 360);
  return { image_size: [width, height], fx: f, fy: f, cx: (width - 1) / 2, cy: (height - 1) / 2, distortion: { ...distortion } };
}

export interface LookAtRig {
  /** Midpoint between the optical centres, world. */
  centre: Vec3;
  /** World point on the optical axis. */
  target: Vec3;
  /** Metres between the optical centres (right camera to the image-right of the left). Default 0.12. */
  baseline?: number;
  width?: number;
  height?: number;
  fovyDeg?: number;
  distortion?: Distortion;
}

/**
 * A level parallel rig (world z up) looking from `centre` at `target`. Defaults match the
 * project's synthetic rig: 640×480, 50° vertical field of view, 12 cm baseline.
 */
export function lookAtRig(spec: LookAtRig): StereoCalibration {
  const { width = 640, height = 480, fovyDeg = 50, baseline = 0.12, distortion = NO_DISTORTION } = spec;
  const z = normalize(sub(spec.target, spec.centre));
  const x = normalize(cross(z, [0, 0, 1]));
  const y = cross(z, x);
  const q = quatFromAxes(x, y, z);
  const half = scale(x, baseline / 2);
  const K = intrinsicsFromFov(width, height, fovyDeg, distortion);
  return calibrationFromPoses(K, { ...K, distortion: { ...distortion } }, { position: sub(spec.centre, half), quaternion: q }, { position: add(spec.centre, half), quaternion: q });
}
