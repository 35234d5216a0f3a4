import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import type { Mat3, Vec3 } from '../../core/geometry.ts';
import { applyTransform, dist, mat3MulVec } from '../../core/geometry.ts';
import { StereoCamera, type Vec2 } from '../../perception/stereo-camera.ts';
import { lookAtRig } from '../../perception/calibration/rig-from-poses.ts';
import { triangulateLandmarks } from '../../perception/triangulate.ts';
import { fitSimilarity, fuseHandWithShape, rotationFromVector } from '../../perception/hands/shape-fusion.ts';
import { buildHandTracks, type StereoDetections } from '../../perception/hands/build-tracks.ts';

/** A 21-point "hand" (a few cm across) in front of the project's rig, with its shape as MediaPipe would give it. */
function hand(seed: number) {
  const rng = new Rng(seed);
  const s = new StereoCamera(lookAtRig({ centre: [0.72, 0, 0.55], target: [-0.08, 0, 0.12], distortion: { model: 'plumb_bob', k1: -0.1, k2: 0.02, p1: 0, p2: 0, k3: 0 } }));
  const centre: Vec3 = [rng.uniform(-0.2, 0.1), rng.uniform(-0.2, 0.2), rng.uniform(0.05, 0.25)];
  const world = Array.from({ length: 21 }, () => [centre[0] + rng.uniform(-0.06, 0.06), centre[1] + rng.uniform(-0.06, 0.06), centre[2] + rng.uniform(-0.04, 0.04)] as Vec3);
  const camL = world.map((p) => s.toCam('left', p));
  const camR = world.map((p) => s.toCam('right', p));
  // MediaPipe's shape: about its own centre, in the view's camera axes, at a wrong overall scale.
  const shapeOf = (pts: Vec3[], k: number) => {
    const m = pts.reduce((a, p) => [a[0] + p[0] / 21, a[1] + p[1] / 21, a[2] + p[2] / 21] as Vec3, [0, 0, 0] as Vec3);
    return pts.map((p) => [(p[0] - m[0]) * k, (p[1] - m[1]) * k, (p[2] - m[2]) * k] as Vec3);
  };
  return { rng, s, world, left: world.map((p) => s.project('left', p)!), right: world.map((p) => s.project('right', p)!), shapes: { left: shapeOf(camL, 0.9), right: shapeOf(camR, 0.9) }, camL };
}

describe('similarity fit (Umeyama)', () => {
  it('recovers rotation, translation and scale exactly from noiseless points', () => {
    const rng = new Rng(3);
    const from = Array.from({ length: 12 }, () => [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)] as Vec3);
    const R: Mat3 = rotationFromVector([0.4, -1.1, 0.7]);
    const t: Vec3 = [0.3, -0.2, 1.5];
    const sc = 1.7;
    const to = from.map((p) => {
      const r = mat3MulVec(R, p);
      return [sc * r[0] + t[0], sc * r[1] + t[1], sc * r[2] + t[2]] as Vec3;
    });
    const f = fitSimilarity(from, to, from.map(() => 1))!;
    expect(f.s).toBeCloseTo(sc, 9);
    for (let i = 0; i < 9; i++) expect(f.R[i]).toBeCloseTo(R[i], 9);
    for (let i = 0; i < 3; i++) expect(f.t[i]).toBeCloseTo(t[i], 9);
    // Zero-weight points are ignored entirely.
    const spoiled = to.map((p, i) => (i < 3 ? ([9, 9, 9] as Vec3) : p));
    const g = fitSimilarity(from, spoiled, from.map((_, i) => (i < 3 ? 0 : 1)))!;
    expect(g.s).toBeCloseTo(sc, 9);
  });
});

describe('stereo landmarks fused with the hand shape', () => {
  it('is exact on noiseless views and finds the shape scale', () => {
    const h = hand(1);
    const f = fuseHandWithShape(h.s, h.left, h.right, h.shapes);
    expect(f.scale).toBeCloseTo(1 / 0.9, 4);
    expect(f.shapeRmsPx).toBeLessThan(1e-3);
    f.camLeft.forEach((p, k) => expect(dist(p!, h.camL[k])).toBeLessThan(1e-6));
  });

  it('a fingertip misplaced along the epipolar line in one view is pulled back by the shape', () => {
    for (const seed of [2, 3, 4]) {
      const h = hand(seed);
      const right: Vec2[] = h.right.map((p) => [...p] as Vec2);
      right[8] = [right[8][0] + 9, right[8][1]]; // 9 px of disparity: ~10 cm of depth at 0.9 m
      const plain = triangulateLandmarks(h.s, h.left, right).world[8];
      expect(dist(plain!, h.world[8])).toBeGreaterThan(0.05);
      const f = fuseHandWithShape(h.s, h.left, right, h.shapes);
      const fused = applyTransform(h.s.worldFromLeft, f.camLeft[8]!);
      expect(dist(fused, h.world[8])).toBeLessThan(0.006);
      // The bad pixel barely moves the fitted shape, so the other landmarks stay within millimetres.
      for (const k of [0, 4, 12, 20]) expect(dist(applyTransform(h.s.worldFromLeft, f.camLeft[k]!), h.world[k])).toBeLessThan(0.003);
    }
  });

  it('without a shape (or with fusion off) tracks come from plain triangulation', () => {
    const h = hand(5);
    const det = (shape: boolean): StereoDetections[] =>
      Array.from({ length: 6 }, (_, i) => ({
        t: i / 30,
        left: [{ landmarks: h.left, label: 'Left', score: 0.9, shape: shape ? h.shapes.left : null }],
        right: [{ landmarks: h.right, label: 'Left', score: 0.9, shape: shape ? h.shapes.right : null }],
      }));
    for (const [d, fusion] of [[det(false), undefined], [det(true), false as const], [det(true), undefined]] as const) {
      const tr = buildHandTracks(h.s, d, { fusion, offsets: null });
      const side = tr.frames[0].left ? 'left' : 'right';
      expect(tr.found[side]).toBe(6);
      tr.frames[3][side]!.world!.forEach((p, k) => expect(dist(p, h.world[k])).toBeLessThan(1e-5));
    }
  });
});
