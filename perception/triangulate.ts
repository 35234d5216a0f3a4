/**
 * Two-view triangulation of distorted pixel correspondences:
 *   undistort both observations → linear DLT (smallest eigenvector of AᵀA) → Gauss-Newton on the
 *   reprojection error in both views, in distorted pixels (where the detector's noise lives)
 * then per-point checks that reject implausible results with a reason.
 *
 * Defaults suit the project's rig (640×480, ~12 cm baseline, hands ~0.5–1.5 m away): at 1 m one
 * pixel of disparity is ~1.5 cm of depth, so a few pixels of reprojection error already mean a bad
 * correspondence.
 */
import type { Mat3, Vec3 } from '../core/geometry.ts';
import { applyTransform } from '../core/geometry.ts';
import type { CameraIntrinsics, StereoCamera, Vec2 } from './stereo-camera.ts';
import { distortNormalized, distortionJacobian, undistortPixel } from './undistort.ts';
import { solve3, symmetricEigen } from '../core/linalg.ts';

export type RejectReason =
  /** An observation is absent or not finite. */
  | 'missing'
  /** Undistortion did not converge (pixel far outside the calibrated region). */
  | 'undistort-failed'
  /** The rays are parallel or the linear solution is at infinity. */
  | 'degenerate'
  /** The point is behind (or at the centre of) one of the cameras. */
  | 'behind-camera'
  /** Depth from the left camera outside [minDepth, maxDepth]. */
  | 'depth-range'
  /** Reprojection error above the threshold in at least one view. */
  | 'reprojection';

export interface TriangulateOptions {
  /** Reject when either view's reprojection error exceeds this, pixels. Default 5. */
  maxReprojectionPx?: number;
  /** Plausible depth range in front of the left camera, metres. Default [0.15, 3]. */
  minDepth?: number;
  maxDepth?: number;
  /** Gauss-Newton iterations at most. Default 10. */
  maxIterations?: number;
}

export interface TriangulatedPoint {
  /** The estimate in the rig's world frame; null when it could not be computed at all. */
  world: Vec3 | null;
  /** The estimate in the left camera's optical frame. */
  camLeft: Vec3 | null;
  /** Reprojection error per view [left, right], pixels; NaN when not computed. */
  reprojectionPx: [number, number];
  /** True when the point passed every check. */
  ok: boolean;
  /** Why it was rejected; null when ok. */
  reason: RejectReason | null;
}

const DEFAULTS = { maxReprojectionPx: 5, minDepth: 0.15, maxDepth: 3, maxIterations: 10 } as const;

const finite2 = (p: Vec2 | null | undefined): p is Vec2 => !!p && Number.isFinite(p[0]) && Number.isFinite(p[1]);

function rejected(reason: RejectReason, camLeft: Vec3 | null = null, world: Vec3 | null = null, err: [number, number] = [NaN, NaN]): TriangulatedPoint {
  return { world, camLeft, reprojectionPx: err, ok: false, reason };
}

/**
 * Linear (DLT) triangulation from ideal normalized coordinates, in the left camera frame:
 * P_left = [I | 0], P_right = [R | T]. Null when the solution is at infinity.
 */
export function triangulateDlt(xl: Vec2, xr: Vec2, R: Mat3, T: Vec3): Vec3 | null {
  // Rows of A: x·P₃ − P₁ and y·P₃ − P₂ per view; X minimises |A X| with |X| = 1.
  const A = [
    -1, 0, xl[0], 0,
    0, -1, xl[1], 0,
    xr[0] * R[6] - R[0], xr[0] * R[7] - R[1], xr[0] * R[8] - R[2], xr[0] * T[2] - T[0],
    xr[1] * R[6] - R[3], xr[1] * R[7] - R[4], xr[1] * R[8] - R[5], xr[1] * T[2] - T[1],
  ];
  const AtA = new Float64Array(16);
  for (let i = 0; i < 4; i++)
    for (let j = i; j < 4; j++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += A[k * 4 + i] * A[k * 4 + j];
      AtA[i * 4 + j] = s;
      AtA[j * 4 + i] = s;
    }
  const { vectors } = symmetricEigen(AtA, 4);
  const w = vectors[3];
  const scaleRef = Math.hypot(vectors[0], vectors[1], vectors[2]);
  if (!(Math.abs(w) > 1e-12 * scaleRef)) return null;
  return [vectors[0] / w, vectors[1] / w, vectors[2] / w];
}

