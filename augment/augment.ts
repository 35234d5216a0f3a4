/**
 * `augment`: proliferate one demonstrated program into many verified demonstrations. Candidates
 * (placements) are numbered 0, 1, 2, ...; each is simulated (in parallel on worker threads) and
 * the successful ones are appended to the dataset strictly in candidate order, so a seed gives
 * the same dataset whatever the worker count, and a resumed run continues after the last
 * committed candidate exactly as the interrupted one would have.
 */
import { availableParallelism } from 'node:os';
import { YotoError } from '../core/errors.ts';
import { parseWith } from '../core/read.ts';
import { ProgramSchema, type Program } from '../core/program.ts';
import type { Scene } from '../core/scene.ts';
import { DepthCameraConfigSchema, getTask, nominalScene, placementRanges, validateScene, type DepthCameraConfig, type PlacementRange, type Task } from '../sim/index.ts';
import type { CandidateContext, CandidateResult, FailureKind } from './candidate.ts';
import { DATASET_FORMAT, DATASET_VERSION, type DatasetAttrs } from './dataset-layout.ts';
import { DatasetWriter, type CommitStage } from './dataset-writer.ts';
import { transformProgram } from './transform.ts';
import { InlineRunner, WorkerPool, type CandidateRunner } from './worker-pool.ts';

export const CONTROL_HZ = 100;
export const DEFAULT_RECORD_HZ = 10;
/** Candidates without a single success after which a run stops. */
const HOPELESS = 20;
/**
 * The depth camera for observations unless configured: the sim's default viewpoint (behind the
 * table's −x end, looking at the workspace), 512 points by voxel down-sampling (several times
 * faster than farthest-point sampling at this size), and the arms filtered out of the cloud — the
 * robot self-filter every ROS depth pipeline runs (robot_self_filter), since the arms' own state is
 * in the proprio observation and their points would outnumber the objects' ten to one.
 */
export const DEFAULT_AUGMENT_CAMERA = {
  points: 512,
  downsample: 'voxel',
  exclude: { subtrees: ['left_base', 'right_base'] },
  // Just above the table top (z = 0): thin things on it, like the handover's 5 mm pad, stay in view.
  crop: { min: [-0.5, -0.7, 0.002], max: [0.5, 0.7, 1.0] },
} as const;

export interface AugmentOptions {
  /** A registered task's name, or a Task object (a custom Task runs only with workers: 0, since workers look tasks up by name). */
  task: string | Task;
  /** The demonstrated program. */
  program: Program;
  /** The placement the program was demonstrated at (default: the task's nominal placement). */
  scene?: Scene;
  /** Episodes the dataset should hold when done (a resumed run adds the rest). */
  episodes: number;
  out: string;
  /** Worker threads; 0 runs in this thread. Default: min(2, cores). */
  workers?: number;
  seed?: number;
  /** Observations per second of sim time; must divide the 100 Hz control rate. */
  recordHz?: number;
  /** Depth camera settings (sim DepthCameraConfig); default DEFAULT_AUGMENT_CAMERA. */
  camera?: Record<string, unknown>;
  /** Per-object placement ranges (default: the task's). */
  ranges?: Record<string, PlacementRange>;
  /** Give up after this many candidates in this run (default 10 × episodes + 20). */
  maxTries?: number;
  /** Once the dataset is open: episodes already there, and how many this run will add. */
  onStart?: (s: { resumedFrom: number; toAdd: number }) => void;
  /** After each candidate is settled, in candidate order. */
  onCandidate?: (p: AugmentProgress) => void;
  /** Test hook: called before each stage of every append (see DatasetWriter). */
  onCommitStage?: (stage: CommitStage, episode: number) => void;
}

export interface AugmentProgress {
  candidate: number;
  kept: boolean;
  failure?: { kind: FailureKind; reason: string };
  /** Totals for this run. */
  tried: number;
  added: number;
  /** Episodes in the dataset now. */
  episodes: number;
}

export interface AugmentSummary {
  out: string;
  task: string;
  seed: number;
  workers: number;
  /** Episodes in the dataset at the end, and at the start of this run. */
  episodes: number;
  resumed_from: number;
  /** This run: candidates tried, episodes kept, and their ratio. */
  tried: number;
  kept: number;
  kept_ratio: number;
  failures: Record<FailureKind, number>;
  /** A few failure reasons, for diagnosis. */
  failure_examples: string[];
  frames: number;
  wall_s: number;
  demos_per_s: number;
  /** Set when the run stopped at maxTries before reaching the target. */
  gave_up?: string;
}

