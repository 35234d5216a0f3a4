/**
 * policy/: BiDP, the bimanual diffusion policy. Observation (point cloud + arm state) → the
 * whole bimanual keypose program (or, as an option, a dense chunk of TCP commands), by DDIM over
 * a FiLM-conditioned MLP denoiser; trained with
 * DDPM on `yoto augment` datasets, evaluated closed-loop in the simulator, compressed with HESSO.
 *
 *   const data = await loadTrainingData('dataset/');
 *   const { model, meta } = await trainPolicy({ data, out: 'policy/', steps: 3000 });
 *   await savePolicy('policy/', model, meta);
 *   const summary = await evaluatePolicy(model, meta, { episodes: 50, seed: 1000 });
 */
export { makeSchedule, ddimTimesteps, ddimStep, addNoise, timestepEmbedding, type BetaSchedule, type Schedule, type ScheduleOptions } from './diffusion.ts';
export { encodeProgram, decodeProgram, actionDim, KEYPOSE_DIM } from './action-codec.ts';
export { chunkTargets, decodeChunk, chunkDim, ChunkSpecSchema, CHUNK_STEP_DIM, DEFAULT_CHUNK, type ChunkSpec } from './action-chunk.ts';
export { quatToRot6d, rot6dToQuat } from './rotation6d.ts';
export { Normalizer, NormalizerSchema, type NormalizerParams } from './normalizer.ts';
export { PROPRIO_DIM, proprioRow, selectPoints, type ArmState } from './observation.ts';
export { buildBidpModel, DEFAULT_MODEL, ModelConfigSchema, type ModelConfig } from './model.ts';
export { loadTrainingData, type TrainingData, type TrainingDataOptions } from './training-data.ts';
export { trainPolicy, makeBatch, writeLossCurve, lossCurveSvg, DEFAULT_DIFFUSION, DEFAULT_POLICY_POINTS, DEFAULT_BATCH, DEFAULT_TRAIN_STEPS, DEFAULT_TRAIN_HIDDEN, type TrainOptions, type TrainResult } from './train.ts';
export { emaDecay, Ema } from './ema.ts';
export { cosineWithWarmup } from './lr-schedule.ts';
export { savePolicy, loadPolicy, PolicyFileSchema, POLICY_JSON, type PolicyFile, type DiffusionConfig, type TrainingInfo } from './policy-file.ts';
export { PolicySampler, type Observation } from './sampler.ts';
export { evaluatePolicy, quantile, type EvalOptions, type EvalSummary, type EpisodeEval } from './evaluate.ts';
export { measureDenoiseLatency, type DenoiseLatency } from './denoise-latency.ts';
export { compressPolicy, policySubnet, type CompressPolicyOptions, type SubnetResult } from './compress-policy.ts';
export { policyStats, type PolicyStats } from './policy-summary.ts';
export { FastForward, BIDP_TIERS, type FastForwardTiers, type Feeds } from './fast-forward.ts';
