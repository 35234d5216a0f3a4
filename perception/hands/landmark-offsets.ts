/**
 * Per-landmark offsets between MediaPipe's landmarks and the points a caller wants (e.g. the joint
 * centres of a hand model), expressed in a frame attached to the hand so that one table holds
 * whatever the hand's pose. MediaPipe was trained on annotated skin-surface points; a skeleton's
 * joints lie inside the hand, some millimetres away, always on the same side of the bone.
 *
 * Frame of landmark k (from the estimated landmarks themselves):
 *   e1 along its bone, towards the fingertip (parent → k; the wrist uses wrist → middle_mcp),
 *   e3 across the palm towards the thumb (pinky_mcp → index_mcp, made orthogonal to e1),
 *   e2 = e1 × e3 for a right hand, −(e1 × e3) for a left one: out of the back of either hand.
 * So one table serves both hands (they are mirror images). Offsets are in metres.
 *
 * MediaPipe's error also depends on where the camera looks from (it marks the skin a camera sees;
 * a finger seen from the side is misplaced differently from one seen from its back), so a table
 * may add a constant in the camera's axes and a linear term in the viewing direction.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { Mat3, Vec3 } from '../../core/geometry.ts';
import { readJsonFile } from '../../core/read.ts';
import { cross, dot, mat3MulVec, normalize, sub } from '../../core/geometry.ts';
import { solveLinear } from '../../core/linalg.ts';
import { LM } from '../../core/hands.ts';
import { Vec3Schema } from '../../core/program.ts';
import { median } from '../../core/stats.ts';

export const LANDMARK_OFFSETS_VERSION = 1;

export const LandmarkOffsetsSchema = z.strictObject({
  version: z.literal(LANDMARK_OFFSETS_VERSION),
  /** What the offsets lead to and how they were measured (data, model, date): provenance. */
  description: z.string(),
  /** Per landmark, MediaPipe order: [along bone, out of the back of the hand, towards the thumb], metres. */
  offsets: z.array(Vec3Schema).length(21),
  /**
   * How the offsets change with the hand's openness (handSpread): offset = offsets[k] +
   * slopes[k] · (spread − spreadCentre). MediaPipe's points move against the joints as the fingers
   * curl (a pinching thumb tip most), so one constant per landmark is not enough. Optional.
   */
  slopes: z.array(Vec3Schema).length(21).optional(),
  spreadCentre: z.number().optional(),
  /**
   * Per landmark, a constant in the axes of the camera that saw it (x right, y down, z along the
   * optical axis), metres: the part of the difference that follows the viewing direction rather
   * than the hand (MediaPipe marks the skin a camera sees; a joint lies behind it). Optional.
   */
  camera: z.array(Vec3Schema).length(21).optional(),
  /**
   * How the offsets change with the direction the camera sees the landmark from: with v the
   * camera's optical axis in the landmark's frame, offset += Σ_j v_j · view[k][3j..3j+2] (landmark
   * frame). MediaPipe's error on a finger depends on whether it is seen from the side, the back
   * or the tip. Optional.
   */
  view: z.array(z.array(z.number()).length(9)).length(21).optional(),
  /** The synthetic videos it was fitted on (evaluations must use others). */
  fittedOn: z.array(z.strictObject({ task: z.string(), seed: z.number().int() })).optional(),
  /** Samples behind each landmark's offset. */
  samples: z.array(z.number().int().nonnegative()).length(21).optional(),
});
export type LandmarkOffsets = z.infer<typeof LandmarkOffsetsSchema>;

/** Parent landmark of each landmark (the wrist's is the middle finger's MCP, used the other way round). */
export const LANDMARK_PARENT: readonly number[] = [
  LM.middle_mcp,
  0, 1, 2, 3,
  0, 5, 6, 7,
  0, 9, 10, 11,
  0, 13, 14, 15,
  0, 17, 18, 19,
];

export type Handedness = 'left' | 'right';

/** The frame [e1, e2, e3] of every landmark, or null where its points are missing or degenerate. */
export function landmarkFrames(world: readonly (Vec3 | null)[], hand: Handedness): ([Vec3, Vec3, Vec3] | null)[] {
  const ip = world[LM.index_mcp];
  const pp = world[LM.pinky_mcp];
  if (!ip || !pp) return world.map(() => null);
  const across = sub(ip, pp);
  return world.map((p, k) => {
    const q = world[LANDMARK_PARENT[k]];
    if (!p || !q) return null;
    const along = k === 0 ? sub(q, p) : sub(p, q);
    const l = Math.hypot(...along);
    if (!(l > 1e-4)) return null;
    const e1 = normalize(along);
    const a = sub(across, [e1[0] * dot(across, e1), e1[1] * dot(across, e1), e1[2] * dot(across, e1)]);
    if (!(Math.hypot(...a) > 1e-4)) return null;
    const e3 = normalize(a);
    const c = cross(e1, e3);
    const e2: Vec3 = hand === 'right' ? c : [-c[0], -c[1], -c[2]];
    return [e1, e2, e3];
  });
}

