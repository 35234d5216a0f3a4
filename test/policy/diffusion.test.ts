/** The DDPM/DDIM schedules against their closed forms, and the DDIM step's algebra. */
import { describe, expect, it } from 'vitest';
import { addNoise, ddimStep, ddimTimesteps, makeSchedule, timestepEmbedding } from '../../policy/index.ts';

describe('makeSchedule', () => {
  it('linear: betas evenly spaced from 1e-4 to 0.02, alphas = 1 − betas, cumulative products', () => {
    const s = makeSchedule({ beta: 'linear', trainSteps: 100 });
    expect(s.betas.length).toBe(100);
    expect(s.betas[0]).toBeCloseTo(1e-4, 15);
    expect(s.betas[99]).toBeCloseTo(0.02, 15);
    for (let i = 1; i < 100; i++) expect(Math.abs(s.betas[i] - s.betas[i - 1] - (0.02 - 1e-4) / 99)).toBeLessThan(1e-12);
    let p = 1;
    for (let i = 0; i < 100; i++) {
      expect(Math.abs(s.alphas[i] - (1 - s.betas[i]))).toBeLessThan(1e-15);
      p *= 1 - (1e-4 + ((0.02 - 1e-4) * i) / 99);
      expect(Math.abs(s.alphasCumprod[i] - p)).toBeLessThan(1e-9);
    }
  });

  it('squaredcos_cap_v2: ᾱ_t telescopes to f((t+1)/T)/f(0) with f the shifted cosine, betas capped at 0.999', () => {
    const T = 100;
    const s = makeSchedule({ beta: 'squaredcos_cap_v2', trainSteps: T });
    const f = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    let capped = false;
    for (let i = 0; i < T; i++) {
      const raw = 1 - f((i + 1) / T) / f(i / T);
      expect(Math.abs(s.betas[i] - Math.min(raw, 0.999))).toBeLessThan(1e-12);
      if (raw > 0.999) capped = true;
      if (!capped) expect(Math.abs(s.alphasCumprod[i] - f((i + 1) / T) / f(0))).toBeLessThan(1e-9);
    }
    expect(capped).toBe(true); // the last beta of the cosine schedule hits the cap
    expect(s.betas[0]).toBeGreaterThan(0);
    expect(s.betas[0]).toBeLessThan(1e-3);
  });

  it('rejects nonsense', () => {
    expect(() => makeSchedule({ beta: 'linear', trainSteps: 1 })).toThrow(/trainSteps/);
    expect(() => makeSchedule({ beta: 'quadratic' as 'linear', trainSteps: 10 })).toThrow(/unknown beta schedule/);
  });
});

describe('DDIM', () => {
  it('uses leading spacing like diffusers (100 → 10: 90, 80, …, 0)', () => {
    expect(ddimTimesteps(100, 10)).toEqual([90, 80, 70, 60, 50, 40, 30, 20, 10, 0]);
    expect(ddimTimesteps(100, 3)).toEqual([66, 33, 0]);
    expect(() => ddimTimesteps(100, 0)).toThrow();
  });

  it('with the true noise, one step from any t lands exactly on the noised x₀ at the earlier t, and on x₀ at the end', () => {
    const s = makeSchedule({ beta: 'squaredcos_cap_v2', trainSteps: 100 });
    const x0 = Float32Array.from([0.3, -0.7, 0.9, 0]);
    const eps = Float32Array.from([1.2, -0.4, 0.1, -2]);
    const xt = addNoise(s, x0, eps, Int32Array.of(90), 4);
    const x = Float32Array.from(xt);
    ddimStep(s, x, eps, 90, 80);
    const want = addNoise(s, x0, eps, Int32Array.of(80), 4);
    for (let i = 0; i < 4; i++) expect(x[i]).toBeCloseTo(want[i], 5);
    const y = addNoise(s, x0, eps, Int32Array.of(0), 4);
    ddimStep(s, y, eps, 0, -1);
    for (let i = 0; i < 4; i++) expect(y[i]).toBeCloseTo(x0[i], 5);
  });

  it('x₀-prediction: given the true x₀, the same step lands on the same points as ε-prediction given the true ε', () => {
    const s = makeSchedule({ beta: 'squaredcos_cap_v2', trainSteps: 100 });
    const x0 = Float32Array.from([0.3, -0.7, 0.9, 0]);
    const eps = Float32Array.from([1.2, -0.4, 0.1, -2]);
    const a = addNoise(s, x0, eps, Int32Array.of(50), 4);
    const b = Float32Array.from(a);
    ddimStep(s, a, eps, 50, 40, 1, 'epsilon');
    ddimStep(s, b, x0, 50, 40, 1, 'sample');
    for (let i = 0; i < 4; i++) expect(b[i]).toBeCloseTo(a[i], 5);
  });

  it('clips the predicted x₀ to [−1, 1]', () => {
    const s = makeSchedule({ beta: 'linear', trainSteps: 100 });
    const x = Float32Array.of(5);
    ddimStep(s, x, [0], 0, -1);
    expect(x[0]).toBeCloseTo(1, 6);
  });

  it('embeds timesteps as [sin, cos] with geometric frequencies', () => {
    const e = timestepEmbedding([0, 7], 8);
    expect(Array.from(e.slice(0, 8))).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(e[8]).toBeCloseTo(Math.sin(7), 6);
    expect(e[12]).toBeCloseTo(Math.cos(7), 6);
    expect(e[11]).toBeCloseTo(Math.sin(7 / 10000), 6);
  });
});
