/**
 * A trained BiDP policy: the network and its policy.json (config.ts PolicyFile: the program
 * template, the normalizers, the diffusion and observation settings, where it came from), as one
 * object. On disk it is a folder: model.json + weights.bin (the EMA weights) and policy.json.
 *
 *   const policy = await Policy.load('policy/');
 *   const p = policy.predict(observation, seed);      // { action: 'program', program } or { action: 'chunk', chunk }
 *   const loss = policy.computeLoss(batch);           // the training loss (batch.ts makeBatch)
 *   await policy.save('policy-copy/');
 *   policy.dispose();
 *
 * Predictions run the network in plain TypeScript (sampler.ts, fast-forward.ts), which reads the
 * weights at the first prediction with a given number of DDIM steps: change the model's weights
 * only before predicting (or make a new Policy after).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/atomic.ts';
import { YotoError } from '../core/errors.ts';
import type { ArmName, Program } from '../core/program.ts';
import { readJsonFile } from '../core/read.ts';
import { loadLayersModel, tf } from '../tf/index.ts';
import { saveModelFolder } from '../compress/index.ts';
import type { ActionChunk } from './action-chunk.ts';
import { POLICY_JSON, PolicyFileSchema, type ChunkSpec, type PolicyFile } from './config.ts';
import { PolicySampler, type Observation } from './sampler.ts';
import type { Batch } from './batch.ts';

/** One prediction, by the policy's action kind. */
export type Prediction = { action: 'program'; program: Program } | { action: 'chunk'; chunk: ActionChunk };

export class Policy {
  /** One sampler per DDIM step count, made at its first prediction. */
  private readonly samplers = new Map<number, PolicySampler>();

  constructor(
    readonly model: tf.LayersModel,
    readonly meta: PolicyFile,
  ) {}

  /** The policy in folder `dir` (policy.json + model.json + weights.bin). */
  static async load(dir: string): Promise<Policy> {
    const file = join(dir, POLICY_JSON);
    if (!existsSync(file)) throw new YotoError(`not a policy folder (no ${POLICY_JSON}; train one with \`yoto train\`)`, dir);
    const meta = readJsonFile(file, PolicyFileSchema);
    const model = await loadLayersModel(dir);
    return new Policy(model, meta);
  }

  /** Writes the folder (the network first, then policy.json, each atomically). */
  async save(dir: string): Promise<void> {
    await saveModelFolder(this.model, dir);
    writeJsonAtomic(join(dir, POLICY_JSON), this.meta);
  }

  /** The same policy file with another network of the same inputs and outputs (e.g. the HESSO subnet). */
  withModel(model: tf.LayersModel, meta: PolicyFile = this.meta): Policy {
    return new Policy(model, meta);
  }

  get task(): string {
    return this.meta.task;
  }

  get action(): 'program' | 'chunk' {
    return this.meta.action;
  }

  /** A chunk policy's horizon, steps executed per prediction and rate; undefined for a program policy. */
  get chunk(): ChunkSpec | undefined {
    return this.meta.chunk;
  }

  /** Keyposes per arm of the program template (what a program prediction fills in). */
  get keyposes(): Record<ArmName, number> {
    return { left: this.meta.template.arms.left.length, right: this.meta.template.arms.right.length };
  }

  /** The DDIM step count predictions use unless told otherwise. */
  get inferenceSteps(): number {
    return this.meta.diffusion.inferenceSteps;
  }

  /** The sampler for `inferenceSteps` DDIM steps (made once, then reused). */
  sampler(inferenceSteps = this.inferenceSteps): PolicySampler {
    let s = this.samplers.get(inferenceSteps);
    if (!s) {
      s = new PolicySampler(this.model, this.meta, inferenceSteps);
      this.samplers.set(inferenceSteps, s);
    }
    return s;
  }

  /** The prediction for one observation: a program or a chunk, per the policy's action. Seeded: the same seed gives the same prediction. */
  predict(obs: Observation, seed: number, inferenceSteps?: number): Prediction {
    const s = this.sampler(inferenceSteps);
    return this.meta.action === 'chunk' ? { action: 'chunk', chunk: s.predictChunk(obs, seed) } : { action: 'program', program: s.predict(obs, seed) };
  }

  /** A program policy's prediction (throws for a chunk policy). */
  predictProgram(obs: Observation, seed: number, inferenceSteps?: number): Program {
    return this.sampler(inferenceSteps).predict(obs, seed);
  }

  /** A chunk policy's prediction (throws for a program policy). */
  predictChunk(obs: Observation, seed: number, inferenceSteps?: number): ActionChunk {
    return this.sampler(inferenceSteps).predictChunk(obs, seed);
  }

  /** The predicted action vector, unnormalized, before decoding. */
  predictVector(obs: Observation, seed: number, inferenceSteps?: number): Float64Array {
    return this.sampler(inferenceSteps).predictVector(obs, seed);
  }

  /**
   * The DDPM training loss on one batch (batch.ts makeBatch): the MSE between the network's
   * output on the noised actions and its target — the clean action for 'sample' prediction, the
   * noise for 'epsilon'. Inside an optimizer's minimize() it is what the gradients come from; its
   * input tensors are freed with the call's tidy scope.
   */
  computeLoss(b: Batch, training = true): tf.Scalar {
    const { points: N, proprioDim: P, tembDim: E, actionDim: A } = this.meta.model;
    const B = b.noisy.length / A;
    return tf.tidy(() => {
      const inputs = [tf.tensor3d(b.points, [B, N, 3]), tf.tensor2d(b.proprio, [B, P]), tf.tensor2d(b.temb, [B, E]), tf.tensor2d(b.noisy, [B, A])];
      const target = tf.tensor2d(this.meta.diffusion.prediction === 'sample' ? b.x0 : b.eps, [B, A]);
      return tf.losses.meanSquaredError(target, this.model.apply(inputs, { training }) as tf.Tensor) as tf.Scalar;
    });
  }

  /** Frees the network's weights; the policy cannot predict after. */
  dispose(): void {
    this.samplers.clear();
    this.model.dispose();
  }
}
