/**
 * Stereo landmarks fused with MediaPipe's hand shape.
 *
 * Triangulating each landmark on its own puts all of the depth on one disparity: on the project's
 * rig (12 cm baseline, hands ~0.9 m away) one pixel of disparity is ~12 mm of depth, and
 * MediaPipe's landmarks disagree between the two views by ~2 px. But MediaPipe also predicts the
 * hand's metric 3-D shape ("world landmarks", about the hand's centre, camera-aligned) from each
 * view, whose relative depths do not depend on disparity. So:
 *   1. the shape is placed in the left camera frame — a similarity (rotation, translation, scale)
 *      fitted to the 2-D landmarks of both views at once (robust Gauss-Newton on reprojection
 *      error, started from a fit to the per-landmark triangulations): the hand's depth then rests
 *      on all 21 disparities instead of one;
 *   2. each landmark is re-estimated from its two pixels and a prior at its place on the fitted
 *      shape: the images decide where the views agree with each other; where one view's pixel is
 *      far from the shape (a fingertip hidden in that view, or detected elsewhere on the epipolar
 *      line), that view is down-weighted and the shape decides.
 */
import { applyTransform, mat3Mul, mat3MulVec, mat3Transpose, sub as sub3, type Mat3, type Vec3 } from '../../core/geometry.ts';
import { rodrigues } from '../calibration/calibration-parts.ts';
import type { StereoCamera, Vec2 } from '../stereo-camera.ts';
import { residualAndJacobian, triangulatePoint } from '../triangulate.ts';
import { symmetricEigen, solve3, solveLinear } from '../../core/linalg.ts';
import { quantile } from '../../core/stats.ts';

export interface ShapeFusionOptions {
  /** Landmark noise in each view, pixels (weight of the images against the shape). Default 2. */
  pixelSigma: number;
  /** How far a landmark may sit from its place on the fitted shape, metres. Default 0.008. */
  shapeSigma: number;
  /** Residual (px) beyond which a view's pixel counts as an outlier (Huber scale). Default 3. */
  huberPx: number;
  /** Fewest landmarks that must triangulate for the shape fit to start. Default 6. */
  minPoints: number;
  /**
   * A landmark whose own triangulation lies within this distance of its place on the fitted shape
   * keeps that triangulation (stereo is the better judge of fine shape); farther ones — the two
   * views disagree — are re-estimated with the shape prior. Metres; Infinity: never use the
   * prior; 0: always (default: on synthetic videos, held-out tasks came out best with the prior
   * everywhere — MediaPipe's relative depths, once its systematic offsets are removed, beat a
   * single disparity).
   */
  gate: number;
}

export const DEFAULT_SHAPE_FUSION: ShapeFusionOptions = { pixelSigma: 2, shapeSigma: 0.008, huberPx: 3, minPoints: 6, gate: 0 };

export interface FusedHand {
  /** Fused landmarks, left camera frame; null where no estimate could be made. */
  camLeft: (Vec3 | null)[];
  /** The fitted shape in the left camera frame (null when the fit failed). */
  shape: Vec3[] | null;
  /** Scale of the fitted shape relative to MediaPipe's. */
  scale: number;
  /** RMS reprojection error of the fitted shape over both views, pixels. */
  shapeRmsPx: number;
}

/** exp of a rotation vector (Rodrigues), row-major: the calibration readers' own. */
export const rotationFromVector = rodrigues;

/**
 * Weighted similarity (Umeyama 1991) taking `from` onto `to`: to ≈ s·R·from + t. Null with fewer
 * than 3 weighted points or a degenerate configuration.
 */
