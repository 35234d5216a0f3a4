/**
 * Hand landmarks for every pair of a stereo source: decoding the next pair (ffmpeg, in its own
 * processes) overlaps detection of the current one (Chromium, one renderer per view).
 */
import type { StereoSource } from '../video/stereo.ts';
import type { HandLandmarker, ViewDetection } from './hand-landmarker.ts';

export interface StereoHands {
  /** Pair index (0-based) and time, seconds. */
  index: number;
  t: number;
  /** Frame indices in each stream (they differ when the streams were aligned by time). */
  leftFrame: number;
  rightFrame: number;
  left: ViewDetection;
  right: ViewDetection;
}

/** The landmarker must have views named 'left' and 'right'. */
export async function* detectStereoHands(source: StereoSource, landmarker: HandLandmarker, opts: { maxPairs?: number } = {}): AsyncGenerator<StereoHands> {
  const frames = source.frames({ maxPairs: opts.maxPairs });
  try {
    let next = frames.next();
    for (;;) {
      const cur = await next;
      if (cur.done) return;
      next = frames.next();
      const p = cur.value;
      const [left, right] = await landmarker.detect([
        { view: 'left', frame: p.left, t: p.t },
        { view: 'right', frame: p.right, t: p.t },
      ]);
      yield { index: p.index, t: p.t, leftFrame: p.left.index, rightFrame: p.right.index, left, right };
    }
  } finally {
    await frames.return(undefined);
  }
}
