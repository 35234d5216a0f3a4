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
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { Vec3 } from '../../core/geometry.ts';
import { readJsonFile } from '../../core/read.ts';
import { cross, dot, normalize, sub } from '../../core/geometry.ts';
import { LM } from '../../core/hands.ts';
import { median } from '../../core/stats.ts';

export const LANDMARK_OFFSETS_VERSION = 1;

export const LandmarkOffsetsSchema = z.strictObject({
  version: z.literal(LANDMARK_OFFSETS_VERSION),
  /** What the offsets lead to and how they were measured (data, model, date): provenance. */
  description: z.string(),
  /** Per landmark, MediaPipe order: [along bone, out of the back of the hand, towards the thumb], metres. */
  offsets: z.array(z.tuple([z.number(), z.number(), z.number()])).length(21),
  /**
   * How the offsets change with the hand's openness (handSpread): offset = offsets[k] +
   * slopes[k] · (spread − spreadCentre). MediaPipe's points move against the joints as the fingers
   * curl (a pinching thumb tip most), so one constant per landmark is not enough. Optional.
   */
  slopes: z.array(z.tuple([z.number(), z.number(), z.number()])).length(21).optional(),
  spreadCentre: z.number().optional(),
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

/** Landmarks moved by their offsets (points without a frame are left as they are). */
export function applyLandmarkOffsets(world: readonly (Vec3 | null)[], table: LandmarkOffsets, hand: Handedness): (Vec3 | null)[] {
  const frames = landmarkFrames(world, hand);
  const spread = handSpread(world);
  const ds = table.slopes && Number.isFinite(spread) ? spread - (table.spreadCentre ?? 0) : 0;
  return world.map((p, k) => {
    const f = frames[k];
    if (!p || !f) return p;
    const b = table.slopes?.[k] ?? [0, 0, 0];
    const o = [0, 1, 2].map((c) => table.offsets[k][c] + b[c] * ds);
    return [0, 1, 2].map((c) => p[c] + o[0] * f[0][c] + o[1] * f[1][c] + o[2] * f[2][c]) as Vec3;
  });
}

/**
 * Offsets from estimated and true landmark sets. Constant (component-wise medians) unless
 * `withSpread`: then per component a straight line in the hand's spread (least squares, refitted
 * once without residuals beyond 3 robust standard deviations).
 */
export function fitLandmarkOffsets(
  samples: readonly { estimate: readonly (Vec3 | null)[]; truth: readonly Vec3[]; hand: Handedness }[],
  withSpread = false,
): { offsets: Vec3[]; slopes?: Vec3[]; spreadCentre?: number; counts: number[] } {
  const comp: { d: number[]; s: number }[][] = Array.from({ length: 21 }, () => []);
  for (const s of samples) {
    const frames = landmarkFrames(s.estimate, s.hand);
    const spread = handSpread(s.estimate);
    frames.forEach((f, k) => {
      const p = s.estimate[k];
      if (!f || !p || (withSpread && !Number.isFinite(spread))) return;
      const d = sub(s.truth[k], p);
      comp[k].push({ d: [dot(d, f[0]), dot(d, f[1]), dot(d, f[2])], s: spread });
    });
  }
  const med = (xs: number[]) => (xs.length ? median(xs) : 0);
  const counts = comp.map((c) => c.length);
  if (!withSpread) return { offsets: comp.map((c) => [0, 1, 2].map((i) => med(c.map((x) => x.d[i]))) as Vec3), counts };
  const centre = med(comp.flatMap((c) => c.map((x) => x.s)));
  const line = (xs: number[], ys: number[]): [number, number] => {
    let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (let i = 0; i < xs.length; i++) {
      n++;
      sx += xs[i];
      sy += ys[i];
      sxx += xs[i] * xs[i];
      sxy += xs[i] * ys[i];
    }
    const den = n * sxx - sx * sx;
    if (!(n > 0)) return [0, 0];
    if (!(Math.abs(den) > 1e-12)) return [sy / n, 0];
    const b = (n * sxy - sx * sy) / den;
    return [(sy - b * sx) / n, b];
  };
  const offsets: Vec3[] = [];
  const slopes: Vec3[] = [];
  for (const c of comp) {
    const o: Vec3 = [0, 0, 0];
    const b: Vec3 = [0, 0, 0];
    for (let i = 0; i < 3; i++) {
      const xs = c.map((x) => x.s - centre);
      const ys = c.map((x) => x.d[i]);
      let [a, bb] = line(xs, ys);
      const res = ys.map((y, j) => y - a - bb * xs[j]);
      const mad = 1.4826 * med(res.map(Math.abs));
      const keep = res.map((r) => Math.abs(r) <= 3 * mad + 1e-9);
      [a, bb] = line(xs.filter((_, j) => keep[j]), ys.filter((_, j) => keep[j]));
      o[i] = a;
      b[i] = bb;
    }
    offsets.push(o);
    slopes.push(b);
  }
  return { offsets, slopes, spreadCentre: centre, counts };
}

/** The shipped table (perception/hands/landmark-offsets.json; how it was made is in its description). */
export const DEFAULT_LANDMARK_OFFSETS_FILE = new URL('./landmark-offsets.json', import.meta.url).pathname;

let shipped: LandmarkOffsets | null | undefined;
/** The shipped table, or null when it is absent. */
export function defaultLandmarkOffsets(): LandmarkOffsets | null {
  if (shipped === undefined) shipped = existsSync(DEFAULT_LANDMARK_OFFSETS_FILE) ? readJsonFile(DEFAULT_LANDMARK_OFFSETS_FILE, LandmarkOffsetsSchema) : null;
  return shipped;
}
