import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { farthestPointSample, padIndices, randomSubset, voxelGridSample } from '../../sim/point-sampling.ts';

function randomCloud(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: 3 * n }, () => rng.uniform(-1, 1));
}
const d = (p: Float64Array, a: number, b: number) => Math.hypot(p[3 * a] - p[3 * b], p[3 * a + 1] - p[3 * b + 1], p[3 * a + 2] - p[3 * b + 2]);

describe('farthestPointSample', () => {
  it('after its start, takes the point farthest from those taken', () => {
    // Points on a line at 0, 1, ..., 10: from any start the next is an end of the line.
    const line = Float64Array.from({ length: 33 }, (_, j) => (j % 3 === 0 ? j / 3 : 0));
    const idx = farthestPointSample(line, 11, 3, new Rng(5));
    const start = idx[0];
    expect(idx[1]).toBe(start <= 5 ? 10 : 0);
    expect(new Set(idx).size).toBe(3);
    // The third point is the one farthest from the first two.
    const far = Array.from({ length: 11 }, (_, i) => Math.min(Math.abs(i - start), Math.abs(i - idx[1])));
    expect(far[idx[2]]).toBe(Math.max(...far));
  });

  it('covers the cloud within its own minimum spacing, and depends only on the seed', () => {
    const p = randomCloud(2000, 1);
    const idx = farthestPointSample(p, 2000, 64, new Rng(9));
    expect(idx.length).toBe(64);
    expect(new Set(idx).size).toBe(64);
    let spacing = Infinity;
    for (let a = 0; a < 64; a++) for (let b = a + 1; b < 64; b++) spacing = Math.min(spacing, d(p, idx[a], idx[b]));
    for (let i = 0; i < 2000; i++) expect(Math.min(...Array.from(idx, (s) => d(p, i, s)))).toBeLessThanOrEqual(spacing + 1e-12);
    expect(Array.from(farthestPointSample(p, 2000, 64, new Rng(9)))).toEqual(Array.from(idx));
    expect(Array.from(farthestPointSample(p, 2000, 64, new Rng(10)))).not.toEqual(Array.from(idx));
  });

  it('returns every point when asked for more than there are', () => {
    const p = randomCloud(10, 2);
    expect(Array.from(farthestPointSample(p, 10, 50, new Rng(0))).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(farthestPointSample(p, 0, 5, new Rng(0)).length).toBe(0);
  });
});

describe('voxelGridSample', () => {
  it('keeps one point per occupied voxel, the one nearest its centre', () => {
    const p = randomCloud(3000, 3);
    const size = 0.25;
    const idx = voxelGridSample(p, 3000, size);
    const lo = [0, 1, 2].map((a) => Math.min(...Array.from({ length: 3000 }, (_, i) => p[3 * i + a])));
    const key = (i: number) => [0, 1, 2].map((a) => Math.floor((p[3 * i + a] - lo[a]) / size)).join(',');
    const centreD = (i: number) => Math.hypot(...[0, 1, 2].map((a) => (p[3 * i + a] - lo[a]) / size - Math.floor((p[3 * i + a] - lo[a]) / size) - 0.5));
    const occupied = new Map<string, number[]>();
    for (let i = 0; i < 3000; i++) occupied.set(key(i), [...(occupied.get(key(i)) ?? []), i]);
    expect(idx.length).toBe(occupied.size);
    for (const i of idx) {
      const members = occupied.get(key(i))!;
      expect(centreD(i)).toBe(Math.min(...members.map(centreD)));
    }
    expect(new Set(Array.from(idx, key)).size).toBe(idx.length);
  });

  it('rejects a non-positive voxel size', () => {
    expect(() => voxelGridSample(randomCloud(5, 4), 5, 0)).toThrow(/voxel size/);
  });
});

describe('randomSubset and padIndices', () => {
  it('draws a seeded subset in ascending order', () => {
    const all = Int32Array.from({ length: 100 }, (_, i) => i * 2);
    const a = randomSubset(all, 10, new Rng(1));
    expect(a.length).toBe(10);
    expect(new Set(a).size).toBe(10);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThan(a[i - 1]);
    for (const v of a) expect(v % 2).toBe(0);
    expect(Array.from(randomSubset(all, 10, new Rng(1)))).toEqual(Array.from(a));
    expect(Array.from(randomSubset(all, 10, new Rng(2)))).not.toEqual(Array.from(a));
    expect(randomSubset(all, 500, new Rng(1)).length).toBe(100);
  });

  it('pads cyclically to exactly n', () => {
    expect(Array.from(padIndices(Int32Array.from([4, 7, 9]), 7))).toEqual([4, 7, 9, 4, 7, 9, 4]);
    expect(Array.from(padIndices(Int32Array.from([4, 7, 9]), 2))).toEqual([4, 7]);
    expect(padIndices(new Int32Array(0), 5).length).toBe(0);
  });
});
