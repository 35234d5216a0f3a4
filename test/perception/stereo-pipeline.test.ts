import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import type { Vec3 } from '../../core/geometry.ts';
import { dist } from '../../core/geometry.ts';
import { StereoCamera } from '../../perception/stereo-camera.ts';
import type { Vec2 } from '../../perception/stereo-camera.ts';
import { lookAtRig } from '../../perception/calibration/rig-from-poses.ts';
import { triangulateLandmarks } from '../../perception/triangulate.ts';
import { fillLandmarkGaps, rejectLandmarkSpikes } from '../../perception/gaps.ts';
import { smoothLandmarkTrack } from '../../perception/smoothing.ts';

/** Two seconds of a 21-point "hand" reaching 30 cm across the table in front of the project's rig. */
function scene(seed: number) {
  const rng = new Rng(seed);
  const s = new StereoCamera(
    lookAtRig({ centre: [-0.78, 0, 0.62], target: [0.05, 0, 0.02], distortion: { model: 'plumb_bob', k1: -0.2, k2: 0.05, p1: 0, p2: 0, k3: 0 } }),
  );
  const offsets = Array.from({ length: 21 }, () => [rng.uniform(-0.08, 0.08), rng.uniform(-0.08, 0.08), rng.uniform(-0.03, 0.05)] as Vec3);
  const n = 60;
  const t = Array.from({ length: n }, (_, i) => i / 30);
  const truth = t.map((ti) => {
    const u = Math.min(1, Math.max(0, (ti - 0.3) / 1.2));
    const m = 10 * u ** 3 - 15 * u ** 4 + 6 * u ** 5;
    const c: Vec3 = [-0.05 + 0.3 * m, 0.2 - 0.25 * m, 0.1 + 0.08 * Math.sin(Math.PI * m)];
    return offsets.map((o) => [c[0] + o[0], c[1] + o[1], c[2] + o[2]] as Vec3);
  });
  return { rng, s, t, truth };
}

describe('stereo pipeline on a synthetic hand', () => {
  it('triangulate → reject spikes → fill gaps → smooth: mm-level error with 0.7 px noise, losses repaired or flagged', () => {
    const { rng, s, t, truth } = scene(21);
    const sigma = 0.7;
    const noisy = (uv: Vec2 | null): Vec2 => [uv![0] + rng.normal() * sigma, uv![1] + rng.normal() * sigma];
    const frames = truth.map((pts, i) => {
      if (i >= 10 && i <= 12) return null; // hand lost for 3 frames in one view
      if (i >= 40 && i <= 49) return null; // and for 10 frames
      const left = pts.map((p) => noisy(s.project('left', p)));
      const right = pts.map((p) => noisy(s.project('right', p)));
      if (i === 25) right[8] = [right[8][0] - 9, right[8][1]]; // mismatched along the epipolar line: ~13 cm deep error
      const r = triangulateLandmarks(s, left, right);
      return r.ok ? r.world : null;
    });
    const raw = frames.flatMap((f, i) => (f ? f.map((p, k) => (p ? dist(p, truth[i][k]) : NaN)) : [])).filter(Number.isFinite);
    const spikes = rejectLandmarkSpikes(frames);
    expect(spikes.rejected).toBeGreaterThanOrEqual(1);
    expect(spikes.frames[25]![8]).toBeNull();
    const filled = fillLandmarkGaps(spikes.frames, t);
    expect(filled.filled).toEqual([{ start: 10, end: 12 }]);
    expect(filled.unfilled).toEqual([{ start: 40, end: 49, reason: 'long' }]);
    const out = smoothLandmarkTrack(filled.frames, t);
    const errs = out.flatMap((f, i) => (f ? f.flatMap((p, k) => (p ? [dist(p, truth[i][k])] : [])) : [])).sort((a, b) => a - b);
    // Present frames keep nearly all their points (a rejected point at the track's end stays empty).
    expect(errs.length).toBeGreaterThan(0.99 * 21 * out.filter((f) => f).length);
    const med = errs[errs.length >> 1];
    const p95 = errs[Math.floor(errs.length * 0.95)];
    const rawMed = [...raw].sort((a, b) => a - b)[raw.length >> 1];
    if (process.env.YOTO_DEBUG) console.log({ rawMed, med, p95 });
    expect(med).toBeLessThan(rawMed);
    expect(med).toBeLessThan(0.008);
    expect(p95).toBeLessThan(0.025);
  });
});