export function fitSimilarity(from: readonly Vec3[], to: readonly Vec3[], w: readonly number[]): { R: Mat3; t: Vec3; s: number } | null {
  let W = 0;
  const mf: Vec3 = [0, 0, 0];
  const mt: Vec3 = [0, 0, 0];
  let n = 0;
  for (let i = 0; i < from.length; i++) {
    if (!(w[i] > 0)) continue;
    n++;
    W += w[i];
    for (let k = 0; k < 3; k++) {
      mf[k] += w[i] * from[i][k];
      mt[k] += w[i] * to[i][k];
    }
  }
  if (n < 3) return null;
  for (let k = 0; k < 3; k++) {
    mf[k] /= W;
    mt[k] /= W;
  }
  // Cross-covariance Σ = Σ w (to−mt)(from−mf)ᵀ and the variance of `from`.
  const S = new Float64Array(9);
  let varF = 0;
  for (let i = 0; i < from.length; i++) {
    if (!(w[i] > 0)) continue;
    const a = sub3(to[i], mt);
    const b = sub3(from[i], mf);
    varF += w[i] * (b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) S[r * 3 + c] += w[i] * a[r] * b[c];
  }
  if (!(varF > 0)) return null;
  // Rotation from the polar decomposition of Σ via the 4×4 quaternion matrix (Horn 1987).
  // Horn's S_ab = Σ w from_a to_b is the transpose of S.
  const [Sxx, Syx, Szx, Sxy, Syy, Szy, Sxz, Syz, Szz] = S;
  const N = [
    Sxx + Syy + Szz, Syz - Szy, Szx - Sxz, Sxy - Syx,
    Syz - Szy, Sxx - Syy - Szz, Sxy + Syx, Szx + Sxz,
    Szx - Sxz, Sxy + Syx, -Sxx + Syy - Szz, Syz + Szy,
    Sxy - Syx, Szx + Sxz, Syz + Szy, -Sxx - Syy + Szz,
  ];
  const { vectors } = symmetricEigen(N, 4);
  // symmetricEigen sorts by increasing eigenvalue: the last row is the largest's eigenvector.
  const [qw, qx, qy, qz] = [vectors[12], vectors[13], vectors[14], vectors[15]];
  const R: Mat3 = [
    qw * qw + qx * qx - qy * qy - qz * qz, 2 * (qx * qy - qw * qz), 2 * (qx * qz + qw * qy),
    2 * (qy * qx + qw * qz), qw * qw - qx * qx + qy * qy - qz * qz, 2 * (qy * qz - qw * qx),
    2 * (qz * qx - qw * qy), 2 * (qz * qy + qw * qx), qw * qw - qx * qx - qy * qy + qz * qz,
  ];
  // Optimal scale: trace(RᵀΣ) / var(from).
  let tr = 0;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) tr += R[r * 3 + c] * S[r * 3 + c];
  const s = tr / varF;
  if (!(s > 0) || !Number.isFinite(s)) return null;
  const Rm = mat3MulVec(R, mf);
  return { R, t: [mt[0] - s * Rm[0], mt[1] - s * Rm[1], mt[2] - s * Rm[2]], s };
}

const huber = (r: number, c: number): number => (r <= c ? 1 : c / r);

interface Obs {
  k: number;
  view: 0 | 1;
  uv: Vec2;
}

/**
 * Fuse one hand: `left`/`right` are its 21 distorted pixels per view, `shapes` MediaPipe's metric
 * shape from each view that has one (in that view's camera axes; the right one is turned into
 * the left camera's axes here).
 */
