/**
 * policy/ speed: ms per training step of the BiDP network (policy/model.ts) at `yoto train`'s
 * defaults, on this process's TensorFlow.js backend, side by side with the same network in
 * PyTorch on the CPU (bench/policy-torch.py, Debian's python3-torch run by /usr/bin/python3,
 * 2 threads), issue #7's goal being yoto ≤ 1.5× PyTorch's time. Without PyTorch the comparison
 * is skipped with a note. Configurations: the lift-bar program and the task with the longest
 * scripted program. PyTorch's speed hangs on the BLAS that libblas.so.3 resolves to (Debian's
 * python3-torch accepts the slow netlib reference BLAS); the table says which one ran, and
 * `LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread npm run bench -- policy` (with
 * libopenblas0-pthread installed) times PyTorch on OpenBLAS without switching the system's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { z } from 'zod';
import { initTf, tf } from '../tf/index.ts';
import { OTO } from '../compress/index.ts';
import { actionDim, buildBidpModel, cosineWithWarmup, DEFAULT_BATCH, DEFAULT_MODEL, DEFAULT_POLICY_POINTS, DEFAULT_TRAIN_HIDDEN, DEFAULT_TRAIN_STEPS, PROPRIO_DIM, type ModelConfig } from '../policy/index.ts';
import { getTask, nominalScene, TASKS } from '../sim/index.ts';
import { median } from '../core/stats.ts';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = join(here, 'policy-torch.py');
const WARMUP = 3;
const REPS = 12;
const GOAL = 1.5;

export interface TrainingStepConfig {
  label: string;
  batch: number;
  model: ModelConfig;
}

export interface TrainingStepFigure {
  config: TrainingStepConfig;
  tfjsParams: number;
  tfjsMsPerStep: number;
  /** Absent when PyTorch is not installed (or its run failed: see `torchNote`). */
  torch?: { params: number; msPerStep: number; threads: number; version: string; blas: string };
  torchNote?: string;
}

const TorchResultSchema = z.object({
  params: z.number().int(),
  ms_per_step: z.number(),
  threads: z.number().int(),
  torch: z.string(),
  blas: z.string(),
});

/** lift-bar's program and the longest scripted program of any task, at `yoto train`'s defaults. */
export function trainingStepConfigs(): TrainingStepConfig[] {
  const dims = Object.keys(TASKS).map((name) => {
    const task = getTask(name);
    return { name, A: actionDim(task.scripted(nominalScene(task))) };
  });
  const liftBar = dims.find((d) => d.name === 'lift-bar');
  const largest = dims.reduce((a, b) => (b.A > a.A ? b : a));
  const picked = liftBar && largest.A > liftBar.A ? [liftBar, largest] : [liftBar ?? largest];
  return picked.map((d) => ({
    label: `${d.name} (A=${d.A})`,
    batch: DEFAULT_BATCH,
    model: { ...DEFAULT_MODEL, hidden: DEFAULT_TRAIN_HIDDEN, points: DEFAULT_POLICY_POINTS, proprioDim: PROPRIO_DIM, actionDim: d.A, seed: 0 },
  }));
}

/**
 * One step the way trainPolicy takes it: HESSO's AdamW (sparsity 0) minimizing the ε MSE, which
 * reads the loss back. The batch is fixed (batch making and EMA are not part of the step).
 */
export function tfjsTrainingStep(c: TrainingStepConfig): { params: number; msPerStep: number } {
  const m = c.model;
  const B = c.batch;
  const model = buildBidpModel(m);
  const opt = new OTO(model).hesso({
    variant: 'adamw',
    lr: cosineWithWarmup(1e-3, 150, DEFAULT_TRAIN_STEPS),
    weightDecay: 1e-6,
    targetGroupSparsity: 0,
    totalSteps: DEFAULT_TRAIN_STEPS,
  });
  const inputs = [
    tf.randomNormal([B, m.points, 3], 0, 1, 'float32', 1),
    tf.randomNormal([B, m.proprioDim], 0, 1, 'float32', 2),
    tf.randomNormal([B, m.tembDim], 0, 1, 'float32', 3),
    tf.randomNormal([B, m.actionDim], 0, 1, 'float32', 4),
  ];
  const target = tf.randomNormal([B, m.actionDim], 0, 1, 'float32', 5);
  const step = () => opt.minimize(() => tf.losses.meanSquaredError(target, model.apply(inputs, { training: true }) as tf.Tensor) as tf.Scalar);
  for (let i = 0; i < WARMUP; i++) step();
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  const params = model.countParams();
  opt.dispose();
  model.dispose();
  tf.dispose([...inputs, target]);
  return { params, msPerStep: median(times) };
}

