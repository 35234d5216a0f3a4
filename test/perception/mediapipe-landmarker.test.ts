import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HandLandmarker, type ViewDetection } from '../../perception/mediapipe/hand-landmarker.ts';
import { detectStereoHands } from '../../perception/mediapipe/stereo-hands.ts';
import { openStereo } from '../../perception/video/stereo.ts';
import { decodeFrames, type Frame } from '../../perception/video/decode.ts';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'hand-clip');

/** The frame with its left half replaced by the mirror image of the whole frame. */
function withMirroredTwin(f: Frame, t: number): Frame {
  const out = new Uint8Array(f.rgb);
  const w = f.width;
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < w / 2; x++) {
      const src = (y * w + (w - 1 - x)) * 3;
      out.set(f.rgb.subarray(src, src + 3), (y * w + x) * 3);
    }
  }
  return { ...f, t, rgb: out };
}

describe('MediaPipe HandLandmarker in headless Chromium (offline bundle)', () => {
  let cache: string;
  let lm: HandLandmarker;
  beforeAll(async () => {
    cache = mkdtempSync(join(tmpdir(), 'yoto-model-cache-'));
    lm = await HandLandmarker.open(['left', 'right'], { model: 'lite', cacheDir: cache });
  });
  afterAll(async () => {
    await lm?.close();
    rmSync(cache, { recursive: true, force: true });
  });

  it('finds the rendered hand in both views of the stereo clip', async () => {
    expect(lm.model.built).toBe(true);
    const src = await openStereo({ left: join(FIXTURE, 'left.webm'), right: join(FIXTURE, 'right.webm') });
    const results: ViewDetection[][] = [];
    for await (const p of detectStereoHands(src, lm)) {
      expect([p.index, p.leftFrame, p.rightFrame]).toEqual([results.length, results.length, results.length]);
      results.push([p.left, p.right]);
    }
    expect(results).toHaveLength(12);
    const views = results.flat();
    const found = views.filter((v) => v.hands.length === 1);
    // The clip is a clean render; MediaPipe finds the hand in (nearly) every view.
    expect(found.length).toBeGreaterThanOrEqual(22);
    for (const v of found) {
      const h = v.hands[0];
      // An unmirrored left hand, palm to the camera.
      expect(h.handedness).toBe('Left');
      expect(h.handednessScore).toBeGreaterThan(0.5);
      for (const [x, y] of h.landmarks) {
        expect(x).toBeGreaterThan(0);
        expect(x).toBeLessThan(640);
        expect(y).toBeGreaterThan(0);
        expect(y).toBeLessThan(480);
      }
      // Fingertips above the wrist (fingers point up in the clip).
      expect(h.landmarks[12][1]).toBeLessThan(h.landmarks[0][1] - 100);
      // MediaPipe's metric hand shape comes along (the prior for stereo fusion): a hand-sized palm
      // in metres, fingers up (camera y down) as in the image.
      const w = h.world!;
      expect(w).toHaveLength(21);
      const palm = Math.hypot(w[9][0] - w[0][0], w[9][1] - w[0][1], w[9][2] - w[0][2]);
      expect(palm).toBeGreaterThan(0.05);
      expect(palm).toBeLessThan(0.15);
      expect(w[12][1]).toBeLessThan(w[0][1] - 0.05);
    }
    // Stereo: the same wrist sits further left in the right camera's image (positive disparity).
    for (const [l, r] of results) {
      if (l.hands.length === 1 && r.hands.length === 1) {
        expect(l.hands[0].landmarks[0][0] - r.hands[0].landmarks[0][0]).toBeGreaterThan(20);
      }
    }
    expect(results[5][0].t).toBeCloseTo(5 / 30, 2);

    // Two hands in one view: the last frame (hand right of centre) with its mirror image on the left.
    let last: Frame | undefined;
    for await (const f of decodeFrames(join(FIXTURE, 'left.webm'))) last = f;
    const twin = await lm.detect([{ view: 'left', frame: withMirroredTwin(last!, 10) }]);
    const hands = twin[0].hands;
    expect(hands).toHaveLength(2);
    const byX = [...hands].sort((a, b) => a.landmarks[0][0] - b.landmarks[0][0]);
    expect(byX.map((h) => h.handedness)).toEqual(['Right', 'Left']);
    // Mirror symmetric: wrist x's add up to the width.
    expect(byX[0].landmarks[0][0] + byX[1].landmarks[0][0]).toBeCloseTo(639, -1);

    expect(lm.externalRequests).toEqual([]);
  });
});
