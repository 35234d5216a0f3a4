/**
 * The diffusion process of BiDP, as Diffusion Policy configures diffusers: DDPM for training
 * (ε-prediction, `trainSteps` noise levels) and DDIM for inference (eta 0, "leading" timestep
 * spacing, x₀ clipped to [−1, 1], the final step to alpha = 1). Schedules are computed in
 * float64 with the same formulas as diffusers' DDPMScheduler/DDIMScheduler so they can be checked.
 */
import { YotoError } from '../core/errors.ts';

export type BetaSchedule = 'squaredcos_cap_v2' | 'linear';

export interface ScheduleOptions {
  beta: BetaSchedule;
  trainSteps: number;
  /** Linear schedule end points (diffusers' defaults, as Diffusion Policy uses). */
  betaStart?: number;
  betaEnd?: number;
}

export interface Schedule {
  betas: Float64Array;
  alphas: Float64Array;
  alphasCumprod: Float64Array;
}

/** diffusers' betas_for_alpha_bar with the cosine alpha_bar of Nichol & Dhariwal, max beta 0.999. */
function cosineBetas(T: number): Float64Array {
  const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  return Float64Array.from({ length: T }, (_, i) => Math.min(1 - alphaBar((i + 1) / T) / alphaBar(i / T), 0.999));
}

export function makeSchedule(opts: ScheduleOptions): Schedule {
  const T = opts.trainSteps;
  if (!Number.isInteger(T) || T < 2) throw new YotoError(`trainSteps must be an integer ≥ 2, got ${T}`, 'diffusion schedule');
  let betas: Float64Array;
  if (opts.beta === 'linear') {
    const a = opts.betaStart ?? 1e-4;
    const b = opts.betaEnd ?? 0.02;
    betas = Float64Array.from({ length: T }, (_, i) => a + ((b - a) * i) / (T - 1));
  } else if (opts.beta === 'squaredcos_cap_v2') betas = cosineBetas(T);
  else throw new YotoError(`unknown beta schedule '${String(opts.beta)}' (squaredcos_cap_v2 or linear)`, 'diffusion schedule');
  const alphas = betas.map((b) => 1 - b);
  const alphasCumprod = new Float64Array(T);
  let p = 1;
  for (let i = 0; i < T; i++) alphasCumprod[i] = p *= alphas[i];
  return { betas, alphas, alphasCumprod };
}

/** DDIM's inference timesteps, "leading" spacing: (0, r, 2r, …) reversed, r = T ÷ steps. */
export function ddimTimesteps(trainSteps: number, inferenceSteps: number): number[] {
  if (!Number.isInteger(inferenceSteps) || inferenceSteps < 1 || inferenceSteps > trainSteps)
    throw new YotoError(`inference steps must be an integer in 1…${trainSteps}, got ${inferenceSteps}`, 'diffusion');
  const r = Math.floor(trainSteps / inferenceSteps);
  return Array.from({ length: inferenceSteps }, (_, i) => (inferenceSteps - 1 - i) * r);
}

/** x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε, element-wise over rows of width `dim` with one t per row. */
export function addNoise(s: Schedule, x0: Float32Array, eps: Float32Array, t: Int32Array, dim: number): Float32Array {
  const out = new Float32Array(x0.length);
  for (let r = 0; r < t.length; r++) {
    const a = s.alphasCumprod[t[r]];
    const sa = Math.sqrt(a);
    const sb = Math.sqrt(1 - a);
    for (let j = r * dim; j < (r + 1) * dim; j++) out[j] = sa * x0[j] + sb * eps[j];
  }
  return out;
}

/** What the network predicts: the noise ε (Diffusion Policy's default) or the clean sample x₀. */
export type Prediction = 'epsilon' | 'sample';

/**
 * One DDIM step (eta 0) from timestep t to `prev` (−1 = the end, where ᾱ = 1), in place on `x`:
 * x₀ from the network's output (ε → (x − √(1−ᾱ_t)·ε)/√ᾱ_t, or x₀ itself), clipped to ±clip,
 * ε from x₀ when the network predicts x₀, then x_prev = √ᾱ_prev·x₀ + √(1−ᾱ_prev)·ε — diffusers'
 * DDIMScheduler.step with use_clipped_model_output false.
 */
export function ddimStep(s: Schedule, x: Float32Array, out: ArrayLike<number>, t: number, prev: number, clip = 1, prediction: Prediction = 'epsilon'): void {
  const a = s.alphasCumprod[t];
  const ap = prev >= 0 ? s.alphasCumprod[prev] : 1;
  const sa = Math.sqrt(a);
  const sb = Math.sqrt(1 - a);
  for (let j = 0; j < x.length; j++) {
    let x0 = prediction === 'epsilon' ? (x[j] - sb * out[j]) / sa : out[j];
    const eps = prediction === 'epsilon' ? out[j] : (x[j] - sa * out[j]) / sb;
    if (x0 > clip) x0 = clip;
    else if (x0 < -clip) x0 = -clip;
    x[j] = Math.sqrt(ap) * x0 + Math.sqrt(1 - ap) * eps;
  }
}

/** Sinusoidal embedding of diffusion timesteps (as Diffusion Policy's SinusoidalPosEmb): [sin, cos] halves. */
export function timestepEmbedding(t: ArrayLike<number>, dim: number): Float32Array {
  const half = dim >> 1;
  const out = new Float32Array(t.length * dim);
  const k = Math.log(10000) / (half - 1);
  for (let r = 0; r < t.length; r++) {
    for (let i = 0; i < half; i++) {
      const v = t[r] * Math.exp(-k * i);
      out[r * dim + i] = Math.sin(v);
      out[r * dim + half + i] = Math.cos(v);
    }
  }
  return out;
}