/** Why PyTorch cannot run here, or null when it can. */
export function torchMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'PyTorch is not installed (apt-get install python3-torch)';
}

function torchTrainingStep(c: TrainingStepConfig): TrainingStepFigure['torch'] | string {
  const m = c.model;
  const arg = {
    batch: c.batch,
    points: m.points,
    proprioDim: m.proprioDim,
    actionDim: m.actionDim,
    pointWidths: m.pointWidths,
    obsFeature: m.obsFeature,
    proprioFeature: m.proprioFeature,
    tembDim: m.tembDim,
    hidden: m.hidden,
    blocks: m.blocks,
    groups: m.groups,
    threads: 2,
    warmup: WARMUP,
    reps: REPS,
  };
  // OpenBLAS (when libblas.so.3 is OpenBLAS) sizes its own thread pool from the environment,
  // not from torch.set_num_threads: give it the same count.
  const threads = String(arg.threads);
  const env = { ...process.env, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads };
  const r = spawnSync(PYTHON, [TORCH_SCRIPT, JSON.stringify(arg)], { encoding: 'utf8', env });
  const last = r.stdout?.trim().split('\n').at(-1);
  if (r.status !== 0 || !last) return `PyTorch run failed: ${(r.stderr || String(r.error)).trim().split('\n').at(-1)}`;
  const j = TorchResultSchema.parse(JSON.parse(last));
  return { params: j.params, msPerStep: j.ms_per_step, threads: j.threads, version: j.torch, blas: j.blas };
}

/** Times each configuration on tfjs, then (if installed) on PyTorch, and prints the table. */
export async function trainingStepFigures(): Promise<TrainingStepFigure[]> {
  const { backend } = await initTf();
  const load = loadavg()[0];
  console.log(
    `training step (forward, ε MSE, backward, AdamW), median of ${REPS} after ${WARMUP} warm-up; tfjs backend ${backend}; ` +
      `load average ${load.toFixed(1)} on ${cpus().length} cores${load > cpus().length ? ' (other processes share the CPU: times are inflated)' : ''}`,
  );
  const missing = torchMissing();
  if (missing) console.log(`PyTorch comparison skipped: ${missing}`);
  const figures: TrainingStepFigure[] = [];
  for (const config of trainingStepConfigs()) {
    const t = tfjsTrainingStep(config);
    const f: TrainingStepFigure = { config, tfjsParams: t.params, tfjsMsPerStep: t.msPerStep };
    if (!missing) {
      const r = torchTrainingStep(config);
      if (typeof r === 'string') f.torchNote = r;
      else f.torch = r;
    }
    figures.push(f);
  }

  const torchV = figures.find((f) => f.torch)?.torch;
  const head = ['config', 'batch', 'points', 'hidden', 'params tfjs', 'params torch', 'tfjs ms', `torch${torchV ? ` ${torchV.version}` : ''} ms`, `ratio (goal ≤ ${GOAL}×)`];
  const rows = figures.map((f) => {
    const m = f.config.model;
    const ratio = f.torch ? f.tfjsMsPerStep / f.torch.msPerStep : null;
    return [
      f.config.label,
      String(f.config.batch),
      String(m.points),
      String(m.hidden),
      f.tfjsParams.toLocaleString('en'),
      f.torch ? f.torch.params.toLocaleString('en') + (f.torch.params === f.tfjsParams ? '' : ' (MISMATCH)') : '—',
      f.tfjsMsPerStep.toFixed(1),
      f.torch ? f.torch.msPerStep.toFixed(1) : '—',
      ratio === null ? '—' : `${ratio.toFixed(2)}× ${ratio <= GOAL ? 'ok' : 'over'}`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  for (const f of figures) if (f.torchNote) console.log(`${f.config.label}: ${f.torchNote}`);
  if (torchV) {
    const reference = !/openblas|mkl|blis|atlas/i.test(torchV.blas);
    console.log(
      `PyTorch: ${torchV.threads} threads, BLAS ${torchV.blas}` +
        (reference ? ' — the netlib reference BLAS, several times slower than OpenBLAS: the ratio flatters yoto (see this file\'s header)' : ''),
    );
  }
  return figures;
}

export default async function (): Promise<void> {
  await trainingStepFigures();
}