/**
 * Openness of a hand: mean distance of the five fingertips from the wrist over the palm length
 * (wrist → middle MCP); ≈ 1.9 open flat, ≈ 1.2 in a fist. NaN when those points are missing.
 */
export function handSpread(world: readonly (Vec3 | null)[]): number {
  const w = world[LM.wrist];
  const m = world[LM.middle_mcp];
  if (!w || !m) return NaN;
  const palm = Math.hypot(...sub(m, w));
  const tips = [LM.thumb_tip, LM.index_tip, LM.middle_tip, LM.ring_tip, LM.pinky_tip].map((k) => world[k]).filter((p): p is Vec3 => p !== null);
  if (tips.length < 3 || !(palm > 1e-3)) return NaN;
  return tips.reduce((a, p) => a + Math.hypot(...sub(p, w)), 0) / tips.length / palm;
}

/** The camera's optical axis in a landmark's frame. */
const viewOf = (f: [Vec3, Vec3, Vec3], R: Mat3): Vec3 => {
  const z: Vec3 = [R[2], R[5], R[8]];
  return [dot(f[0], z), dot(f[1], z), dot(f[2], z)];
};

/**
 * Landmarks moved by their offsets (points without a frame are left as they are). A table with
 * `camera` or `view` parts needs the rotation of the camera the landmarks were seen from
 * (world ← camera).
 */
export function applyLandmarkOffsets(world: readonly (Vec3 | null)[], table: LandmarkOffsets, hand: Handedness, worldFromCamera?: Mat3): (Vec3 | null)[] {
  if ((table.camera || table.view) && !worldFromCamera) throw new Error('applyLandmarkOffsets: this table has camera-dependent parts; pass worldFromCamera');
  const frames = landmarkFrames(world, hand);
  const spread = handSpread(world);
  const ds = table.slopes && Number.isFinite(spread) ? spread - (table.spreadCentre ?? 0) : 0;
  return world.map((p, k) => {
    const f = frames[k];
    if (!p || !f) return p;
    const b = table.slopes?.[k] ?? [0, 0, 0];
    const o = [0, 1, 2].map((c) => table.offsets[k][c] + b[c] * ds);
    const cam = table.camera && worldFromCamera ? mat3MulVec(worldFromCamera, table.camera[k]) : [0, 0, 0];
    if (table.view && worldFromCamera) {
      const v = viewOf(f, worldFromCamera);
      for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) o[i] += table.view[k][j * 3 + i] * v[j];
    }
    return [0, 1, 2].map((c) => p[c] + o[0] * f[0][c] + o[1] * f[1][c] + o[2] * f[2][c] + cam[c]) as Vec3;
  });
}

export interface OffsetFitOptions {
  /** Fit a slope in the hand's spread. */
  spread?: boolean;
  /** Fit a constant in the camera's axes (samples carry worldFromCamera). */
  camera?: boolean;
  /** Fit the viewing-direction terms (samples carry worldFromCamera). */
  view?: boolean;
  /**
   * Ridge weights (per sample) pulling the camera and view parts towards zero: where the training
   * hands kept one orientation to the camera, those parts and the constant are nearly the same
   * direction, and unpenalised they trade large opposite values that do not carry over to other
   * poses. Defaults 0.02 and 0.003, chosen on seeds 101 → 102 of the synthetic tasks.
   */
  cameraRidge?: number;
  viewRidge?: number;
}

/**
 * Offsets from estimated and true landmark sets, per landmark by least squares (refitted once
 * without samples whose residual is beyond 3 robust standard deviations): a constant in the
 * landmark's frame, plus the parts `o` asks for.
 */
