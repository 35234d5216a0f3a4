/**
 * Training BiDP: DDPM on (observation, action) pairs — the action a program or a chunk, AdamW through HESSO's
 * optimizer (group sparsity 0 for plain training, the target sparsity with --hesso), a cosine
 * learning rate with warm-up, EMA weights, seeded batches (step k's batch depends only on the
 * seed and k, so a resumed run continues exactly), and atomic checkpoints.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic.ts';
import { YotoError } from '../core/errors.ts';
import { lineChartSvg } from '../core/plot.ts';
import { readJsonFile } from '../core/read.ts';
import { Rng } from '../core/rng.ts';
import { currentTfBackend, loadLayersModel, loadTensors, saveTensors, tf } from '../tf/index.ts';
import { OTO, saveModelFolder, type Hesso, type HessoStateMeta } from '../compress/index.ts';
import { makeSchedule } from './diffusion.ts';
import { makeBatch } from './batch.ts';
import { Ema } from './ema.ts';
import { cosineWithWarmup } from './lr-schedule.ts';
import { buildBidpModel } from './model.ts';
import { PROPRIO_DIM } from './observation.ts';
import {
  DEFAULT_BATCH,
  DEFAULT_DIFFUSION,
  DEFAULT_MODEL,
  DEFAULT_POLICY_POINTS,
  DEFAULT_TRAIN,
  POLICY_FORMAT,
  POLICY_VERSION,
  type DiffusionConfig,
  type ModelConfig,
  type PolicyFile,
} from './config.ts';
import { Policy } from './policy.ts';
import type { TrainingData } from './training-data.ts';

export interface TrainOptions {
  data: TrainingData;
  /** Where checkpoints go (out/checkpoint/); the caller saves the final policy. */
  out: string;
  steps: number;
  batch?: number;
  lr?: number;
  warmup?: number;
  weightDecay?: number;
  seed?: number;
  checkpointEvery?: number;
  resume?: boolean;
  /** Points the network takes from each cloud. */
  points?: number;
  model?: Partial<Omit<ModelConfig, 'points' | 'proprioDim' | 'actionDim'>>;
  diffusion?: Partial<DiffusionConfig>;
  /** Train with HESSO to this group sparsity. */
  hessoSparsity?: number;
  /** Start from these weights (fine-tuning); the architecture must match the config. */
  init?: tf.LayersModel;
  onStep?: (s: { step: number; loss: number; lr: number; stepsPerS: number }) => void;
}

export interface TrainResult {
  /** The trained policy: the EMA weights (group-sparse when trained with HESSO) and its file. */
  policy: Policy;
  losses: { step: number; loss: number }[];
  prunedGroupIds: number[];
}

const CKPT = 'checkpoint';
const CheckpointStateSchema = z.strictObject({
  step: z.number().int(),
  wall_s: z.number(),
  losses: z.array(z.strictObject({ step: z.number().int(), loss: z.number() })),
  hesso: z.unknown(),
  fingerprint: z.string(),
});

