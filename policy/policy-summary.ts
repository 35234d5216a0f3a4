/** What `yoto policy info` and the compression reports print about one policy network. */
import { countModel } from '../compress/index.ts';
import type { tf } from '../core/tf.ts';
import { measureDenoiseLatency } from './denoise-latency.ts';
import type { PolicyFile } from './policy-file.ts';

export interface PolicyStats {
  params: number;
  /** Multiply-adds of one network evaluation at batch 1, and FLOPs (2 per multiply-add). */
  macs: number;
  flops: number;
  /** FLOPs of one full denoise: the observation encoder once, the denoiser once per DDIM step (as the sampler runs it). */
  denoise_flops: number;
  latency_ms_p50: number | null;
  latency_ms_p95: number | null;
}

/** Layers the sampler runs once per prediction rather than once per DDIM step. */
const OBS_LAYER = /^(point_|proprio_)/;

export function policyStats(model: tf.LayersModel, meta: PolicyFile, latencyRuns = 20): PolicyStats {
  const c = countModel(model);
  const obs = c.layers.filter((l) => OBS_LAYER.test(l.layer)).reduce((n, l) => n + l.macs, 0);
  const steps = meta.diffusion.inferenceSteps;
  const lat = latencyRuns > 0 ? measureDenoiseLatency(model, meta, latencyRuns) : null;
  return {
    params: c.params,
    macs: c.macs,
    flops: 2 * c.macs,
    denoise_flops: 2 * (obs + steps * (c.macs - obs)),
    latency_ms_p50: lat?.p50 ?? null,
    latency_ms_p95: lat?.p95 ?? null,
  };
}
