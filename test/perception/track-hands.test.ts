import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Vec3 } from '../../core/geometry.ts';
import { dist } from '../../core/geometry.ts';
import { HandsSchema, LM } from '../../core/hands.ts';
import { readJsonFile } from '../../core/read.ts';
import { calibrationFromPoses, intrinsicsFromFov } from '../../perception/calibration/rig-from-poses.ts';
import { trackHands } from '../../perception/hands/track-hands.ts';
import { buildHandTracks } from '../../perception/hands/build-tracks.ts';
import { StereoCamera } from '../../perception/stereo-camera.ts';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'hand-clip');

// The fixture's rig (make-hand-clip.ts): parallel cameras at x = ∓6 cm, 42 cm from the hand's
// pivot at the origin, looking down −z of three.js's y-up world; 50° vertical field of view.
// An optical frame there is three's frame turned half a turn about x.
const K = intrinsicsFromFov(640, 480, 50);
const calib = calibrationFromPoses(K, K, { position: [-0.06, 0, 0.42], quaternion: [1, 0, 0, 0] }, { position: [0.06, 0, 0.42], quaternion: [1, 0, 0, 0] }, 'world');

describe('yoto hands end to end on the stereo fixture clip (Chromium, MediaPipe lite)', () => {
  it('finds the hand, puts it where the clip was rendered, and writes a valid hands.json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'yoto-track-hands-'));
    try {
      const r = await trackHands({ input: { left: join(FIXTURE, 'left.webm'), right: join(FIXTURE, 'right.webm') }, calib, outDir: out, preview: false });
      expect(r.stats.pairs).toBe(12);
      const hands = readJsonFile(r.files.hands, HandsSchema);
      const seen = hands.frames.map((f) => f.left ?? f.right).filter((h) => h?.world);
      expect(seen.length).toBeGreaterThanOrEqual(10);
      for (const h of seen) {
        const w = h!.world as Vec3[];
        // The hand turns about a pivot at the origin: every landmark within 15 cm of it, and
        // a hand-sized palm (wrist → middle knuckle).
        for (const p of w) expect(Math.hypot(...p)).toBeLessThan(0.15);
        const palm = dist(w[LM.wrist], w[LM.middle_mcp]);
        expect(palm).toBeGreaterThan(0.05);
        expect(palm).toBeLessThan(0.14);
        expect(h!.reprojection_error!).toBeLessThan(5);
      }
      // Shape fusion and plain triangulation agree to within centimetres on a clean render.
      const stereo = new StereoCamera(calib);
      const plain = buildHandTracks(stereo, r.detections, { fusion: false, offsets: null });
      const fused = buildHandTracks(stereo, r.detections, { offsets: null });
      const d: number[] = [];
      plain.frames.forEach((f, i) => {
        const a = (f.left ?? f.right)?.world;
        const b = (fused.frames[i].left ?? fused.frames[i].right)?.world;
        if (a && b) a.forEach((p, k) => d.push(dist(p, b[k])));
      });
      d.sort((x, y) => x - y);
      expect(d.length).toBeGreaterThan(100);
      expect(d[d.length >> 1]).toBeLessThan(0.02);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
