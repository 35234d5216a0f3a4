/**
 * BiDP's settings in one place: the zod schemas of what a policy folder's policy.json holds (the
 * network, the diffusion, the dense-chunk action, where it was trained) and the defaults `yoto
 * train` and the library fall back to. model.ts, action-chunk.ts, policy.ts and train.ts read them
 * from here.
 */
import { z } from 'zod';
import { ProgramSchema } from '../core/program.ts';
import { SceneSchema } from '../core/scene.ts';
import { NormalizerSchema } from './normalizer.ts';

// ── The network (model.ts) ──────────────────────────────────────────────────────────────────

export const ModelConfigSchema = z.strictObject({
  points: z.number().int().positive(),
  proprioDim: z.number().int().positive(),
  actionDim: z.number().int().positive(),
  /** Widths of the shared per-point layers; the last is the pooled feature. */
  pointWidths: z.array(z.number().int().positive()).min(1),
  /** Width of the observation feature after pooling and of the proprio feature. */
  obsFeature: z.number().int().positive(),
  proprioFeature: z.number().int().positive(),
  tembDim: z.number().int().positive().multipleOf(2),
  hidden: z.number().int().positive(),
  blocks: z.number().int().positive(),
  groups: z.number().int().positive(),
  seed: z.number().int(),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const DEFAULT_MODEL: Omit<ModelConfig, 'points' | 'proprioDim' | 'actionDim'> = {
  pointWidths: [64, 128, 256],
  obsFeature: 128,
  proprioFeature: 64,
  tembDim: 64,
  hidden: 512,
  blocks: 3,
  groups: 8,
  seed: 0,
};

// ── The dense-chunk action (action-chunk.ts) ────────────────────────────────────────────────

export const ChunkSpecSchema = z.strictObject({
  /** Steps predicted at once (Diffusion Policy: 16). */
  horizon: z.number().int().min(2),
  /** Steps executed before re-observing (Diffusion Policy: 8). */
  execute: z.number().int().min(1),
  /** Steps per second of sim time (the dataset's record_hz). */
  hz: z.number().positive(),
});
export type ChunkSpec = z.infer<typeof ChunkSpecSchema>;

export const DEFAULT_CHUNK = { horizon: 16, execute: 8 } as const;

// ── The policy file (policy.ts) ─────────────────────────────────────────────────────────────

export const POLICY_FORMAT = 'yoto-bidp';
export const POLICY_VERSION = 1;
export const POLICY_JSON = 'policy.json';

export const DiffusionConfigSchema = z.strictObject({
  beta: z.enum(['squaredcos_cap_v2', 'linear']),
  trainSteps: z.number().int().min(2),
  inferenceSteps: z.number().int().min(1),
  /** What the network predicts: the noise ('epsilon', default) or the clean action ('sample'). */
  prediction: z.enum(['epsilon', 'sample']).default('epsilon'),
});
export type DiffusionConfig = z.infer<typeof DiffusionConfigSchema>;

export const TrainingInfoSchema = z.strictObject({
  dataset: z.string(),
  task: z.string(),
  episodes: z.number().int(),
  frames: z.number().int(),
  steps: z.number().int(),
  batch: z.number().int(),
  lr: z.number(),
  seed: z.number().int(),
  backend: z.string(),
  wall_s: z.number(),
  final_loss: z.number(),
  /** Set when trained or fine-tuned with HESSO. */
  hesso: z.strictObject({ sparsity: z.number(), pruned_groups: z.number().int(), prunable_groups: z.number().int() }).optional(),
});
export type TrainingInfo = z.infer<typeof TrainingInfoSchema>;

export const PolicyFileSchema = z.strictObject({
  format: z.literal(POLICY_FORMAT),
  version: z.literal(POLICY_VERSION, { error: `unsupported policy version (this yoto reads version ${POLICY_VERSION})` }),
  task: z.string(),
  /**
   * 'program': the whole keypose program per prediction (YOTO); 'chunk': the next `chunk.horizon`
   * commanded TCP poses and openings (Diffusion Policy), `chunk.execute` of them run per prediction.
   */
  action: z.enum(['program', 'chunk']),
  chunk: ChunkSpecSchema.optional(),
  /** The demonstrated program's structure (the 'program' action fills in its numbers). */
  template: ProgramSchema,
  /** The demonstration's placement and the ranges training placements were drawn from. */
  scene: SceneSchema,
  ranges: z.record(z.string(), z.strictObject({ x: z.number(), y: z.number(), yaw: z.number() })),
  model: ModelConfigSchema,
  diffusion: DiffusionConfigSchema,
  /** The depth camera the observations came from (sim DepthCameraConfig) and the points the network takes. */
  camera: z.record(z.string(), z.unknown()),
  cloudPoints: z.number().int().positive(),
  normalizers: z.strictObject({ points: NormalizerSchema, proprio: NormalizerSchema, action: NormalizerSchema }),
  training: TrainingInfoSchema,
}).refine((p) => (p.action === 'chunk') === (p.chunk !== undefined), { error: "a 'chunk' policy needs its chunk settings, a 'program' policy has none", path: ['chunk'] });
export type PolicyFile = z.infer<typeof PolicyFileSchema>;

// ── Training (train.ts) ─────────────────────────────────────────────────────────────────────

/**
 * x₀-prediction by default: on this machine's step budget it is the one that lands on the right
 * program (the tiny overfit test: within 7 mm after 600 steps, where ε-prediction still mixes up
 * the episodes); ε-prediction, Diffusion Policy's default, stays available.
 */
export const DEFAULT_DIFFUSION: DiffusionConfig = { beta: 'squaredcos_cap_v2', trainSteps: 100, inferenceSteps: 10, prediction: 'sample' };
export const DEFAULT_POLICY_POINTS = 128;
/** `yoto train`'s defaults (the benches time the same settings). */
export const DEFAULT_BATCH = 64;
export const DEFAULT_TRAIN_STEPS = 2000;
/** The denoiser width `yoto train` uses (library callers that pass none get DEFAULT_MODEL's). */
export const DEFAULT_TRAIN_HIDDEN = 256;

/** trainPolicy's defaults for the options a caller leaves out. */
export const DEFAULT_TRAIN = {
  lr: 1e-3,
  weightDecay: 1e-6,
  seed: 0,
  checkpointEvery: 500,
  /** Warm-up steps: 5% of the run, at most 500. */
  warmup: (steps: number): number => Math.min(500, Math.round(steps * 0.05)),
} as const;