/**
 * Residual (observed − predicted, distorted pixels) of a camera-frame point and its Jacobian with
 * respect to the camera-frame point (2×3, row-major). Null when the point is not in front.
 */
export function residualAndJacobian(cam: CameraIntrinsics, p: Vec3, uv: Vec2, res: Float64Array, J: Float64Array): boolean {
  const z = p[2];
  if (!(z > 1e-9)) return false;
  const x = p[0] / z;
  const y = p[1] / z;
  const [xd, yd] = distortNormalized(cam.distortion, x, y);
  res[0] = uv[0] - (cam.fx * xd + cam.cx);
  res[1] = uv[1] - (cam.fy * yd + cam.cy);
  const [a, b, c, d] = distortionJacobian(cam.distortion, x, y);
  // ∂(x, y)/∂p = [1/z, 0, −x/z; 0, 1/z, −y/z]
  const iz = 1 / z;
  J[0] = cam.fx * a * iz;
  J[1] = cam.fx * b * iz;
  J[2] = -cam.fx * (a * x + b * y) * iz;
  J[3] = cam.fy * c * iz;
  J[4] = cam.fy * d * iz;
  J[5] = -cam.fy * (c * x + d * y) * iz;
  return true;
}

export function reprojectionError(cam: CameraIntrinsics, p: Vec3, uv: Vec2): number {
  if (!(p[2] > 0)) return Infinity;
  const [xd, yd] = distortNormalized(cam.distortion, p[0] / p[2], p[1] / p[2]);
  return Math.hypot(uv[0] - (cam.fx * xd + cam.cx), uv[1] - (cam.fy * yd + cam.cy));
}

/**
 * Gauss-Newton refinement of a left-camera-frame point minimising the squared reprojection error in
 * both views, with step halving so the cost never increases.
 */
export function refineTwoView(stereo: StereoCamera, p0: Vec3, uvL: Vec2, uvR: Vec2, maxIterations = 10): Vec3 {
  const R = stereo.rightFromLeft.R;
  const resL = new Float64Array(2);
  const resR = new Float64Array(2);
  const JL = new Float64Array(6);
  const JR = new Float64Array(6);
  const cost = (p: Vec3): number => {
    const eL = reprojectionError(stereo.left, p, uvL);
    const eR = reprojectionError(stereo.right, applyTransform(stereo.rightFromLeft, p), uvR);
    return eL * eL + eR * eR;
  };
  let p: Vec3 = [...p0];
  let c = cost(p);
  for (let it = 0; it < maxIterations; it++) {
    const pr = applyTransform(stereo.rightFromLeft, p);
    if (!residualAndJacobian(stereo.left, p, uvL, resL, JL)) break;
    if (!residualAndJacobian(stereo.right, pr, uvR, resR, JR)) break;
    // Right Jacobian w.r.t. the left-frame point: J_R · R.
    const JRl = new Float64Array(6);
    for (let r = 0; r < 2; r++)
      for (let k = 0; k < 3; k++) JRl[r * 3 + k] = JR[r * 3] * R[k] + JR[r * 3 + 1] * R[3 + k] + JR[r * 3 + 2] * R[6 + k];
    const H = new Float64Array(9);
    const g = new Float64Array(3);
    for (const [J, res] of [[JL, resL], [JRl, resR]] as const)
      for (let r = 0; r < 2; r++)
        for (let i = 0; i < 3; i++) {
          g[i] += J[r * 3 + i] * res[r];
          for (let j = 0; j < 3; j++) H[i * 3 + j] += J[r * 3 + i] * J[r * 3 + j];
        }
    // residual = obs − f(p), so the Gauss-Newton step solves H δ = Jᵀ res.
    const delta = solve3(H, g);
    if (!delta) break;
    let step = 1;
    let accepted = false;
    for (let h = 0; h < 12; h++) {
      const q: Vec3 = [p[0] + step * delta[0], p[1] + step * delta[1], p[2] + step * delta[2]];
      const cq = cost(q);
      if (cq <= c) {
        p = q;
        c = cq;
        accepted = true;
        break;
      }
      step /= 2;
    }
    const stepLen = step * Math.hypot(delta[0], delta[1], delta[2]);
    if (!accepted || stepLen < 1e-13 * Math.max(1, Math.abs(p[2]))) break;
  }
  return p;
}