/** step k's batch seed: a hash of the run seed and k. */
function stepSeed(seed: number, k: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x2545f491, 0x9e3779b1) >>> 0;
  h = (h ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

export async function trainPolicy(o: TrainOptions): Promise<TrainResult> {
  const d = o.data;
  const B = o.batch ?? DEFAULT_BATCH;
  const N = o.points ?? DEFAULT_POLICY_POINTS;
  const lr = o.lr ?? DEFAULT_TRAIN.lr;
  const seed = o.seed ?? DEFAULT_TRAIN.seed;
  const steps = o.steps;
  if (!Number.isInteger(steps) || steps < 1) throw new YotoError(`must be a positive integer, got ${steps}`, '--steps');
  if (N > d.cloudPoints) throw new YotoError(`the policy takes ${N} points but the dataset's clouds have ${d.cloudPoints}`, '--points');
  const cfg: ModelConfig = { ...DEFAULT_MODEL, ...o.model, points: N, proprioDim: PROPRIO_DIM, actionDim: d.actionDim, seed };
  const diffusion: DiffusionConfig = { ...DEFAULT_DIFFUSION, ...o.diffusion };
  const schedule = makeSchedule({ beta: diffusion.beta, trainSteps: diffusion.trainSteps });
  const fingerprint = JSON.stringify({ cfg, diffusion, B, N, lr, seed, steps, hesso: o.hessoSparsity ?? 0, data: d.dir, frames: d.frames, action: d.action, chunk: d.chunk });

  const model = buildBidpModel(cfg);
  if (o.init) model.setWeights(o.init.getWeights());
  const oto = new OTO(model);
  const sched = cosineWithWarmup(lr, o.warmup ?? DEFAULT_TRAIN.warmup(steps), steps);
  const opt: Hesso = oto.hesso({ variant: 'adamw', lr: sched, weightDecay: o.weightDecay ?? DEFAULT_TRAIN.weightDecay, targetGroupSparsity: o.hessoSparsity ?? 0, totalSteps: steps });
  const ema = new Ema(model);

  let start = 0;
  let wall0 = 0;
  let losses: { step: number; loss: number }[] = [];
  const ckptDir = join(o.out, CKPT);
  const resumeFrom = o.resume ? resumableCheckpoint(ckptDir) : null;
  if (resumeFrom) {
    const st = readJsonFile(join(resumeFrom, 'state.json'), CheckpointStateSchema);
    if (st.fingerprint !== fingerprint) throw new YotoError('the checkpoint was made with other settings or data; resume with the same flags, or train into a new folder', resumeFrom);
    const saved = await loadLayersModel(join(resumeFrom, 'model'));
    model.setWeights(saved.getWeights());
    saved.dispose();
    const tensors = loadTensors(join(resumeFrom, 'state.bin'));
    ema.setState(tensors);
    opt.setState(st.hesso as HessoStateMeta, tensors);
    tf.dispose(Object.values(tensors));
    start = st.step;
    wall0 = st.wall_s;
    losses = st.losses;
  }

  // The policy being trained: its file as it will be saved, less what only the end of the run knows.
  const training: PolicyFile['training'] = {
    dataset: d.dir,
    task: d.attrs.task,
    episodes: d.episodes,
    frames: d.frames,
    steps,
    batch: B,
    lr,
    seed,
    backend: currentTfBackend() ?? 'unknown',
    wall_s: NaN,
    final_loss: NaN,
  };
  const draft: PolicyFile = {
    format: POLICY_FORMAT,
    version: POLICY_VERSION,
    task: d.attrs.task,
    action: d.action,
    ...(d.chunk ? { chunk: d.chunk } : {}),
    template: d.template,
    scene: d.attrs.scene,
    ranges: d.attrs.ranges,
    model: cfg,
    diffusion,
    camera: d.attrs.camera,
    cloudPoints: N,
    normalizers: { points: d.norm.points.toJSON(), proprio: d.norm.proprio.toJSON(), action: d.norm.action.toJSON() },
    training,
  };
  const policy = new Policy(model, draft);

  const every = o.checkpointEvery ?? DEFAULT_TRAIN.checkpointEvery;
  const t0 = performance.now();
  let windowLoss = 0;
  let windowN = 0;
  let lastStepT = performance.now();
  let rate = 0;
  for (let k = start; k < steps; k++) {
    const rng = new Rng(stepSeed(seed, k));
    const b = makeBatch(d, schedule, B, N, cfg.tembDim, rng);
    const loss = opt.minimize(() => policy.computeLoss(b));
    if (!Number.isFinite(loss)) throw new YotoError(`the loss became ${loss} at step ${k} (try a smaller --lr)`, 'yoto train');
    ema.update(k);
    windowLoss += loss;
    windowN++;
    const now = performance.now();
    const dt = now - lastStepT;
    lastStepT = now;
    rate = rate === 0 ? 1000 / dt : 0.9 * rate + 0.1 * (1000 / dt);
    if ((k + 1) % 10 === 0 || k + 1 === steps) {
      losses.push({ step: k + 1, loss: windowLoss / windowN });
      windowLoss = 0;
      windowN = 0;
    }
    o.onStep?.({ step: k + 1, loss, lr: sched(k), stepsPerS: rate });
    if ((k + 1) % every === 0 && k + 1 < steps) {
      await writeCheckpoint(ckptDir, model, ema, opt, { step: k + 1, wall_s: wall0 + (performance.now() - t0) / 1000, losses, hesso: null, fingerprint });
    }
  }
  const wall = wall0 + (performance.now() - t0) / 1000;
  const prunedGroupIds = opt.prunedGroupIds();
  const hessoInfo = o.hessoSparsity ? { sparsity: o.hessoSparsity, pruned_groups: prunedGroupIds.length, prunable_groups: oto.prunableGroups.length } : undefined;
  opt.dispose();

  const out = buildBidpModel(cfg);
  ema.copyTo(out);
  ema.dispose();
  model.dispose();
  // EMA averages weights that HESSO drove to zero only towards zero: make the pruned groups exact.
  if (prunedGroupIds.length > 0) new OTO(out).zeroGroupsById(prunedGroupIds);

  const meta: PolicyFile = {
    ...draft,
    training: { ...training, wall_s: wall, final_loss: losses.at(-1)?.loss ?? NaN, ...(hessoInfo ? { hesso: hessoInfo } : {}) },
  };
  return { policy: new Policy(out, meta), losses, prunedGroupIds };
}

/**
 * The complete checkpoint folder to resume from, or null. A crash between writeCheckpoint's two
 * renames leaves only `<dir>.old`, which is complete: resume from it rather than from step 0.
 */
function resumableCheckpoint(dir: string): string | null {
  for (const d of [dir, `${dir}.old`]) if (existsSync(join(d, 'state.json'))) return d;
  return null;
}

async function writeCheckpoint(dir: string, model: tf.LayersModel, ema: Ema, opt: Hesso, st: z.infer<typeof CheckpointStateSchema>): Promise<void> {
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await saveModelFolder(model, join(tmp, 'model'));
  const hs = opt.getState();
  const tensors = { ...ema.state(), ...hs.tensors };
  await saveTensors(join(tmp, 'state.bin'), tensors);
  tf.dispose(Object.values(tensors));
  writeJsonAtomic(join(tmp, 'state.json'), { ...st, hesso: hs.meta });
  // Swap the folders: a crash leaves either the old checkpoint or the new one, never a mix.
  const old = `${dir}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

/** The loss curve as an SVG picture. */
export function lossCurveSvg(losses: readonly { step: number; loss: number }[], title: string): string {
  return lineChartSvg([{ name: 'training loss (MSE, mean of 10 steps)', x: losses.map((l) => l.step), y: losses.map((l) => l.loss) }], {
    title,
    xLabel: 'step',
    yLabel: 'loss',
    logY: true,
  });
}

export function writeLossCurve(path: string, losses: readonly { step: number; loss: number }[], title: string): void {
  writeFileAtomic(path, lossCurveSvg(losses, title));
}

