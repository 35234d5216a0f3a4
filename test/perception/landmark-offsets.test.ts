import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import type { Mat3, Vec3 } from '../../core/geometry.ts';
import { mat3MulVec } from '../../core/geometry.ts';
import { rotationFromVector } from '../../perception/hands/shape-fusion.ts';
import { dist } from '../../core/geometry.ts';
import {
  applyLandmarkOffsets,
  defaultLandmarkOffsets,
  fitLandmarkOffsets,
  handSpread,
  LANDMARK_OFFSETS_VERSION,
  type LandmarkOffsets,
} from '../../perception/hands/landmark-offsets.ts';

/** A rough right hand (palm along +x, fingers curling by `curl`), jittered. */
function handPoints(rng: Rng, curl: number): Vec3[] {
  const pts: Vec3[] = [[0, 0, 0]];
  const bases: Vec3[] = [[0.02, 0.03, 0], [0.09, 0.02, 0], [0.095, 0, 0], [0.09, -0.02, 0], [0.08, -0.04, 0]];
  bases.forEach((b, d) => {
    let p: Vec3 = d === 0 ? [0.02, 0.02, 0] : b;
    let ang = 0;
    pts.push(p);
    for (let j = 0; j < 3; j++) {
      ang += curl;
      const l = d === 0 ? 0.03 : 0.03 - 0.006 * j;
      p = [p[0] + l * Math.cos(ang), p[1] + (d === 0 ? 0.015 : 0), p[2] - l * Math.sin(ang)];
      pts.push(p);
    }
  });
  return pts.map((p) => [p[0] + rng.normal() * 0.002, p[1] + rng.normal() * 0.002, p[2] + rng.normal() * 0.002] as Vec3);
}

describe('landmark offsets in the hand frame', () => {
  it('a table with spread slopes is recovered from estimates and their corrected points', () => {
    const rng = new Rng(7);
    const v = () => [rng.uniform(-0.01, 0.01), rng.uniform(-0.01, 0.01), rng.uniform(-0.01, 0.01)] as Vec3;
    const table: LandmarkOffsets = {
      version: LANDMARK_OFFSETS_VERSION,
      description: 'test',
      offsets: Array.from({ length: 21 }, v),
      slopes: Array.from({ length: 21 }, v),
      spreadCentre: 1.5,
    };
    const samples = Array.from({ length: 60 }, () => {
      const estimate = handPoints(rng, rng.uniform(0, 0.9));
      return { estimate, truth: applyLandmarkOffsets(estimate, table, 'right') as Vec3[], hand: 'right' as const };
    });
    const spreads = samples.map((s) => handSpread(s.estimate));
    expect(Math.max(...spreads) - Math.min(...spreads)).toBeGreaterThan(0.2);
    const fit = fitLandmarkOffsets(samples, { spread: true });
    const back: LandmarkOffsets = { ...table, offsets: fit.offsets, slopes: fit.slopes, spreadCentre: fit.spreadCentre };
    for (const s of samples.slice(0, 10)) {
      const again = applyLandmarkOffsets(s.estimate, back, 'right');
      again.forEach((p, k) => expect(dist(p!, s.truth[k])).toBeLessThan(1e-9));
    }
    // Without slopes the fit is one constant: it cannot follow the spread, so it is measurably worse.
    const flat = fitLandmarkOffsets(samples);
    const err = samples.flatMap((s) => applyLandmarkOffsets(s.estimate, { ...table, offsets: flat.offsets, slopes: undefined }, 'right').map((p, k) => dist(p!, s.truth[k])));
    expect(Math.max(...err)).toBeGreaterThan(1e-3);
  });

  it('parts that follow the camera and the viewing direction are told apart from the hand-frame offsets', () => {
    const rng = new Rng(9);
    const v = () => [rng.uniform(-0.01, 0.01), rng.uniform(-0.01, 0.01), rng.uniform(-0.01, 0.01)] as Vec3;
    const table: LandmarkOffsets = {
      version: LANDMARK_OFFSETS_VERSION,
      description: 'test',
      offsets: Array.from({ length: 21 }, v),
      camera: Array.from({ length: 21 }, v),
      view: Array.from({ length: 21 }, () => [...v(), ...v(), ...v()]),
    };
    // The hand turns in front of one camera (tilted 30° about x): hand frame and camera axes part.
    const c = Math.cos(Math.PI / 6);
    const sn = Math.sin(Math.PI / 6);
    const cam: Mat3 = [1, 0, 0, 0, c, -sn, 0, sn, c];
    const samples = Array.from({ length: 80 }, () => {
      const R = rotationFromVector([rng.uniform(-1.2, 1.2), rng.uniform(-1.2, 1.2), rng.uniform(-1.2, 1.2)]);
      const estimate = handPoints(rng, rng.uniform(0, 0.9)).map((p) => mat3MulVec(R, p));
      return { estimate, truth: applyLandmarkOffsets(estimate, table, 'right', cam) as Vec3[], hand: 'right' as const, worldFromCamera: cam };
    });
    // (The camera's z part and the view term's diagonal are the same direction, so the split
    // between them is the ridge's choice: compare what the tables do, not their entries.)
    const fit = fitLandmarkOffsets(samples, { camera: true, view: true, cameraRidge: 0, viewRidge: 0 });
    const back: LandmarkOffsets = { ...table, offsets: fit.offsets, camera: fit.camera, view: fit.view };
    for (const s of samples.slice(0, 20)) applyLandmarkOffsets(s.estimate, back, 'right', cam).forEach((p, k) => expect(dist(p!, s.truth[k])).toBeLessThan(1e-7));
    // Without the camera part the hand-frame offsets cannot explain the points.
    const handOnly = fitLandmarkOffsets(samples);
    const err = samples.flatMap((s) => applyLandmarkOffsets(s.estimate, { ...table, offsets: handOnly.offsets, camera: undefined, view: undefined }, 'right').map((p, k) => dist(p!, s.truth[k])));
    expect(Math.max(...err)).toBeGreaterThan(2e-3);
  });

  it('one table serves both hands: a mirrored hand gets mirrored offsets', () => {
    const rng = new Rng(8);
    const table: LandmarkOffsets = { version: LANDMARK_OFFSETS_VERSION, description: 'test', offsets: Array.from({ length: 21 }, () => [0.003, -0.004, 0.006] as Vec3) };
    const right = handPoints(rng, 0.4);
    const left = right.map((p) => [p[0], -p[1], p[2]] as Vec3);
    const r = applyLandmarkOffsets(right, table, 'right');
    const l = applyLandmarkOffsets(left, table, 'left');
    r.forEach((p, k) => {
      expect(l[k]![0]).toBeCloseTo(p![0], 12);
      expect(l[k]![1]).toBeCloseTo(-p![1], 12);
      expect(l[k]![2]).toBeCloseTo(p![2], 12);
      expect(dist(p!, right[k])).toBeGreaterThan(0.005);
    });
  });

  it('the shipped table, when present, is well-formed and small (millimetres to a few centimetres)', () => {
    const t = defaultLandmarkOffsets();
    if (!t) return;
    expect(t.description).toMatch(/seed/);
    for (const o of t.offsets) expect(Math.hypot(...o)).toBeLessThan(0.05);
  });
});
