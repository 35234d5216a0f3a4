/**
 * policy/: BiDP, the bimanual diffusion policy. Observation (point cloud + arm state) → the
 * whole bimanual keypose program (or, as an option, a dense chunk of TCP commands), by DDIM over
 * a FiLM-conditioned MLP denoiser; trained with
 * DDPM on `yoto augment` datasets, evaluated closed-loop in the simulator, compressed with HESSO.
 *
 *   const data = await loadTrainingData('dataset/');
 *   const { policy } = await trainPolicy({ data, out: 'policy/', steps: 3000 });
 *   await policy.save('policy/');
 *   const summary = await evaluatePolicy(await Policy.load('policy/'), { episodes: 50, seed: 1000 });
 *   const ctl = new PolicyController(policy, { seed: 1 });   // the re-planning loop, fed by a simulator or a robot
 */
export { makeSchedule, ddimTimesteps, ddimStep, addNoise, timestepEmbedding, type BetaSchedule, type Schedule, type ScheduleOptions } from './diffusion.ts';
export { encodeProgram, decodeProgram, actionDim, KEYPOSE_DIM } from './action-codec.ts';
export { chunkTargets, decodeChunk, chunkDim, CHUNK_STEP_DIM, type ActionChunk, type ChunkWaypoint } from './action-chunk.ts';
export {
  ModelConfigSchema,
  DEFAULT_MODEL,
  ChunkSpecSchema,
  DEFAULT_CHUNK,
  DiffusionConfigSchema,
  TrainingInfoSchema,
  PolicyFileSchema,
  POLICY_FORMAT,
  POLICY_VERSION,
  POLICY_JSON,
  DEFAULT_DIFFUSION,
  DEFAULT_POLICY_POINTS,
  DEFAULT_BATCH,
  DEFAULT_TRAIN_STEPS,
  DEFAULT_TRAIN_HIDDEN,
  DEFAULT_TRAIN,
  type ModelConfig,
  type ChunkSpec,
  type DiffusionConfig,
  type TrainingInfo,
  type PolicyFile,
} from './config.ts';
export { quatToRot6d, rot6dToQuat } from './rotation6d.ts';
export { Normalizer, NormalizerSchema, type NormalizerParams } from './normalizer.ts';
export { PROPRIO_DIM, proprioRow, selectPoints, type ArmState } from './observation.ts';
export { buildBidpModel } from './model.ts';
export { loadTrainingData, type TrainingData, type TrainingDataOptions } from './training-data.ts';
export { makeBatch, type Batch } from './batch.ts';
export { trainPolicy, writeLossCurve, lossCurveSvg, type TrainOptions, type TrainResult } from './train.ts';
export { emaDecay, Ema } from './ema.ts';
export { cosineWithWarmup } from './lr-schedule.ts';
export { Policy, type Prediction } from './policy.ts';
export { PolicySampler, type Observation } from './sampler.ts';
export { PolicyController, type ControllerOptions, type ControlState, type ArmReading, type Plan } from './controller.ts';
export { evaluatePolicy, type EvalOptions, type EvalSummary, type EpisodeEval } from './evaluate.ts';
export { measureDenoiseLatency, type DenoiseLatency } from './denoise-latency.ts';
export { compressPolicy, policySubnet, type CompressPolicyOptions, type CompressPolicyResult, type SubnetResult } from './compress-policy.ts';
export { policyStats, type PolicyStats } from './policy-summary.ts';
export { FastForward, BIDP_TIERS, type FastForwardTiers, type Feeds } from './fast-forward.ts';
