/**
 * The synthetic stereo rig: two identical pinhole cameras side by side (parallel optical axes),
 * facing the demonstrating person across the table and looking down at the workspace. Rendering
 * has no distortion, so the calibration is exact.
 *
 * Camera frames are optical frames (x right, y down, z forward). Pixel centres are at integer
 * coordinates (OpenCV), so a W×H image has its principal point at ((W−1)/2, (H−1)/2).
 */
import type { Pose, Vec3 } from '../core/geometry.ts';
import { add, cross, normalize, poseInverse, quatFromAxes, quatToMat3, scale, sub, transformPoint } from '../core/geometry.ts';
import type { RenderCamera } from '../sim/render/render-camera.ts';

export type View = 'left' | 'right';
export const VIEWS: readonly View[] = ['left', 'right'];

export interface StereoRigSpec {
  width: number;
  height: number;
  fps: number;
  /** Vertical field of view, degrees. */
  fovy: number;
  /** Distance between the optical centres, metres. */
  baseline: number;
  /** Midpoint between the optical centres, world frame. */
  centre: Vec3;
  /** A world point on the rig's optical axis (the middle of the workspace). */
  target: Vec3;
}

/**
 * Default rig: on a tripod across the table from the person (the person stands at −x, the rig at
 * x = 0.72 beyond the far edge, 1.3 m above the floor; the table top is z = 0, 0.75 m up), looking
 * down ≈ 28° at the workspace 0.9 m away; 12 cm baseline, 640×480 at 30 fps, 45° vertical field
 * of view. Facing the person, the forearms lead away from the camera and never hide the hands;
 * both hands stay in both views through all three tasks, their 21 landmarks spanning ≈ 85–105 px
 * (median per task; ≥ 70 px in 95% of frames). The person's left hand appears on the image right.
 */
export const DEFAULT_RIG: StereoRigSpec = {
  width: 640,
  height: 480,
  fps: 30,
  fovy: 45,
  baseline: 0.12,
  centre: [0.72, 0, 0.55],
  target: [-0.08, 0, 0.12],
};

export interface Intrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  width: number;
  height: number;
}

export class StereoRig {
  readonly intrinsics: Intrinsics;
  /** Optical frame of each camera in the world (cam → world). */
  readonly camToWorld: Record<View, Pose>;
  readonly worldToCam: Record<View, Pose>;

  constructor(readonly spec: StereoRigSpec = DEFAULT_RIG) {
    const f = spec.height / 2 / Math.tan((spec.fovy * Math.PI) / 360);
    this.intrinsics = { fx: f, fy: f, cx: (spec.width - 1) / 2, cy: (spec.height - 1) / 2, width: spec.width, height: spec.height };
    const z = normalize(sub(spec.target, spec.centre));
    const x = normalize(cross(z, [0, 0, 1])); // image right; the rig is level
    const y = cross(z, x); // image down
    const q = quatFromAxes(x, y, z);
    const half = scale(x, spec.baseline / 2);
    // The left camera is at −x of the image (optical frame), as in any stereo rig.
    this.camToWorld = {
      left: { position: sub(spec.centre, half), quaternion: q },
      right: { position: add(spec.centre, half), quaternion: q },
    };
    this.worldToCam = { left: poseInverse(this.camToWorld.left), right: poseInverse(this.camToWorld.right) };
  }

  /** A world point in a camera's optical frame. */
  toCamera(view: View, p: Vec3): Vec3 {
    return transformPoint(this.worldToCam[view], p);
  }

  /** Pixel [u, v] of a world point, or null behind the camera. */
  project(view: View, p: Vec3): [number, number] | null {
    const c = this.toCamera(view, p);
    if (!(c[2] > 1e-6)) return null;
    const { fx, fy, cx, cy } = this.intrinsics;
    return [fx * (c[0] / c[2]) + cx, fy * (c[1] / c[2]) + cy];
  }

  /** Inside the image (pixel centres at integers, so the image spans [−0.5, W−0.5]). */
  inImage(uv: [number, number] | null, margin = 0): boolean {
    if (!uv) return false;
    const { width, height } = this.intrinsics;
    return uv[0] >= -0.5 + margin && uv[0] <= width - 0.5 - margin && uv[1] >= -0.5 + margin && uv[1] <= height - 0.5 - margin;
  }

  /** The same camera for the three.js renderer (looks along optical z, image up = −y). */
  renderCamera(view: View): RenderCamera {
    const pose = this.camToWorld[view];
    const m = quatToMat3(pose.quaternion);
    const col = (j: number): Vec3 => [m[j], m[3 + j], m[6 + j]];
    return {
      position: [...pose.position],
      lookAt: add(pose.position, col(2)),
      up: scale(col(1), -1),
      fovy: this.spec.fovy,
    };
  }
}
