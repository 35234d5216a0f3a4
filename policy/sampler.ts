/**
 * Inference: an observation → a keypose program or an action chunk, by DDIM from Gaussian noise (seeded). The
 * network runs in plain TypeScript (FastForward): the observation encoded once per call, the
 * timestep embeddings' layers once per sampler, only the noisy-action layers at every step.
 * The weights are read when the sampler is made: make a new one after changing the model's.
 */
import type { Program } from '../core/program.ts';
import { decodeChunk, type ActionChunk } from './action-chunk.ts';
import { Rng } from '../core/rng.ts';
import type { tf } from '../tf/index.ts';
import { decodeProgram } from './action-codec.ts';
import { ddimStep, ddimTimesteps, makeSchedule, timestepEmbedding, type Schedule } from './diffusion.ts';
import { Normalizer } from './normalizer.ts';
import { PROPRIO_DIM, selectPoints } from './observation.ts';
import type { PolicyFile } from './config.ts';
import { FastForward } from './fast-forward.ts';

export interface Observation {
  /** World-frame cloud, 3 × n values. */
  cloud: ArrayLike<number>;
  cloudPoints: number;
  /** One proprio row (observation.ts). */
  proprio: Float32Array;
}

export class PolicySampler {
  private readonly net: FastForward;
  private readonly schedule: Schedule;
  private readonly steps: number[];
  private readonly norm: { points: Normalizer; proprio: Normalizer; action: Normalizer };

  constructor(
    readonly model: tf.LayersModel,
    readonly meta: PolicyFile,
    inferenceSteps = meta.diffusion.inferenceSteps,
  ) {
    this.net = new FastForward(model);
    this.schedule = makeSchedule({ beta: meta.diffusion.beta, trainSteps: meta.diffusion.trainSteps });
    this.steps = ddimTimesteps(meta.diffusion.trainSteps, inferenceSteps);
    this.net.prepareSteps(this.steps.map((t) => ({ temb: timestepEmbedding([t], meta.model.tembDim) })));
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
    this.net.prepare({ points: pts, proprio: prop });
    const rng = new Rng(seed);
    const x = Float32Array.from({ length: A }, () => rng.normal());
    for (let i = 0; i < this.steps.length; i++) {
      const t = this.steps[i];
      const out = this.net.runStep(i, { noisy: x });
      ddimStep(this.schedule, x, out, t, i + 1 < this.steps.length ? this.steps[i + 1] : -1, 1, this.meta.diffusion.prediction);
    }
    return this.norm.action.unnormalize(x);
  }

  /** A 'program' policy's prediction: the keypose program. */
  predict(obs: Observation, seed: number): Program {
    if (this.meta.action !== 'program') throw new Error(`PolicySampler.predict: a '${this.meta.action}' policy predicts chunks (predictChunk)`);
    return decodeProgram(this.meta.template, this.predictVector(obs, seed));
  }

  /** A 'chunk' policy's prediction: each arm's next `horizon` waypoints. */
  predictChunk(obs: Observation, seed: number): ActionChunk {
    const c = this.meta.chunk;
    if (!c) throw new Error(`PolicySampler.predictChunk: a '${this.meta.action}' policy predicts programs (predict)`);
    return decodeChunk(this.predictVector(obs, seed), c.horizon);
  }
}
