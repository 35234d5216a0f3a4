/**
 * One augmentation candidate: a placement sampled around the demonstration, the program moved
 * with the objects, a reachability check, then the episode in the simulator with recording. Only
 * a successful episode yields rows for the dataset. Runs the same in a worker or in-process.
 */
import { isYotoError } from '../core/errors.ts';
import type { Program } from '../core/program.ts';
import type { Scene } from '../core/scene.ts';
import { DepthCamera, World, checkReachability, getTask, runEpisode, samplePlacement, validateScene, type DepthCameraConfig, type PlacementRange, type Task } from '../sim/index.ts';
import type { EpisodeRows } from './dataset-writer.ts';
import { EpisodeRecorder } from './recorder.ts';
import { transformProgram } from './transform.ts';

/** Everything a worker needs to run any candidate of a run (structured-clone safe). */
export interface CandidateContext {
  task: string;
  program: Program;
  /** The demonstration's placement. */
  scene: Scene;
  seed: number;
  /** Record every this many control periods. */
  every: number;
  camera: DepthCameraConfig;
  ranges: Record<string, PlacementRange>;
}

export type FailureKind = 'off-table' | 'unreachable' | 'execution' | 'task-failed';

export type CandidateResult =
  | { k: number; ok: true; rows: EpisodeRows; simTime: number }
  | { k: number; ok: false; kind: FailureKind; reason: string; simTime: number };

/**
 * Per-candidate seed: a hash of the run seed and the candidate index (not seed + k, so augmented
 * placements do not coincide with `yoto sim run` evaluation seeds). Candidate k of a run gets its
 * own seed, so a candidate's placement does not depend on which worker runs it.
 */
export function candidateSeed(seed: number, k: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  h = (h ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/** The placement and transformed program of candidate k (no simulation). */
export function candidatePlan(ctx: CandidateContext, k: number, task: Task = getTask(ctx.task)): { scene: Scene; program: Program; seed: number } {
  const seed = candidateSeed(ctx.seed, k);
  const scene = samplePlacement(task, ctx.scene, seed, ctx.ranges);
  return { scene, program: transformProgram(ctx.program, ctx.scene, scene), seed };
}

/** Run candidate k. `task` defaults to the registered task named in ctx (a worker's only option). */
export async function runCandidate(ctx: CandidateContext, k: number, task: Task = getTask(ctx.task)): Promise<CandidateResult> {
  const { scene, program, seed } = candidatePlan(ctx, k, task);
  try {
    validateScene(task, scene, `candidate ${k}`);
  } catch (e) {
    if (isYotoError(e)) return { k, ok: false, kind: 'off-table', reason: e.message, simTime: 0 };
    throw e;
  }
  const world = await World.create(task, scene);
  try {
    try {
      checkReachability(world, program, `candidate ${k}`);
    } catch (e) {
      if (isYotoError(e)) return { k, ok: false, kind: 'unreachable', reason: e.message, simTime: 0 };
      throw e;
    }
    const camera = new DepthCamera(world.mj, world.model, ctx.camera);
    const controlDt = 0.01;
    const recorder = new EpisodeRecorder(camera, {
      every: ctx.every,
      points: ctx.camera.points,
      maxFrames: Math.ceil(task.maxDuration / (controlDt * ctx.every)) + 2,
      keyposes: { left: program.arms.left.length, right: program.arms.right.length },
      seed,
    });
    let exec: Parameters<EpisodeRecorder['onControl']>[1] | undefined;
    const r = await runEpisode(task, scene, program, {
      world,
      executor: { controlDt },
      onControl: (w, ex) => {
        exec = ex;
        recorder.onControl(w, ex);
      },
    });
    if (!r.success) {
      const reason = r.failure ? `arm ${r.failure.arm} keypose ${r.failure.keypose}: ${r.failure.reason}` : r.completed ? 'program completed but the task was not achieved' : 'time limit reached';
      return { k, ok: false, kind: r.failure ? 'execution' : 'task-failed', reason, simTime: r.simTime };
    }
    const ep = recorder.finish(exec!);
    const keyposeRows = (arm: 'left' | 'right') => Float64Array.from(program.arms[arm].flatMap((kp) => [...kp.position, ...kp.quaternion, kp.gripper]));
    const rows: EpisodeRows = {
      frames: ep.frames,
      data: {
        'data/point_cloud': ep.pointCloud,
        'data/joint_pos': ep.jointPos,
        'data/tcp_pose': ep.tcpPose,
        'data/gripper': ep.gripper,
        'data/action_tcp_pose': ep.actionTcpPose,
        'data/action_gripper': ep.actionGripper,
        'data/keypose_index': ep.keyposeIndex,
        'data/timestamp': ep.timestamp,
      },
      meta: {
        'meta/keyframes_left': ep.keyframes.left,
        'meta/keyframes_right': ep.keyframes.right,
        'meta/keyposes_left': keyposeRows('left'),
        'meta/keyposes_right': keyposeRows('right'),
        'meta/placement': Float64Array.from(task.objects.flatMap((o) => [...scene.objects[o.name].position, scene.objects[o.name].yaw])),
        'meta/candidate': Int32Array.of(k),
      },
    };
    return { k, ok: true, rows, simTime: r.simTime };
  } finally {
    world.dispose();
  }
}

/** The ArrayBuffers of a result, to transfer rather than copy between threads. */
export function transferables(r: CandidateResult): ArrayBuffer[] {
  if (!r.ok) return [];
  return [...Object.values(r.rows.data), ...Object.values(r.rows.meta)].map((c) => c.buffer as ArrayBuffer);
}

