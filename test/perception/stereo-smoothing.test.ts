import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { OneEuroFilter, smoothLandmarkTrack, smoothSeries } from '../../perception/smoothing.ts';
import type { Vec3 } from '../../core/geometry.ts';

const FPS = 30;
const times = (n: number): number[] => Array.from({ length: n }, (_, i) => i / FPS);

describe('One Euro smoothing of landmark tracks', () => {
  it('follows a ramp without lag (zero-phase) and with small lag (causal)', () => {
    const n = 90;
    const t = times(n);
    const v = 0.3; // m/s, a brisk hand
    const ramp = t.map((ti) => [v * ti, 0.5 - 0.2 * ti, 1] as Vec3);
    const zp = smoothSeries(ramp, t);
    const causal = smoothSeries(ramp, t, { zeroPhase: false });
    const slow = smoothSeries(ramp, t, { zeroPhase: false, beta: 2 });
    // Away from the ends (where one pass has not settled), the zero-phase output is on the ramp.
    for (let i = 20; i < n - 20; i++) expect(Math.hypot(zp[i]![0] - ramp[i][0], zp[i]![1] - ramp[i][1])).toBeLessThan(2e-4);
    const lag = (out: (number[] | null)[], i: number) => ramp[i][0] - out[i]![0];
    // Causal: behind the ramp, by at most 4 mm (a third of a frame of motion at 0.3 m/s is 3.3 mm).
    expect(lag(causal, 60)).toBeGreaterThan(0);
    expect(lag(causal, 60)).toBeLessThan(0.004);
    // The speed term is what keeps the lag small: with little of it the filter lags much more.
    expect(lag(slow, 60)).toBeGreaterThan(3 * lag(causal, 60));
  });

  it('reduces jitter on a still hand', () => {
    const rng = new Rng(2);
    const n = 300;
    const t = times(n);
    const sigma = 0.005;
    const noisy = t.map(() => [0.1 + rng.normal() * sigma, -0.2 + rng.normal() * sigma, 0.9 + rng.normal() * sigma]);
    const std = (xs: (number[] | null)[], k: number, mean: number) => Math.sqrt(xs.slice(30).reduce((s, x) => s + (x![k] - mean) ** 2, 0) / (n - 30));
    const zp = smoothSeries(noisy, t);
    const causal = smoothSeries(noisy, t, { zeroPhase: false });
    for (const [k, mean] of [[0, 0.1], [1, -0.2], [2, 0.9]] as const) {
      expect(std(noisy, k, mean)).toBeGreaterThan(0.8 * sigma);
      expect(std(zp, k, mean)).toBeLessThan(0.45 * sigma);
      expect(std(causal, k, mean)).toBeLessThan(0.75 * sigma);
    }
  });

  it('halves the error of a noisy moving hand (minimum-jerk reach) without shrinking the motion', () => {
    const rng = new Rng(9);
    const n = 120;
    const t = times(n);
    const truth = t.map((ti) => {
      const s = Math.min(1, Math.max(0, (ti - 0.8) / 1.2));
      const m = 10 * s ** 3 - 15 * s ** 4 + 6 * s ** 5;
      return [0.3 * m, 0.1 * m, 0.9 - 0.1 * m];
    });
    const sig = [0.002, 0.002, 0.008];
    const noisy = truth.map((p) => p.map((x, k) => x + rng.normal() * sig[k]));
    const rms = (xs: (number[] | null)[]) => Math.sqrt(xs.reduce((s, x, i) => s + x!.reduce((a, v, k) => a + (v - truth[i][k]) ** 2, 0), 0) / n);
    const out = smoothSeries(noisy, t);
    expect(rms(out)).toBeLessThan(0.6 * rms(noisy));
    // The full 30 cm reach is kept.
    expect(out[n - 1]![0] - out[0]![0]).toBeGreaterThan(0.29);
  });

  it('does not smooth across gaps, and keeps them', () => {
    const t = times(10);
    const vals: (number[] | null)[] = [[0], [0], [0], null, null, [1], [1], [1], [1], [1]];
    const out = smoothSeries(vals, t, { zeroPhase: false });
    expect(out[3]).toBeNull();
    expect(out[4]).toBeNull();
    expect(out[5]).toEqual([1]); // a new segment starts at its first sample
    const f = new OneEuroFilter();
    expect(f.filter([2], 0)).toEqual([2]);
    expect(f.filter([3], 1 / 30)[0]).toBeLessThan(3);
    expect(() => new OneEuroFilter({ minCutoff: -1 })).toThrow();
  });

  it('smooths each of a hand’s landmarks and keeps missing ones missing', () => {
    const rng = new Rng(4);
    const n = 60;
    const t = times(n);
    const frames = t.map((_, i) =>
      i === 30 ? null : Array.from({ length: 21 }, (_, k) => (k === 7 && i % 2 === 0 ? null : ([k * 0.01 + rng.normal() * 0.004, 0, 1] as Vec3))),
    );
    const out = smoothLandmarkTrack(frames, t);
    expect(out[30]).toBeNull();
    expect(out[10]![7]).toBeNull();
    expect(out[11]![7]).not.toBeNull();
    const err = (k: number) => Math.sqrt(out.reduce((s, f) => (f && f[k] ? s + (f[k]![0] - k * 0.01) ** 2 : s), 0) / n);
    expect(err(3)).toBeLessThan(0.002);
  });
});
