/**
 * Stereo geometry speed: undistortion, triangulation of both hands' 21 landmarks per frame, and
 * gap filling + zero-phase smoothing of a 1-minute two-hand track, on the project's rig.
 */
import { Rng } from '../core/rng.ts';
import type { Vec3 } from '../core/geometry.ts';
import { StereoCamera } from '../perception/stereo-camera.ts';
import type { Vec2 } from '../perception/stereo-camera.ts';
import { lookAtRig } from '../perception/calibration/rig-from-poses.ts';
import { triangulateLandmarks } from '../perception/triangulate.ts';
import { undistortPixel } from '../perception/undistort.ts';
import { fillLandmarkGaps, rejectLandmarkSpikes } from '../perception/gaps.ts';
import { dist } from '../core/geometry.ts';
import { smoothLandmarkTrack } from '../perception/smoothing.ts';

function time(label: string, count: number, unit: string, f: () => void): void {
  f(); // warm up
  const t0 = performance.now();
  let reps = 0;
  while (performance.now() - t0 < 1000) {
    f();
    reps++;
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(44)} ${((reps * count) / s).toFixed(0).padStart(10)} ${unit}/s`);
}

export default async function (): Promise<void> {
  const s = new StereoCamera(
    lookAtRig({ centre: [-0.78, 0, 0.62], target: [0.05, 0, 0.02], distortion: { model: 'plumb_bob', k1: -0.25, k2: 0.07, p1: 0.001, p2: -0.0005, k3: -0.01 } }),
  );
  const rng = new Rng(1);
  const hand = (): [Vec2[], Vec2[]] => {
    const c: Vec3 = [rng.uniform(-0.2, 0.3), rng.uniform(-0.3, 0.3), rng.uniform(0.05, 0.3)];
    const pts = Array.from({ length: 21 }, () => [c[0] + rng.uniform(-0.08, 0.08), c[1] + rng.uniform(-0.08, 0.08), c[2] + rng.uniform(-0.05, 0.05)] as Vec3);
    const noise = (uv: Vec2 | null): Vec2 => [uv![0] + rng.normal() * 0.5, uv![1] + rng.normal() * 0.5];
    return [pts.map((p) => noise(s.project('left', p))), pts.map((p) => noise(s.project('right', p)))];
  };
  const hands = Array.from({ length: 64 }, hand);
  time('undistort (plumb_bob, Newton)', 64 * 21, 'points', () => {
    for (const [l] of hands) for (const uv of l) undistortPixel(s.left, uv);
  });
  time('triangulate 2 hands × 21 landmarks (DLT + GN)', 32, 'frames', () => {
    for (let i = 0; i < 64; i += 2) {
      triangulateLandmarks(s, hands[i][0], hands[i][1]);
      triangulateLandmarks(s, hands[i + 1][0], hands[i + 1][1]);
    }
  });
  const n = 1800; // one minute at 30 fps
  const t = Array.from({ length: n }, (_, i) => i / 30);
  const track = t.map((ti, i) => (i % 97 < 3 ? null : Array.from({ length: 21 }, (_, k) => [Math.sin(ti) * 0.2 + k * 0.01 + rng.normal() * 0.003, 0, 1] as Vec3)));
  time('spikes + fill gaps + smooth, 1 min of one hand', n, 'frames', () => {
    smoothLandmarkTrack(fillLandmarkGaps(rejectLandmarkSpikes(track).frames, t).frames, t);
  });

  // Accuracy: 21 points of a hand reaching 30 cm across the table (~1 m away), 4 s at 30 fps,
  // i.i.d. Gaussian pixel noise per view; 3-D error against truth before / after spikes+gaps+smoothing.
  console.log('\n3-D error vs pixel noise (21 points, 4 s reach at ~1 m)   raw median / p95     smoothed median / p95');
  const offsets = Array.from({ length: 21 }, () => [rng.uniform(-0.08, 0.08), rng.uniform(-0.08, 0.08), rng.uniform(-0.03, 0.05)] as Vec3);
  const tt = Array.from({ length: 120 }, (_, i) => i / 30);
  const truth = tt.map((ti) => {
    const u = Math.min(1, Math.max(0, (ti - 0.5) / 2));
    const m = 10 * u ** 3 - 15 * u ** 4 + 6 * u ** 5;
    return offsets.map((o) => [-0.05 + 0.3 * m + o[0], 0.2 - 0.25 * m + o[1], 0.1 + 0.08 * Math.sin(Math.PI * m) + o[2]] as Vec3);
  });
  const stats = (e: number[]) => {
    const s2 = [...e].sort((a, b) => a - b);
    return `${(s2[s2.length >> 1] * 1000).toFixed(1).padStart(5)} / ${(s2[Math.floor(s2.length * 0.95)] * 1000).toFixed(1).padStart(5)} mm`;
  };
  for (const sigma of [0.3, 0.5, 1, 2]) {
    const frames = truth.map((pts) => {
      const nz = (uv: Vec2 | null): Vec2 => [uv![0] + rng.normal() * sigma, uv![1] + rng.normal() * sigma];
      return triangulateLandmarks(s, pts.map((p) => nz(s.project('left', p))), pts.map((p) => nz(s.project('right', p)))).world;
    });
    const errs = (fs: ((Vec3 | null)[] | null)[]) => fs.flatMap((f, i) => (f ? f.flatMap((p, k) => (p ? [dist(p, truth[i][k])] : [])) : []));
    const out = smoothLandmarkTrack(fillLandmarkGaps(rejectLandmarkSpikes(frames).frames, tt).frames, tt);
    console.log(`  σ = ${sigma.toFixed(1)} px${' '.repeat(46)}${stats(errs(frames))}     ${stats(errs(out))}`);
  }
}
