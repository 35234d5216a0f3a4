/**
 * The stereo camera model: two pinhole cameras with radial-tangential (plumb_bob) distortion, the
 * right camera's pose relative to the left, and where the left camera sits in the world.
 *
 * `StereoCalibrationSchema` is also the schema of yoto's own `calib.yaml` (keys as written in the
 * file). Conventions:
 * - Camera frames are optical frames: x right, y down, z forward (OpenCV / ROS `*_optical_frame`).
 * - `right_from_left`: x_right = R · x_left + T, T in metres (OpenCV stereoCalibrate). For a
 *   side-by-side rig with the right camera 12 cm to the right, T ≈ [-0.12, 0, 0].
 * - `cam_left_to_world`: the left camera's optical frame in the world frame (ROS REP-103, z up):
 *   x_world = rotate(quaternion, x_cam_left) + translation. Quaternion order [x, y, z, w].
 */
import { z } from 'zod';
import type { Quat, RigidTransform, Vec3 } from '../core/geometry.ts';
import { applyTransform, composeTransforms, invertTransform, isRotation, quatNormalize, quatToMat3, rowsToMat3 } from '../core/geometry.ts';
import { Vec3Schema } from '../core/program.ts';
import { distortNormalized } from './distortion.ts';

export const CALIB_FORMAT = 'yoto-calib';
export const CALIB_VERSION = 1;

export type Vec2 = [number, number];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((v) => v > 0, 'must be positive');

export const DistortionSchema = z.strictObject({
  /** Only the radial-tangential model (ROS `plumb_bob`, OpenCV's 5 coefficients) is supported. */
  model: z.literal('plumb_bob').default('plumb_bob'),
  k1: finite.default(0),
  k2: finite.default(0),
  p1: finite.default(0),
  p2: finite.default(0),
  k3: finite.default(0),
});
export type Distortion = z.infer<typeof DistortionSchema>;

export const NO_DISTORTION: Distortion = { model: 'plumb_bob', k1: 0, k2: 0, p1: 0, p2: 0, k3: 0 };

export const CameraIntrinsicsSchema = z.strictObject({
  /** [width, height] in pixels. */
  image_size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  /** Focal lengths and principal point, pixels (K = [fx 0 cx; 0 fy cy; 0 0 1]; no skew). */
  fx: positive,
  fy: positive,
  cx: finite,
  cy: finite,
  distortion: DistortionSchema.default(NO_DISTORTION),
});
export type CameraIntrinsics = z.infer<typeof CameraIntrinsicsSchema>;

const Mat3RowsSchema = z.tuple([Vec3Schema, Vec3Schema, Vec3Schema]);

export const ExtrinsicsSchema = z
  .strictObject({
    /** Rotation taking left-camera coordinates to right-camera coordinates, 3 rows of 3. */
    R: Mat3RowsSchema,
    /** Translation, metres: x_right = R · x_left + T. */
    T: Vec3Schema,
  })
  .refine((e) => isRotation(rowsToMat3(e.R), 1e-4), { message: 'R must be a rotation matrix (orthonormal, det +1)', path: ['R'] });
export type Extrinsics = z.infer<typeof ExtrinsicsSchema>;

export const WorldTransformSchema = z.strictObject({
  /** Name of the parent frame: `world` (robot base). `cam_left` means no world transform was given. */
  frame: z.string().min(1).default('world'),
  /** Position of the left camera's optical centre in `frame`, metres. */
  translation: Vec3Schema,
  /** Orientation of the left camera's optical frame in `frame`, [x, y, z, w]. */
  quaternion: z
    .tuple([finite, finite, finite, finite])
    .refine((q) => Math.abs(Math.hypot(...q) - 1) < 1e-3, 'quaternion [x,y,z,w] must have unit norm'),
});
export type WorldTransform = z.infer<typeof WorldTransformSchema>;