export function fitLandmarkOffsets(
  samples: readonly { estimate: readonly (Vec3 | null)[]; truth: readonly Vec3[]; hand: Handedness; worldFromCamera?: Mat3 }[],
  o: OffsetFitOptions = {},
): { offsets: Vec3[]; slopes?: Vec3[]; spreadCentre?: number; camera?: Vec3[]; view?: number[][]; counts: number[] } {
  const withSpread = o.spread ?? false;
  const withCamera = o.camera ?? false;
  const withView = o.view ?? false;
  const cameraRidge = o.cameraRidge ?? 0.02;
  const viewRidge = o.viewRidge ?? 0.003;
  // Per landmark, per sample: the 3×m design block (world axes) and the error truth − estimate.
  const rows: { A: number[][]; d: Vec3 }[][] = Array.from({ length: 21 }, () => []);
  const spreads = samples.map((s) => handSpread(s.estimate));
  const centre = withSpread ? median(spreads.filter(Number.isFinite)) : 0;
  samples.forEach((s, i) => {
    if (withSpread && !Number.isFinite(spreads[i])) return;
    if ((withCamera || withView) && !s.worldFromCamera) throw new Error('fitLandmarkOffsets: the camera and view parts need every sample\'s worldFromCamera');
    const frames = landmarkFrames(s.estimate, s.hand);
    frames.forEach((f, k) => {
      const p = s.estimate[k];
      if (!f || !p) return;
      const x = spreads[i] - centre;
      const R = s.worldFromCamera;
      // Row c of the block: world component c of each parameter's direction.
      const A = [0, 1, 2].map((c) => [
        f[0][c], f[1][c], f[2][c],
        ...(withSpread ? [x * f[0][c], x * f[1][c], x * f[2][c]] : []),
        ...(withCamera && R ? [R[c * 3], R[c * 3 + 1], R[c * 3 + 2]] : []),
        ...(withView && R ? viewOf(f, R).flatMap((vj) => [f[0][c] * vj, f[1][c] * vj, f[2][c] * vj]) : []),
      ]);
      rows[k].push({ A, d: sub(s.truth[k], p) });
    });
  });
  const m = 3 + (withSpread ? 3 : 0) + (withCamera ? 3 : 0) + (withView ? 9 : 0);
  const solve = (rs: { A: number[][]; d: Vec3 }[]): Float64Array => {
    const H = new Float64Array(m * m);
    const g = new Float64Array(m);
    for (const { A, d } of rs)
      for (let c = 0; c < 3; c++)
        for (let i = 0; i < m; i++) {
          g[i] += A[c][i] * d[c];
          for (let j = 0; j < m; j++) H[i * m + j] += A[c][i] * A[c][j];
        }
    for (let i = 0; i < m; i++) H[i * m + i] += 1e-9; // a landmark without samples gets zeros
    if (withCamera) for (let i = 3 + (withSpread ? 3 : 0); i < 6 + (withSpread ? 3 : 0); i++) H[i * m + i] += cameraRidge * rs.length;
    if (withView) for (let i = m - 9; i < m; i++) H[i * m + i] += viewRidge * rs.length;
    return solveLinear(H, g, m) ?? new Float64Array(m);
  };
  const residual = (th: Float64Array, { A, d }: { A: number[][]; d: Vec3 }) =>
    Math.hypot(...[0, 1, 2].map((c) => d[c] - A[c].reduce((a, v, i) => a + v * th[i], 0)));
  const fits = rows.map((rs) => {
    if (rs.length === 0) return new Float64Array(m);
    const th = solve(rs);
    const r = rs.map((x) => residual(th, x));
    const med = median(r);
    const mad = 1.4826 * median(r.map((v) => Math.abs(v - med)));
    return solve(rs.filter((_, j) => r[j] <= med + 3 * mad + 1e-9));
  });
  const part = (from: number): Vec3[] => fits.map((th) => [th[from], th[from + 1], th[from + 2]]);
  return {
    offsets: part(0),
    ...(withSpread ? { slopes: part(3), spreadCentre: centre } : {}),
    ...(withCamera ? { camera: part(withSpread ? 6 : 3) } : {}),
    ...(withView ? { view: fits.map((th) => Array.from(th.slice(m - 9))) } : {}),
    counts: rows.map((r) => r.length),
  };
}

/** The shipped table (perception/hands/landmark-offsets.json; how it was made is in its description). */
export const DEFAULT_LANDMARK_OFFSETS_FILE = new URL('./landmark-offsets.json', import.meta.url).pathname;

let shipped: LandmarkOffsets | null | undefined;
/** The shipped table, or null when it is absent. */
export function defaultLandmarkOffsets(): LandmarkOffsets | null {
  if (shipped === undefined) shipped = existsSync(DEFAULT_LANDMARK_OFFSETS_FILE) ? readJsonFile(DEFAULT_LANDMARK_OFFSETS_FILE, LandmarkOffsetsSchema) : null;
  return shipped;
}
