/**
 * Where a 3-D landmark error comes from, for the extract bench: how much of it lies along the
 * camera's optical axis (depth, from disparity) and how much across it, and how much is slow (the
 * error's mean over ±0.25 s, which no smoothing can remove: a bias that follows the hand's pose)
 * against fast (the rest: jitter, which smoothing can).
 */
import type { Mat3, Vec3 } from '../core/geometry.ts';

export interface ErrorAnatomy {
  total: number[];
  depth: number[];
  across: number[];
  slow: number[];
  fast: number[];
}

export const emptyAnatomy = (): ErrorAnatomy => ({ total: [], depth: [], across: [], slow: [], fast: [] });

/**
 * Add one landmark's track: `errors[i]` = estimate − truth at frame i (world, metres) or null.
 * `worldFromCamera` turns camera axes into world axes (its third column is the optical axis).
 */
export function addTrack(into: ErrorAnatomy, errors: readonly (Vec3 | null)[], worldFromCamera: Mat3, halfWindow = 7): void {
  const axis: Vec3 = [worldFromCamera[2], worldFromCamera[5], worldFromCamera[8]];
  errors.forEach((e, i) => {
    if (!e) return;
    const d = e[0] * axis[0] + e[1] * axis[1] + e[2] * axis[2];
    const total = Math.hypot(...e);
    into.total.push(total);
    into.depth.push(Math.abs(d));
    into.across.push(Math.sqrt(Math.max(0, total * total - d * d)));
    const mean: Vec3 = [0, 0, 0];
    let n = 0;
    for (let j = Math.max(0, i - halfWindow); j <= Math.min(errors.length - 1, i + halfWindow); j++) {
      const o = errors[j];
      if (!o) continue;
      for (let c = 0; c < 3; c++) mean[c] += o[c];
      n++;
    }
    for (let c = 0; c < 3; c++) mean[c] /= n;
    into.slow.push(Math.hypot(...mean));
    into.fast.push(Math.hypot(e[0] - mean[0], e[1] - mean[1], e[2] - mean[2]));
  });
}
