/**
 * A stereo pair of frame streams: two files (aligned by presentation time when their frame
 * rates or lengths differ, with a warning) or one side-by-side file split into halves.
 */
import { YotoError } from '../../core/errors.ts';
import { decodeFrames, type Frame } from './decode.ts';
import { probeVideo, type VideoInfo } from './probe.ts';

export interface StereoPairIndex {
  /** Pair time: the left frame's presentation time, seconds. */
  t: number;
  left: number;
  right: number;
  /** right time − left time, seconds. */
  dt: number;
}

export interface StereoAlignment {
  pairs: StereoPairIndex[];
  warnings: string[];
}

const fmt = (x: number): string => (Math.round(x * 100) / 100).toString();

/**
 * Pair frames by presentation time. Identical timelines pair one to one. Otherwise each frame of
 * the slower stream takes the nearest unused frame of the other within half the faster stream's
 * frame period; frames with no partner are dropped and counted in a warning.
 */
export function alignStereo(leftTimes: number[], rightTimes: number[], fps: { left: number; right: number }): StereoAlignment {
  const warnings: string[] = [];
  const period = 1 / Math.max(fps.left, fps.right);
  const tol = period / 2 + 1e-6;
  const same = leftTimes.length === rightTimes.length && leftTimes.every((t, i) => Math.abs(t - rightTimes[i]) < tol);
  if (same) return { pairs: leftTimes.map((t, i) => ({ t, left: i, right: i, dt: rightTimes[i] - t })), warnings };

  if (Math.abs(fps.left - fps.right) > 1e-3 * Math.max(fps.left, fps.right)) {
    warnings.push(`left and right videos have different frame rates (${fmt(fps.left)} vs ${fmt(fps.right)} fps): frames paired by timestamp`);
  }
  if (leftTimes.length !== rightTimes.length) {
    warnings.push(`left and right videos have different lengths (${leftTimes.length} vs ${rightTimes.length} frames): frames paired by timestamp`);
  }
  // Walk the slower stream (fewer frames a second); two pointers, both monotonic.
  const leftIsBase = fps.left <= fps.right;
  const base = leftIsBase ? leftTimes : rightTimes;
  const other = leftIsBase ? rightTimes : leftTimes;
  const pairs: StereoPairIndex[] = [];
  let j = 0;
  for (let i = 0; i < base.length; i++) {
    const t = base[i];
    while (j + 1 < other.length && Math.abs(other[j + 1] - t) <= Math.abs(other[j] - t)) j++;
    if (j >= other.length || Math.abs(other[j] - t) > tol) continue;
    const [l, r] = leftIsBase ? [i, j] : [j, i];
    pairs.push({ t: leftTimes[l], left: l, right: r, dt: rightTimes[r] - leftTimes[l] });
    j++;
  }
  const droppedL = leftTimes.length - pairs.length;
  const droppedR = rightTimes.length - pairs.length;
  if (droppedL > 0 || droppedR > 0) {
    warnings.push(`${pairs.length} stereo pairs; ${droppedL} left and ${droppedR} right frames have no partner within ${fmt(tol * 1000)} ms and are skipped`);
  }
  return { pairs, warnings };
}

export interface StereoFrame {
  /** 0-based pair index. */
  index: number;
  t: number;
  left: Frame;
  right: Frame;
}

export interface StereoSource {
  left: VideoInfo;
  right: VideoInfo;
  /** Whether both views come from one side-by-side file. */
  sbs: boolean;
  pairs: StereoPairIndex[];
  warnings: string[];
  /** Decode the pairs in order; each call starts again from the beginning. */
  frames(opts?: { maxPairs?: number }): AsyncGenerator<StereoFrame>;
}

export type StereoInput = { left: string; right: string } | { sbs: string };

/** Copy columns [x0, x0 + w) of an RGB frame. */
export function cropColumns(frame: Frame, x0: number, w: number): Frame {
  const out = new Uint8Array(w * frame.height * 3);
  const src = frame.width * 3;
  for (let y = 0; y < frame.height; y++) {
    out.set(frame.rgb.subarray(y * src + x0 * 3, y * src + (x0 + w) * 3), y * w * 3);
  }
  return { index: frame.index, t: frame.t, width: w, height: frame.height, rgb: out };
}

export async function openStereo(input: StereoInput): Promise<StereoSource> {
  if ('sbs' in input) {
    const info = await probeVideo(input.sbs);
    if (info.width % 2 !== 0) throw new YotoError(`side-by-side video must have an even width (got ${info.width})`, input.sbs);
    const half = info.width / 2;
    const view: VideoInfo = { ...info, width: half };
    const pairs = info.times.map((t, i) => ({ t, left: i, right: i, dt: 0 }));
    return {
      left: view,
      right: view,
      sbs: true,
      pairs,
      warnings: [],
      async *frames(opts = {}) {
        for await (const f of decodeFrames(input.sbs, { maxFrames: opts.maxPairs }, info)) {
          yield { index: f.index, t: f.t, left: cropColumns(f, 0, half), right: cropColumns(f, half, half) };
        }
      },
    };
  }
  const [left, right] = await Promise.all([probeVideo(input.left), probeVideo(input.right)]);
  const { pairs, warnings } = alignStereo(left.times, right.times, { left: left.fps, right: right.fps });
  if (pairs.length === 0) throw new YotoError('left and right videos share no frame times; are they the same recording?', `${input.left}, ${input.right}`);
  if (left.width !== right.width || left.height !== right.height) {
    warnings.push(`left is ${left.width}×${left.height} but right is ${right.width}×${right.height}`);
  }
  return {
    left,
    right,
    sbs: false,
    pairs,
    warnings,
    async *frames(opts = {}) {
      const want = pairs.slice(0, opts.maxPairs ?? pairs.length);
      const l = decodeFrames(input.left, {}, left);
      const r = decodeFrames(input.right, {}, right);
      try {
        let lf: Frame | undefined;
        let rf: Frame | undefined;
        for (let k = 0; k < want.length; k++) {
          const p = want[k];
          // Both decoders run ahead in parallel while we skip to the wanted frames.
          [lf, rf] = await Promise.all([advance(l, lf, p.left), advance(r, rf, p.right)]);
          yield { index: k, t: p.t, left: lf, right: rf };
        }
      } finally {
        await Promise.all([l.return(undefined), r.return(undefined)]);
      }
    },
  };
}

async function advance(it: AsyncGenerator<Frame>, current: Frame | undefined, index: number): Promise<Frame> {
  let f = current;
  while (!f || f.index < index) {
    const next = await it.next();
    if (next.done) throw new Error(`stream ended before frame ${index}`);
    f = next.value;
  }
  return f;
}
