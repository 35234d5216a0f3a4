import { describe, expect, it } from 'vitest';
import { fillGaps, fillLandmarkGaps, findGaps, rejectLandmarkSpikes, rejectSpikes } from '../../perception/gaps.ts';
import { Rng } from '../../core/rng.ts';
import type { Vec3 } from '../../core/geometry.ts';

const times = (n: number): number[] => Array.from({ length: n }, (_, i) => i / 30);

describe('gaps in landmark tracks', () => {
  it('finds runs of missing frames', () => {
    expect(findGaps([true, false, false, true, false, true, false])).toEqual([
      { start: 1, end: 2 },
      { start: 4, end: 4 },
      { start: 6, end: 6 },
    ]);
    expect(findGaps([true, true])).toEqual([]);
  });

  it('fills short gaps by interpolation in time and flags long and edge gaps', () => {
    const n = 30;
    const t = times(n);
    t[12] += 0.01; // irregular timestamps are respected
    const line = t.map((ti) => [2 * ti, 1 - ti] as number[]);
    const vals: (number[] | null)[] = line.map((v, i) => ((i >= 10 && i <= 12) || (i >= 18 && i <= 25) || i < 2 || i === n - 1 ? null : v));
    const r = fillGaps(vals, t, { maxGapFrames: 5 });
    expect(r.filled).toEqual([{ start: 10, end: 12 }]);
    expect(r.unfilled).toEqual([
      { start: 0, end: 1, reason: 'start' },
      { start: 18, end: 25, reason: 'long' },
      { start: 29, end: 29, reason: 'end' },
    ]);
    for (let i = 10; i <= 12; i++) {
      expect(r.values[i]![0]).toBeCloseTo(line[i][0], 12);
      expect(r.values[i]![1]).toBeCloseTo(line[i][1], 12);
    }
    for (let i = 18; i <= 25; i++) expect(r.values[i]).toBeNull();
    expect(r.values[0]).toBeNull();
    // The same 8-frame gap is filled when the limit allows it.
    expect(fillGaps(vals, t, { maxGapFrames: 8 }).filled).toHaveLength(2);
  });

  it('fills a hand lost for a few frames and single rejected points, and reports long losses', () => {
    const n = 40;
    const t = times(n);
    const hand = (i: number): (Vec3 | null)[] => Array.from({ length: 21 }, (_, k) => [0.01 * i, 0.02 * k, 1] as Vec3);
    const frames = t.map((_, i) => {
      if (i >= 5 && i <= 7) return null; // lost for 3 frames: fill
      if (i >= 20 && i <= 29) return null; // lost for 10 frames: flag
      const h = hand(i);
      if (i === 14) h[8] = null; // one fingertip rejected
      return h;
    });
    const r = fillLandmarkGaps(frames, t, { maxGapFrames: 5 });
    expect(r.filled).toEqual([{ start: 5, end: 7 }]);
    expect(r.unfilled).toEqual([{ start: 20, end: 29, reason: 'long' }]);
    expect(r.pointsFilled).toBe(1);
    expect(r.frames[6]![3]![0]).toBeCloseTo(0.06, 12);
    expect(r.frames[14]![8]![0]).toBeCloseTo(0.14, 12);
    expect(r.frames[25]).toBeNull();
  });

  it('drops isolated depth spikes, and nothing else, from a noisy moving track', () => {
    const rng = new Rng(8);
    const n = 150;
    const t = times(n);
    const truth = t.map((ti) => {
      const s = Math.min(1, Math.max(0, (ti - 1) / 1.5));
      const m = 10 * s ** 3 - 15 * s ** 4 + 6 * s ** 5;
      return [0.4 * m, -0.1 * m, 0.9 + 0.1 * m] as Vec3;
    });
    const noisy = truth.map((p) => p.map((x, k) => x + rng.normal() * (k === 2 ? 0.006 : 0.002)) as Vec3);
    const clean = rejectSpikes(noisy);
    expect(clean.rejected).toEqual([]);
    const spiky: (Vec3 | null)[] = noisy.map((p) => [...p] as Vec3);
    for (const i of [20, 50, 51, 90, 149]) spiky[i] = [spiky[i]![0] + 0.01, spiky[i]![1], spiky[i]![2] + 0.07];
    spiky[70] = null;
    const r = rejectSpikes(spiky);
    expect(r.rejected).toEqual([20, 50, 51, 90, 149]);
    expect(r.values[70]).toBeNull();
    expect(r.values[21]).toEqual(spiky[21]);
    // Per landmark on a hand track.
    const frames = spiky.map((p, i) => (p ? Array.from({ length: 21 }, (_, k) => (k === 5 ? p : (noisy[i] as Vec3))) : null));
    const h = rejectLandmarkSpikes(frames);
    expect(h.rejected).toBe(5);
    expect(h.frames[20]![5]).toBeNull();
    expect(h.frames[20]![4]).not.toBeNull();
  });
});
