/**
 * Gaps in landmark tracks: frames where a value is missing (hand not found, point rejected). Short
 * gaps (≤ maxGapFrames) are filled by linear interpolation in time between the frames on either
 * side; longer ones, and gaps at the start or end of the track (nothing to interpolate from), are
 * left empty and reported as frame ranges so a caller can say where the hand was lost.
 */
import type { Vec3 } from '../core/geometry.ts';
import { median } from '../core/stats.ts';

/** Frames start..end inclusive. */
export interface FrameRange {
  start: number;
  end: number;
}

export interface UnfilledGap extends FrameRange {
  /** 'long': longer than maxGapFrames; 'start'/'end': touches the track's first/last frame. */
  reason: 'long' | 'start' | 'end';
}

/** At 30 fps, 5 frames = 0.17 s: short enough that a hand moves nearly straight. */
export const DEFAULT_MAX_GAP_FRAMES = 5;

export interface GapOptions {
  /** Fill gaps of at most this many frames. Default 5. */
  maxGapFrames?: number;
}

/** Runs of `false` in `present`. */
export function findGaps(present: readonly boolean[]): FrameRange[] {
  const out: FrameRange[] = [];
  let start = -1;
  for (let i = 0; i <= present.length; i++) {
    const missing = i < present.length && !present[i];
    if (missing && start < 0) start = i;
    if (!missing && start >= 0) {
      out.push({ start, end: i - 1 });
      start = -1;
    }
  }
  return out;
}

export interface GapFillResult<T> {
  values: (T | null)[];
  /** Gaps that were filled. */
  filled: FrameRange[];
  /** Gaps left empty, with why. */
  unfilled: UnfilledGap[];
}

/**
 * Fill short gaps in a series of equal-length numeric vectors (null = missing), interpolating
 * linearly in time `t` (seconds, increasing; one per frame).
 */
export function fillGaps<T extends readonly number[]>(values: readonly (T | null)[], t: readonly number[], opts: GapOptions = {}): GapFillResult<number[]> {
  if (t.length !== values.length) throw new Error(`fillGaps: ${values.length} values but ${t.length} times`);
  const maxGap = opts.maxGapFrames ?? DEFAULT_MAX_GAP_FRAMES;
  const out: (number[] | null)[] = values.map((v) => (v ? [...v] : null));
  const filled: FrameRange[] = [];
  const unfilled: UnfilledGap[] = [];
  for (const g of findGaps(values.map((v) => v !== null))) {
    const len = g.end - g.start + 1;
    if (g.start === 0) unfilled.push({ ...g, reason: 'start' });
    else if (g.end === values.length - 1) unfilled.push({ ...g, reason: 'end' });
    else if (len > maxGap) unfilled.push({ ...g, reason: 'long' });
    else {
      const a = values[g.start - 1]!;
      const b = values[g.end + 1]!;
      const ta = t[g.start - 1];
      const tb = t[g.end + 1];
      for (let i = g.start; i <= g.end; i++) {
        const s = tb > ta ? (t[i] - ta) / (tb - ta) : (i - g.start + 1) / (len + 1);
        out[i] = a.map((av, k) => av + (b[k] - av) * s);
      }
      filled.push(g);
    }
  }
  return { values: out, filled, unfilled };
}

/** A hand (or any landmark set) per frame: null when absent, or points that may each be null. */
export type LandmarkFrame = readonly (Vec3 | null)[] | null;

export interface LandmarkGapResult {
  frames: ((Vec3 | null)[] | null)[];
  /** Frame ranges where the whole hand was missing and has been filled. */
  filled: FrameRange[];
  /** Frame ranges where the whole hand is still missing, with why. */
  unfilled: UnfilledGap[];
  /** Landmark points filled in frames where the hand was present (single rejected points). */
  pointsFilled: number;
}

/**
 * Fill short gaps of each landmark independently (a point rejected in a few frames, or the whole
 * hand lost for a few), and report the whole-hand gaps. `count` is the number of landmarks (21).
 */