export const StereoCalibrationSchema = z.strictObject({
  format: z.literal(CALIB_FORMAT, { error: `not a yoto calibration (format must be ${CALIB_FORMAT})` }),
  version: z.literal(CALIB_VERSION, { error: `unsupported calibration version (this yoto reads version ${CALIB_VERSION})` }),
  left: CameraIntrinsicsSchema,
  right: CameraIntrinsicsSchema,
  right_from_left: ExtrinsicsSchema,
  cam_left_to_world: WorldTransformSchema,
});
export type StereoCalibration = z.infer<typeof StereoCalibrationSchema>;

export type View = 'left' | 'right';
export const VIEWS: readonly View[] = ['left', 'right'];

// ---- projection ----

/** Pixel of a point in the camera's optical frame (distortion applied); null when z ≤ 0. */
export function projectCam(cam: CameraIntrinsics, p: Vec3): Vec2 | null {
  if (!(p[2] > 0)) return null;
  const [xd, yd] = distortNormalized(cam.distortion, p[0] / p[2], p[1] / p[2]);
  return [cam.fx * xd + cam.cx, cam.fy * yd + cam.cy];
}

/**
 * True when the pixel lies inside the image (pixel centres at integers, so [-0.5, w-0.5]);
 * a positive `margin` accepts that many pixels outside, a negative one demands them inside.
 */
export function inImage(cam: CameraIntrinsics, uv: Vec2, margin = 0): boolean {
  const [w, h] = cam.image_size;
  return uv[0] >= -0.5 - margin && uv[0] <= w - 0.5 + margin && uv[1] >= -0.5 - margin && uv[1] <= h - 0.5 + margin;
}

/**
 * The stereo rig with its transforms precomputed: what triangulation and projection use.
 * Build it once per calibration.
 */
export class StereoCamera {
  readonly calibration: StereoCalibration;
  readonly left: CameraIntrinsics;
  readonly right: CameraIntrinsics;
  /** x_right = rightFromLeft(x_left). */
  readonly rightFromLeft: RigidTransform;
  /** x_world = worldFromLeft(x_left). */
  readonly worldFromLeft: RigidTransform;
  readonly leftFromWorld: RigidTransform;
  readonly rightFromWorld: RigidTransform;
  /** Name of the frame triangulated points are returned in (`world`, or `cam_left` when none was given). */
  readonly worldFrame: string;

  constructor(calibration: StereoCalibration) {
    this.calibration = calibration;
    this.left = calibration.left;
    this.right = calibration.right;
    this.rightFromLeft = { R: rowsToMat3(calibration.right_from_left.R), t: [...calibration.right_from_left.T] };
    const w = calibration.cam_left_to_world;
    this.worldFromLeft = { R: quatToMat3(quatNormalize(w.quaternion as Quat)), t: [...w.translation] };
    this.leftFromWorld = invertTransform(this.worldFromLeft);
    this.rightFromWorld = composeTransforms(this.rightFromLeft, this.leftFromWorld);
    this.worldFrame = w.frame;
  }

  /** Distance between the optical centres, metres. */
  get baseline(): number {
    const c = invertTransform(this.rightFromLeft).t; // right centre in left coordinates
    return Math.hypot(c[0], c[1], c[2]);
  }

  intrinsics(view: View): CameraIntrinsics {
    return view === 'left' ? this.left : this.right;
  }

  camFromWorld(view: View): RigidTransform {
    return view === 'left' ? this.leftFromWorld : this.rightFromWorld;
  }

  /** A world point in the view's optical frame. */
  toCam(view: View, pWorld: Vec3): Vec3 {
    return applyTransform(this.camFromWorld(view), pWorld);
  }

  /** Distorted pixel of a world point in one view; null when behind that camera. */
  project(view: View, pWorld: Vec3): Vec2 | null {
    return projectCam(this.intrinsics(view), this.toCam(view, pWorld));
  }

  /** Optical centre of a view in the world frame. */
  centre(view: View): Vec3 {
    return invertTransform(this.camFromWorld(view)).t;
  }
}
