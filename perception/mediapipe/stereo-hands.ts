/**
 * Hand landmarks for every pair of a stereo source. Decoding (ffmpeg, in its own processes) runs
 * ahead of detection, and the two views are detected independently (one Chromium renderer each):
 * each view starts its next frame as soon as it has finished the last, instead of both waiting
 * for the slower one at every pair. On 2 cores the lock-step left ~10% idle.
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

export interface StereoHandsOptions {
  maxPairs?: number;
  /** Pairs decoded and queued ahead of the one being returned (default 3; 1 = lock-step). */
  ahead?: number;
}

/** The landmarker must have views named 'left' and 'right'. Pairs come out in order. */
export async function* detectStereoHands(source: StereoSource, landmarker: HandLandmarker, opts: StereoHandsOptions = {}): AsyncGenerator<StereoHands> {
  const frames = source.frames({ maxPairs: opts.maxPairs });
  const ahead = Math.max(1, opts.ahead ?? 3);
  type Pending = { index: number; t: number; leftFrame: number; rightFrame: number; left: Promise<ViewDetection>; right: Promise<ViewDetection> };
  const pending: Pending[] = [];
  // Per view, each request starts when that view's previous one has settled (VIDEO mode needs
  // increasing times per view, and a renderer runs one detection at a time anyway).
  let lastLeft: Promise<unknown> = Promise.resolve();
  let lastRight: Promise<unknown> = Promise.resolve();
  let done = false;
  try {
    for (;;) {
      while (!done && pending.length < ahead) {
        const n = await frames.next();
        if (n.done) {
          done = true;
          break;
        }
        const p = n.value;
        const left = lastLeft.then(() => landmarker.detect([{ view: 'left', frame: p.left, t: p.t }])).then((r) => r[0]);
        const right = lastRight.then(() => landmarker.detect([{ view: 'right', frame: p.right, t: p.t }])).then((r) => r[0]);
        // The chains must not break on a failure (it is reported when that pair is awaited).
        lastLeft = left.catch(() => undefined);
        lastRight = right.catch(() => undefined);
        pending.push({ index: p.index, t: p.t, leftFrame: p.left.index, rightFrame: p.right.index, left, right });
      }
      const cur = pending.shift();
      if (!cur) return;
      const [left, right] = await Promise.all([cur.left, cur.right]);
      yield { index: cur.index, t: cur.t, leftFrame: cur.leftFrame, rightFrame: cur.rightFrame, left, right };
    }
  } finally {
    // Let in-flight detections finish before the caller closes the landmarker.
    await Promise.allSettled(pending.flatMap((p) => [p.left, p.right]));
    await frames.return(undefined);
  }
}