export function fillLandmarkGaps(frames: readonly LandmarkFrame[], t: readonly number[], opts: GapOptions = {}, count = 21): LandmarkGapResult {
  const out: ((Vec3 | null)[] | null)[] = frames.map(() => null);
  let pointsFilled = 0;
  for (let k = 0; k < count; k++) {
    const series = frames.map((f) => f?.[k] ?? null);
    const r = fillGaps(series, t, opts);
    r.values.forEach((v, i) => {
      if (!v) return;
      const row = (out[i] ??= new Array<Vec3 | null>(count).fill(null));
      row[k] = v as Vec3;
      if (!series[i] && frames[i]) pointsFilled++;
    });
  }
  const handPresent = frames.map((f) => !!f && f.some((p) => p !== null));
  const gaps = findGaps(handPresent);
  const filled: FrameRange[] = [];
  const unfilled: UnfilledGap[] = [];
  for (const g of gaps) {
    const stillEmpty = out.slice(g.start, g.end + 1).every((f) => !f || f.every((p) => p === null));
    if (!stillEmpty) filled.push(g);
    // A short hand gap stays empty when its points' own gaps are longer (missing just before it).
    else unfilled.push({ ...g, reason: g.start === 0 ? 'start' : g.end === frames.length - 1 ? 'end' : 'long' });
  }
  return { frames: out, filled, unfilled, pointsFilled };
}

export interface SpikeOptions {
  /** Frames on each side compared with. Default 3 (a 7-frame window, 0.23 s at 30 fps). */
  halfWindow?: number;
  /**
   * Reject when the deviation exceeds the track's median deviation by this many robust standard
   * deviations (MAD·1.4826, over the whole track). Default 4.
   */
  threshold?: number;
  /**
   * …and exceeds this absolute deviation (units of the values; metres for landmarks). Default 0.03:
   * well above triangulation jitter at 1 m, well below a mis-matched landmark's depth error.
   */
  minDeviation?: number;
}

/**
 * Drop isolated jumps (a Hampel filter on vectors): a value far from the component-wise median
 * of its neighbours, in robust units and in absolute terms, becomes null. It catches what
 * triangulation cannot see — a landmark detected at different places along the epipolar line in
 * the two views has no reprojection error but centimetres of depth error. Run before fillGaps.
 */
export function rejectSpikes<T extends readonly number[]>(values: readonly (T | null)[], opts: SpikeOptions = {}): { values: (T | null)[]; rejected: number[] } {
  const k = opts.halfWindow ?? 3;
  const nSigma = opts.threshold ?? 4;
  const minDev = opts.minDeviation ?? 0.03;
  // Deviation of each value from its window's median (the value itself excluded).
  const dev = values.map((v, i) => {
    if (!v) return NaN;
    const nb: (readonly number[])[] = [];
    for (let j = Math.max(0, i - k); j <= Math.min(values.length - 1, i + k); j++) if (j !== i && values[j]) nb.push(values[j]!);
    if (nb.length < 2) return NaN;
    const m = v.map((_, c) => median(nb.map((p) => p[c])));
    return Math.hypot(...v.map((x, c) => x - m[c]));
  });
  // One robust scale for the whole track: the noise level of a landmark is about stationary, and a
  // 7-frame window holds too few samples to estimate it.
  const finiteDev = dev.filter(Number.isFinite);
  const med = finiteDev.length ? median(finiteDev) : 0;
  const mad = finiteDev.length ? median(finiteDev.map((d) => Math.abs(d - med))) : 0;
  const limit = Math.max(minDev, med + nSigma * 1.4826 * mad);
  const rejected: number[] = [];
  const out = values.map((v, i) => {
    if (!v || !(dev[i] > limit)) return v;
    rejected.push(i);
    return null;
  });
  return { values: out, rejected };
}

/** rejectSpikes on every landmark of a hand track; returns the track and how many points were dropped. */
export function rejectLandmarkSpikes(frames: readonly LandmarkFrame[], opts: SpikeOptions = {}, count = 21): { frames: ((Vec3 | null)[] | null)[]; rejected: number } {
  const out: ((Vec3 | null)[] | null)[] = frames.map((f) => (f ? [...f] : null));
  let rejected = 0;
  for (let c = 0; c < count; c++) {
    const r = rejectSpikes(frames.map((f) => f?.[c] ?? null), opts);
    for (const i of r.rejected) out[i]![c] = null;
    rejected += r.rejected.length;
  }
  return { frames: out, rejected };
}