/** Triangulate one correspondence (distorted pixels in each view). */
export function triangulatePoint(stereo: StereoCamera, uvL: Vec2 | null | undefined, uvR: Vec2 | null | undefined, opts: TriangulateOptions = {}): TriangulatedPoint {
  const o = { ...DEFAULTS, ...opts };
  if (!finite2(uvL) || !finite2(uvR)) return rejected('missing');
  const xl = undistortPixel(stereo.left, uvL);
  const xr = undistortPixel(stereo.right, uvR);
  if (!Number.isFinite(xl[0]) || !Number.isFinite(xr[0])) return rejected('undistort-failed');
  const { R, t } = stereo.rightFromLeft;
  const p0 = triangulateDlt(xl, xr, R, t);
  if (!p0 || !p0.every(Number.isFinite)) return rejected('degenerate');
  // Refinement needs the point in front of both cameras; a DLT point behind is already an outlier.
  const p0r = applyTransform(stereo.rightFromLeft, p0);
  if (!(p0[2] > 0) || !(p0r[2] > 0)) return rejected('behind-camera', p0, applyTransform(stereo.worldFromLeft, p0));
  const p = refineTwoView(stereo, p0, uvL, uvR, o.maxIterations);
  const pr = applyTransform(stereo.rightFromLeft, p);
  const world = applyTransform(stereo.worldFromLeft, p);
  const err: [number, number] = [reprojectionError(stereo.left, p, uvL), reprojectionError(stereo.right, pr, uvR)];
  if (!(p[2] > 0) || !(pr[2] > 0)) return rejected('behind-camera', p, world, err);
  if (p[2] < o.minDepth || p[2] > o.maxDepth) return rejected('depth-range', p, world, err);
  if (!(err[0] <= o.maxReprojectionPx && err[1] <= o.maxReprojectionPx)) return rejected('reprojection', p, world, err);
  return { world, camLeft: p, reprojectionPx: err, ok: true, reason: null };
}

export interface LandmarkSetOptions extends TriangulateOptions {
  /** The set is usable only with at least this many accepted points. Default 8 (of a hand's 21). */
  minValid?: number;
}

export interface TriangulatedLandmarks {
  /** Accepted points in the world frame; null where rejected. */
  world: (Vec3 | null)[];
  /** Every point's full result, in input order. */
  points: TriangulatedPoint[];
  /** Number of accepted points. */
  validCount: number;
  /** Mean over accepted points of the mean of both views' reprojection errors, pixels (NaN if none). */
  meanReprojectionPx: number;
  /** True when validCount ≥ minValid. */
  ok: boolean;
}

/**
 * Triangulate a set of corresponding landmarks (a hand's 21, in the same order in both views). A
 * null view (hand not detected there) rejects every point as 'missing'.
 */
export function triangulateLandmarks(
  stereo: StereoCamera,
  left: readonly (Vec2 | null)[] | null,
  right: readonly (Vec2 | null)[] | null,
  opts: LandmarkSetOptions = {},
): TriangulatedLandmarks {
  const n = Math.max(left?.length ?? 0, right?.length ?? 0);
  const points: TriangulatedPoint[] = [];
  const world: (Vec3 | null)[] = [];
  let valid = 0;
  let errSum = 0;
  for (let i = 0; i < n; i++) {
    const r = triangulatePoint(stereo, left?.[i], right?.[i], opts);
    points.push(r);
    world.push(r.ok ? r.world : null);
    if (r.ok) {
      valid++;
      errSum += (r.reprojectionPx[0] + r.reprojectionPx[1]) / 2;
    }
  }
  const minValid = opts.minValid ?? 8;
  return { world, points, validCount: valid, meanReprojectionPx: valid ? errSum / valid : NaN, ok: valid >= minValid && valid > 0 };
}
