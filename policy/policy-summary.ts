/** What `yoto policy info` and the compression reports print about one policy network. */
import { countModel } from '../compress/index.ts';
import { measureDenoiseLatency } from './denoise-latency.ts';
import type { Policy } from './policy.ts';

export interface PolicyStats {
  params: number;
  /** Multiply-adds of one network evaluation at batch 1, and FLOPs (2 per multiply-add). */
  macs: number;
  flops: number;
  /**
   * FLOPs of one full denoise as the sampler runs it (fast-forward.ts): the observation and
   * timestep encoders and FiLM's condition projections once, the rest once per DDIM step.
   */
  denoise_flops: number;
  latency_ms_p50: number | null;
  latency_ms_p95: number | null;
}

/**
 * Layers the sampler runs at most once per prediction rather than once per DDIM step: the
 * observation encoders, the timestep MLP (cached per timestep) and FiLM, whose counted work is
 * its condition projection (cached per observation and timestep; per step it only adds).
 */
const ONCE_PER_PREDICTION = /^(point_|proprio_|temb_)|_film$/;

export function policyStats(policy: Policy, latencyRuns = 20): PolicyStats {
  const c = countModel(policy.model);
  const obs = c.layers.filter((l) => ONCE_PER_PREDICTION.test(l.layer)).reduce((n, l) => n + l.macs, 0);
  const steps = policy.inferenceSteps;
  const lat = latencyRuns > 0 ? measureDenoiseLatency(policy, latencyRuns) : null;
  return {
    params: c.params,
    macs: c.macs,
    flops: 2 * c.macs,
    denoise_flops: 2 * (obs + steps * (c.macs - obs)),
    latency_ms_p50: lat?.p50 ?? null,
    latency_ms_p95: lat?.p95 ?? null,
  };
}
