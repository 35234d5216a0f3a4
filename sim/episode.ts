/**
 * One episode: a task at a placement, a program executed on the workcell, the task's success
 * condition monitored at the control rate. Returns what happened; never throws for a program that
 * merely fails the task.
 */
import type { Program } from '../core/program.ts';
import type { Scene } from '../core/scene.ts';
import { DEFAULT_EXECUTOR, ProgramExecutor, type ExecutionFailure, type ExecutorOptions } from './executor.ts';
import type { Task } from './tasks/task.ts';
import { World } from './world.ts';

export interface EpisodeResult {
  task: string;
  success: boolean;
  /** Sim time (s) when the success condition had held for the task's hold time. */
  successTime?: number;
  /** Did both arms finish their programs? */
  completed: boolean;
  failure?: ExecutionFailure;
  simTime: number;
  steps: number;
  wallMs: number;
  stateHash: string;
}

export interface EpisodeOptions {
  executor?: Partial<ExecutorOptions>;
  /** Called after every control period (e.g. to record observations or render frames). */
  onControl?: (world: World, executor: ProgramExecutor) => void;
  /** Settling time (s) after the program ends, before the final verdict. */
  settle?: number;
  /** Reuse an existing world (reset first); otherwise one is built and disposed. */
  world?: World;
}

export async function runEpisode(task: Task, scene: Scene, program: Program, options: EpisodeOptions = {}): Promise<EpisodeResult> {
  const t0 = performance.now();
  const world = options.world ?? (await World.create(task, scene));
  if (options.world) world.reset();
  try {
    const opt = { ...DEFAULT_EXECUTOR, ...options.executor };
    const substeps = Math.max(1, Math.round(opt.controlDt / world.timestep));
    const exec = new ProgramExecutor(world, program, opt);
    const settle = options.settle ?? task.holdTime + 0.3;
    let heldSince: number | undefined;
    let successTime: number | undefined;
    let steps = 0;
    let doneAt: number | undefined;
    while (world.time < task.maxDuration) {
      exec.control();
      world.step(substeps);
      steps += substeps;
      options.onControl?.(world, exec);
      if (task.check(world)) {
        heldSince ??= world.time;
        if (successTime === undefined && world.time - heldSince >= task.holdTime - 1e-9) successTime = world.time;
      } else heldSince = undefined;
      if (exec.done) {
        doneAt ??= world.time;
        if (exec.failure || world.time - doneAt >= settle) break;
      }
    }
    return {
      task: task.name,
      success: successTime !== undefined,
      successTime,
      completed: exec.done && !exec.failure,
      failure: exec.failure,
      simTime: world.time,
      steps,
      wallMs: performance.now() - t0,
      stateHash: world.stateHash(),
    };
  } finally {
    if (!options.world) world.dispose();
  }
}