export async function augment(options: AugmentOptions): Promise<AugmentSummary> {
  const t0 = performance.now();
  const task = typeof options.task === 'string' ? getTask(options.task) : options.task;
  const program = parseWith(ProgramSchema, options.program, 'program');
  if (program.task !== undefined && program.task !== task.name) throw new YotoError(`program is for task "${program.task}", not "${task.name}"`, 'program');
  const scene = options.scene ?? nominalScene(task);
  validateScene(task, scene, 'demonstration scene');
  // Fails here, once, for a keypose tied to an object the task does not have.
  transformProgram(program, scene, scene);
  if (!Number.isInteger(options.episodes) || options.episodes < 0) throw new YotoError(`must be a whole number ≥ 0, got ${options.episodes}`, 'episodes');
  const recordHz = options.recordHz ?? DEFAULT_RECORD_HZ;
  const every = CONTROL_HZ / recordHz;
  if (!Number.isInteger(every) || every < 1) throw new YotoError(`must divide the ${CONTROL_HZ} Hz control rate (e.g. 10, 20, 50), got ${recordHz}`, 'record rate');
  const camera: DepthCameraConfig = parseWith(DepthCameraConfigSchema, options.camera ?? DEFAULT_AUGMENT_CAMERA, 'camera config');
  const ranges = placementRanges(task, options.ranges);
  const seed = options.seed ?? 0;
  const workers = options.workers ?? Math.min(2, availableParallelism());
  if (!Number.isInteger(workers) || workers < 0) throw new YotoError(`must be a whole number ≥ 0, got ${workers}`, 'workers');
  if (workers > 0 && typeof options.task !== 'string' && getTask(task.name) !== task)
    throw new YotoError(`task "${task.name}" is not a registered task; workers can only run registered tasks (use workers: 0)`, 'task');
  const attrs: DatasetAttrs = {
    format: DATASET_FORMAT,
    version: DATASET_VERSION,
    task: task.name,
    program,
    scene,
    seed,
    record_hz: recordHz,
    control_hz: CONTROL_HZ,
    camera: camera as unknown as Record<string, unknown>,
    ranges,
    arms: ['left', 'right'],
    objects: task.objects.map((o) => o.name),
    points: camera.points,
  };
  const writer = await DatasetWriter.openOrCreate(options.out, attrs);
  const resumedFrom = writer.episodes;
  const target = options.episodes - resumedFrom;
  options.onStart?.({ resumedFrom, toAdd: Math.max(0, target) });
  const maxTries = options.maxTries ?? 10 * Math.max(0, target) + 20;
  const failures: Record<FailureKind, number> = { 'off-table': 0, unreachable: 0, execution: 0, 'task-failed': 0 };
  const examples: string[] = [];
  let tried = 0;
  let added = 0;
  let gaveUp: string | undefined;

  if (target > 0) {
    const ctx: CandidateContext = { task: task.name, program, scene, seed, every, camera, ranges };
    const runner: CandidateRunner = workers === 0 ? new InlineRunner(ctx, task) : new WorkerPool(ctx, workers);
    const first = writer.lastCandidate + 1;
    const waiting = new Map<number, CandidateResult>();
    let nextStart = first;
    let nextWrite = first;
    let inFlight = 0;
    try {
      for (;;) {
        const waitingOk = [...waiting.values()].filter((r) => r.ok).length;
        // Start only what could still be needed: no speculative work past the target.
        // A program that fails its first HOPELESS candidates is not worth more simulation. The
        // cut-offs go by candidate index, never by timing, so any worker count stops at the same place.
        const limit = first + (added + waitingOk > 0 ? maxTries : Math.min(maxTries, HOPELESS));
        while (runner.idle > 0 && added + waitingOk + inFlight < target && nextStart < limit) {
          runner.start(nextStart++);
          inFlight++;
        }
        if (inFlight === 0) break;
        const r = await runner.next();
        inFlight--;
        waiting.set(r.k, r);
        // Settle finished candidates in order.
        while (waiting.has(nextWrite) && added < target) {
          const c = waiting.get(nextWrite)!;
          waiting.delete(nextWrite);
          tried++;
          if (c.ok) {
            await writer.append(c.rows, c.k, options.onCommitStage);
            added++;
          } else {
            failures[c.kind]++;
            if (examples.length < 5) examples.push(`candidate ${c.k}: ${c.reason}`);
          }
          options.onCandidate?.({ candidate: c.k, kept: c.ok, failure: c.ok ? undefined : { kind: c.kind, reason: c.reason }, tried, added, episodes: writer.episodes });
          nextWrite++;
        }
        if (added >= target) break;
      }
    } finally {
      await runner.close();
    }
    if (added < target)
      gaveUp = added === 0 && tried < maxTries ? `no success in the first ${tried} candidates` : `kept ${added} of ${target} after ${tried} candidates (maxTries ${maxTries})`;
  }
  const wall = (performance.now() - t0) / 1000;
  return {
    out: options.out,
    task: task.name,
    seed,
    workers,
    episodes: writer.episodes,
    resumed_from: resumedFrom,
    tried,
    kept: added,
    kept_ratio: tried ? added / tried : 0,
    failures,
    failure_examples: examples,
    frames: writer.frames,
    wall_s: wall,
    demos_per_s: added / wall,
    ...(gaveUp ? { gave_up: gaveUp } : {}),
  };
}