export function fuseHandWithShape(
  stereo: StereoCamera,
  left: readonly Vec2[],
  right: readonly Vec2[],
  shapes: { left: readonly Vec3[] | null; right: readonly Vec3[] | null },
  opts: Partial<ShapeFusionOptions> = {},
): FusedHand {
  const o = { ...DEFAULT_SHAPE_FUSION, ...opts };
  const n = left.length;
  const tri = left.map((uv, k) => triangulatePoint(stereo, uv, right[k], { maxReprojectionPx: 4 * o.huberPx }));
  const plain = tri.map((r) => (r.ok ? r.camLeft : null));
  const fail: FusedHand = { camLeft: plain, shape: null, scale: NaN, shapeRmsPx: NaN };

  // The shape: the mean of the views' shapes in left-camera axes, each centred on its own mean.
  const Rrl = stereo.rightFromLeft.R;
  const RlrT = mat3Transpose(Rrl); // right axes → left axes
  const centred = (s: readonly Vec3[], R: Mat3 | null): Vec3[] => {
    const p = s.map((v) => (R ? mat3MulVec(R, v) : ([...v] as Vec3)));
    const m = p.reduce((a, v) => [a[0] + v[0] / n, a[1] + v[1] / n, a[2] + v[2] / n] as Vec3, [0, 0, 0] as Vec3);
    return p.map((v) => sub3(v, m));
  };
  const parts = [shapes.left ? centred(shapes.left, null) : null, shapes.right ? centred(shapes.right, RlrT) : null].filter((s): s is Vec3[] => s !== null);
  if (parts.length === 0 || parts.some((s) => s.length !== n)) return fail;
  const S: Vec3[] = parts[0].map((_, k) => {
    const a: Vec3 = [0, 0, 0];
    for (const s of parts) for (let c = 0; c < 3; c++) a[c] += s[k][c] / parts.length;
    return a;
  });

  // 1a. Start: a similarity from the shape to the triangulated points, with weights that favour
  // points whose reprojection is small (a wrong disparity usually shows up there first).
  const okIdx = plain.map((p, k) => (p ? k : -1)).filter((k) => k >= 0);
  if (okIdx.length < o.minPoints) return fail;
  const w0 = plain.map((p, k) => (p ? 1 / (1 + (tri[k].reprojectionPx[0] + tri[k].reprojectionPx[1]) / 2) : 0));
  let init = fitSimilarity(S, plain.map((p) => p ?? [0, 0, 0]), w0);
  if (!init) return fail;
  // One robust refit: drop points more than 2.5× the median distance (≥ 1.5 cm) from the shape.
  {
    const d = okIdx.map((k) => Math.hypot(...sub3(plain[k]!, applySim(init!, S[k]))));
    const med = quantile(d, 0.5); // the upper middle of an even count
    const lim = Math.max(0.015, 2.5 * med);
    const w1 = w0.map((w, k) => (plain[k] && Math.hypot(...sub3(plain[k]!, applySim(init!, S[k]))) <= lim ? w : 0));
    init = fitSimilarity(S, plain.map((p) => p ?? [0, 0, 0]), w1) ?? init;
  }

  // 1b. Robust Gauss-Newton on the reprojection error of s·R·S + t in both views.
  const obs: Obs[] = [];
  for (let k = 0; k < n; k++) {
    if (Number.isFinite(left[k]?.[0]) && Number.isFinite(left[k]?.[1])) obs.push({ k, view: 0, uv: left[k] });
    if (Number.isFinite(right[k]?.[0]) && Number.isFinite(right[k]?.[1])) obs.push({ k, view: 1, uv: right[k] });
  }
  let R = init.R;
  let t = init.t;
  let s = init.s;
  const res = new Float64Array(2);
  const J = new Float64Array(6);
  const costOf = (R_: Mat3, t_: Vec3, s_: number): number => {
    let c = 0;
    for (const ob of obs) {
      const X = applySim({ R: R_, t: t_, s: s_ }, S[ob.k]);
      const ok = ob.view === 0 ? residualAndJacobian(stereo.left, X, ob.uv, res, J) : residualAndJacobian(stereo.right, applyTransform(stereo.rightFromLeft, X), ob.uv, res, J);
      if (!ok) return Infinity;
      const r = Math.hypot(res[0], res[1]);
      c += r <= o.huberPx ? r * r : 2 * o.huberPx * r - o.huberPx * o.huberPx;
    }
    return c;
  };
  let cost = costOf(R, t, s);
  if (!Number.isFinite(cost)) return fail;
  let lambda = 1e-3;
  for (let it = 0; it < 15; it++) {
    const H = new Float64Array(49);
    const g = new Float64Array(7);
    const row = new Float64Array(7);
    for (const ob of obs) {
      const a = mat3MulVec(R, S[ob.k]).map((v) => v * s) as Vec3;
      const X: Vec3 = [a[0] + t[0], a[1] + t[1], a[2] + t[2]];
      let Jx: Float64Array; // 2×3, d(pixel)/d(X in left frame)
      if (ob.view === 0) {
        if (!residualAndJacobian(stereo.left, X, ob.uv, res, J)) continue;
        Jx = J.slice();
      } else {
        if (!residualAndJacobian(stereo.right, applyTransform(stereo.rightFromLeft, X), ob.uv, res, J)) continue;
        Jx = new Float64Array(6);
        for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) Jx[r * 3 + c] = J[r * 3] * Rrl[c] + J[r * 3 + 1] * Rrl[3 + c] + J[r * 3 + 2] * Rrl[6 + c];
      }
      const wgt = huber(Math.hypot(res[0], res[1]), o.huberPx);
      // dX/dω = −[a]×, dX/dt = I, dX/dlog s = a.
      for (let r = 0; r < 2; r++) {
        const j0 = Jx[r * 3];
        const j1 = Jx[r * 3 + 1];
        const j2 = Jx[r * 3 + 2];
        // −j·[a]× = [j1 a2 − j2 a1, j2 a0 − j0 a2, j0 a1 − j1 a0]
        row[0] = j1 * a[2] - j2 * a[1];
        row[1] = j2 * a[0] - j0 * a[2];
        row[2] = j0 * a[1] - j1 * a[0];
        row[3] = j0;
        row[4] = j1;
        row[5] = j2;
        row[6] = j0 * a[0] + j1 * a[1] + j2 * a[2];
        for (let i = 0; i < 7; i++) {
          g[i] += wgt * row[i] * res[r];
          for (let j = 0; j < 7; j++) H[i * 7 + j] += wgt * row[i] * row[j];
        }
      }
    }
    let improved = false;
    for (let tries = 0; tries < 8; tries++) {
      const Hd = Float64Array.from(H);
      for (let i = 0; i < 7; i++) Hd[i * 8] *= 1 + lambda;
      const d = solveLinear(Hd, g, 7);
      if (!d) break;
      const R2 = mat3Mul(rotationFromVector([d[0], d[1], d[2]]), R);
      // S is centred, so the update turns the hand about its own centre (little coupling with t).
      const t2: Vec3 = [t[0] + d[3], t[1] + d[4], t[2] + d[5]];
      const s2 = s * Math.exp(d[6]);
      const c2 = costOf(R2, t2, s2);
      if (c2 < cost) {
        [R, t, s, cost] = [R2, t2, s2, c2];
        lambda = Math.max(1e-7, lambda / 3);
        improved = true;
        const step = Math.hypot(d[3], d[4], d[5]);
        if (step < 1e-7) it = Infinity;
        break;
      }
      lambda *= 5;
    }
    if (!improved) break;
  }
  const shape = S.map((v) => applySim({ R, t, s }, v));
  const shapeRmsPx = Math.sqrt(cost / Math.max(1, obs.length)); // Huber cost ≈ r² for inliers

  // 2. Each landmark from its pixels (Huber-weighted) and its place on the shape.
  const wImg = 1 / (o.pixelSigma * o.pixelSigma);
  const wShape = 1 / (o.shapeSigma * o.shapeSigma);
  const camLeft: (Vec3 | null)[] = shape.map((M, k) => {
    const P = plain[k];
    if (P && o.gate > 0 && Math.hypot(P[0] - M[0], P[1] - M[1], P[2] - M[2]) <= o.gate) return P;
    let X: Vec3 = [...M];
    for (let it = 0; it < 5; it++) {
      const H = new Float64Array(9);
      const g = new Float64Array(3);
      for (let i = 0; i < 3; i++) {
        H[i * 4] += wShape;
        g[i] += wShape * (M[i] - X[i]);
      }
      for (const view of [0, 1] as const) {
        const uv = view === 0 ? left[k] : right[k];
        if (!uv || !Number.isFinite(uv[0]) || !Number.isFinite(uv[1])) continue;
        let Jx: Float64Array;
        if (view === 0) {
          if (!residualAndJacobian(stereo.left, X, uv, res, J)) continue;
          Jx = J.slice();
        } else {
          if (!residualAndJacobian(stereo.right, applyTransform(stereo.rightFromLeft, X), uv, res, J)) continue;
          Jx = new Float64Array(6);
          for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) Jx[r * 3 + c] = J[r * 3] * Rrl[c] + J[r * 3 + 1] * Rrl[3 + c] + J[r * 3 + 2] * Rrl[6 + c];
        }
        // Robust weight from the residual at the shape point (does the pixel agree with the
        // shape?), so a view that disagrees cannot drag the point along its own ray.
        // Redescending (Cauchy) weight, re-evaluated each iteration: a pixel ~3× the scale away
        // from the current estimate weighs a tenth.
        const rr = Math.hypot(res[0], res[1]) / o.huberPx;
        const wv = wImg / (1 + rr * rr);
        for (let r = 0; r < 2; r++)
          for (let i = 0; i < 3; i++) {
            g[i] += wv * Jx[r * 3 + i] * res[r];
            for (let j = 0; j < 3; j++) H[i * 3 + j] += wv * Jx[r * 3 + i] * Jx[r * 3 + j];
          }
      }
      const d = solve3(H, g);
      if (!d) break;
      X = [X[0] + d[0], X[1] + d[1], X[2] + d[2]];
      if (Math.hypot(d[0], d[1], d[2]) < 1e-7) break;
    }
    return X.every(Number.isFinite) && X[2] > 0 ? X : null;
  });
  return { camLeft, shape, scale: s, shapeRmsPx };
}

function applySim(T: { R: Mat3; t: Vec3; s: number }, v: Vec3): Vec3 {
  const r = mat3MulVec(T.R, v);
  return [T.s * r[0] + T.t[0], T.s * r[1] + T.t[1], T.s * r[2] + T.t[2]];
}
