/**
 * A trained policy on disk: a folder with the network (model.json + weights.bin, the EMA
 * weights) and policy.json — everything else inference needs (the program template, the
 * normalizers, the diffusion settings, the observation settings) and where it came from.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../core/atomic.ts';
import { YotoError } from '../core/errors.ts';
import { ProgramSchema } from '../core/program.ts';
import { SceneSchema } from '../core/scene.ts';
import { readJsonFile } from '../core/read.ts';
import { loadLayersModel, type tf } from '../tf/index.ts';
import { saveModelFolder } from '../compress/index.ts';
import { ModelConfigSchema } from './model.ts';
import { ChunkSpecSchema } from './action-chunk.ts';
import { NormalizerSchema } from './normalizer.ts';

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

export async function savePolicy(dir: string, model: tf.LayersModel, meta: PolicyFile): Promise<void> {
  await saveModelFolder(model, dir);
  writeJsonAtomic(join(dir, POLICY_JSON), meta);
}

export async function loadPolicy(dir: string): Promise<{ model: tf.LayersModel; meta: PolicyFile }> {
  const file = join(dir, POLICY_JSON);
  if (!existsSync(file)) throw new YotoError(`not a policy folder (no ${POLICY_JSON}; train one with \`yoto train\`)`, dir);
  const meta = readJsonFile(file, PolicyFileSchema);
  const model = await loadLayersModel(dir);
  return { model, meta };
}
