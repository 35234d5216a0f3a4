/**
 * Inference: an observation → a keypose program, by DDIM from Gaussian noise (seeded), the
 * observation encoded once per call (StagedModel).
 */
import type { Program } from '../core/program.ts';
import { Rng } from '../core/rng.ts';
import { tf } from '../core/tf.ts';
import { decodeProgram } from './action-codec.ts';
import { ddimStep, ddimTimesteps, makeSchedule, timestepEmbedding, type Schedule } from './diffusion.ts';
import { Normalizer } from './normalizer.ts';
import { PROPRIO_DIM, selectPoints } from './observation.ts';
import type { PolicyFile } from './policy-file.ts';
import { StagedModel } from './staged-model.ts';

export interface Observation {
  /** World-frame cloud, 3 × n values. */
  cloud: ArrayLike<number>;
  cloudPoints: number;
  /** One proprio row (observation.ts). */
  proprio: Float32Array;
}

export class PolicySampler {
  private readonly staged: StagedModel;
  private readonly schedule: Schedule;
  private readonly steps: number[];
  private readonly norm: { points: Normalizer; proprio: Normalizer; action: Normalizer };

  constructor(
    readonly model: tf.LayersModel,
    readonly meta: PolicyFile,
    inferenceSteps = meta.diffusion.inferenceSteps,
  ) {
    this.staged = new StagedModel(model, ['points', 'proprio'], ['temb', 'noisy']);
    this.schedule = makeSchedule({ beta: meta.diffusion.beta, trainSteps: meta.diffusion.trainSteps });
    this.steps = ddimTimesteps(meta.diffusion.trainSteps, inferenceSteps);
    const n = meta.normalizers;
    this.norm = { points: new Normalizer(n.points), proprio: new Normalizer(n.proprio), action: new Normalizer(n.action) };
  }

  /** The predicted action vector (unnormalized) for one observation. */
  predictVector(obs: Observation, seed: number): Float64Array {
    const N = this.meta.cloudPoints;
    const A = this.meta.model.actionDim;
    const pts = new Float32Array(N * 3);
    selectPoints(obs.cloud, 0, obs.cloudPoints, N, pts, 0);
    this.norm.points.normalize(pts);
    const prop = this.norm.proprio.normalize(Float32Array.from(obs.proprio.subarray(0, PROPRIO_DIM)));
    const pT = tf.tensor3d(pts, [1, N, 3]);
    const sT = tf.tensor2d(prop, [1, PROPRIO_DIM]);
    this.staged.prepare({ points: pT, proprio: sT });
    tf.dispose([pT, sT]);
    const rng = new Rng(seed);
    const x = Float32Array.from({ length: A }, () => rng.normal());
    const E = this.meta.model.tembDim;
    for (let i = 0; i < this.steps.length; i++) {
      const t = this.steps[i];
      const temb = tf.tensor2d(timestepEmbedding([t], E), [1, E]);
      const noisy = tf.tensor2d(x, [1, A]);
      const out = this.staged.run({ temb, noisy });
      const eps = out.dataSync();
      tf.dispose([temb, noisy, out]);
      ddimStep(this.schedule, x, eps, t, i + 1 < this.steps.length ? this.steps[i + 1] : -1, 1, this.meta.diffusion.prediction);
    }
    this.staged.release();
    return this.norm.action.unnormalize(x);
  }

  predict(obs: Observation, seed: number): Program {
    return decodeProgram(this.meta.template, this.predictVector(obs, seed));
  }
}
