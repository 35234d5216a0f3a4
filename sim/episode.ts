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
    const exec = new ProgramExecutor(world, program, opt);
    const onControl = options.onControl;
    const r = runControlled(task, world, exec, { controlDt: opt.controlDt, settle: options.settle, onControl: onControl && ((w) => onControl(w, exec)) });
    return { ...r, wallMs: performance.now() - t0 };
  } finally {
    if (!options.world) world.dispose();
  }
}

/** Anything that sends servo targets once per control period: a program executor, a policy's waypoint follower. */
export interface Controller {
  control(): void;
  /** Finished (or failed): the episode settles, then ends. */
  readonly done: boolean;
  readonly failure?: ExecutionFailure;
}

export interface ControlledOptions {
  controlDt: number;
  onControl?: (world: World) => void;
  /** Settling time (s) after the controller is done, before the final verdict. */
  settle?: number;
  /** End as soon as the success condition has held for the task's hold time. */
  stopOnSuccess?: boolean;
}

/** The episode loop on an existing world (not reset): control, physics, the task's check. */
export function runControlled(task: Task, world: World, controller: Controller, o: ControlledOptions): EpisodeResult {
  const t0 = performance.now();
  const substeps = Math.max(1, Math.round(o.controlDt / world.timestep));
  const settle = o.settle ?? task.holdTime + 0.3;
  let heldSince: number | undefined;
  let successTime: number | undefined;
  let steps = 0;
  let doneAt: number | undefined;
  while (world.time < task.maxDuration) {
    controller.control();
    world.step(substeps);
    steps += substeps;
    o.onControl?.(world);
    if (task.check(world)) {
      heldSince ??= world.time;
      if (successTime === undefined && world.time - heldSince >= task.holdTime - 1e-9) successTime = world.time;
    } else heldSince = undefined;
    if (successTime !== undefined && o.stopOnSuccess) break;
    if (controller.done) {
      doneAt ??= world.time;
      if (controller.failure || world.time - doneAt >= settle) break;
    }
  }
  return {
    task: task.name,
    success: successTime !== undefined,
    successTime,
    completed: controller.done && !controller.failure,
    failure: controller.failure,
    simTime: world.time,
    steps,
    wallMs: performance.now() - t0,
    stateHash: world.stateHash(),
  };
}
