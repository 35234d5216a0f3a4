/** Latency of one full denoise (observation encoding + DDIM steps) at batch 1, as the robot sees it. */
import { Rng } from '../core/rng.ts';
import { quantile } from '../core/stats.ts';
import { PROPRIO_DIM } from './observation.ts';
import type { Policy } from './policy.ts';

export interface DenoiseLatency {
  p50: number;
  p95: number;
  runs: number;
  inferenceSteps: number;
}

export function measureDenoiseLatency(policy: Policy, runs = 30, inferenceSteps?: number): DenoiseLatency {
  const sampler = policy.sampler(inferenceSteps);
  const rng = new Rng(7);
  const P = 512;
  const cloud = Float32Array.from({ length: P * 3 }, () => rng.uniform(-0.5, 0.5));
  const proprio = Float32Array.from({ length: PROPRIO_DIM }, () => rng.uniform(-1, 1));
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = performance.now();
    sampler.predictVector({ cloud, cloudPoints: P, proprio }, i);
    if (i >= 3) times.push(performance.now() - t0);
  }
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95), runs, inferenceSteps: inferenceSteps ?? policy.inferenceSteps };
}
