/**
 * Runs a task's program in the simulator and records what a synthetic demonstration needs, at
 * the video frame rate: every geom's pose (for drawing the objects), both TCP poses and gripper
 * openings (which the hands follow), each arm's keypose progress, the task objects' poses, and a
 * copy of qpos (to replay a frame's kinematics later, e.g. for occlusion rays).
 */
import type { Pose } from '../core/geometry.ts';
import type { ArmName, Program } from '../core/program.ts';
import type { Scene } from '../core/scene.ts';
import { runEpisode, type EpisodeResult } from '../sim/episode.ts';
import { checkReachability } from '../sim/executor.ts';
import { captureFrame } from '../sim/render/render-frame.ts';
import type { Task } from '../sim/tasks/task.ts';
import type { World } from '../sim/world.ts';

export interface RecordedFrame {
  /** Sim time, seconds (the frame's timestamp is index / fps; this is the sim sample at or just after it). */
  t: number;
  poses: Float32Array;
  tcp: Record<ArmName, Pose>;
  opening: Record<ArmName, number>;
  /** Commanded gripper (1 open … 0 closed) per arm. */
  gripperCmd: Record<ArmName, number>;
  progress: Record<ArmName, number>;
  objects: Record<string, Pose>;
  qpos: Float64Array;
}

export interface Recording {
  fps: number;
  frames: RecordedFrame[];
  /** The episode's outcome; undefined when recording stopped (maxFrames) before the episode ended. */
  episode?: EpisodeResult;
  /** Per arm: starts[k] = sim time the arm began moving to keypose k (control-rate resolution). */
  starts: Record<ArmName, number[]>;
}

export interface RecordOptions {
  fps: number;
  /** Stop the episode after this many frames. */
  maxFrames?: number;
  programSource?: string;
}

function snapshot(world: World, t: number, progress: Record<ArmName, number>, gripperCmd: Record<ArmName, number>): RecordedFrame {
  const objects: Record<string, Pose> = {};
  for (const o of world.task.objects) objects[o.name] = world.bodyPose(o.name);
  return {
    t,
    poses: captureFrame(world.model, world.data, t).poses,
    tcp: { left: world.tcpPose('left'), right: world.tcpPose('right') },
    opening: { left: world.gripperOpening('left'), right: world.gripperOpening('right') },
    gripperCmd,
    progress,
    objects,
    qpos: Float64Array.from(world.data.qpos as Float64Array),
  };
}

/** Thrown from the control callback to end an episode early. */
class StopRecording extends Error {}

/** Run `program` on `world` (reset first) and sample it every 1/fps seconds from t = 0. */
export async function recordDemonstration(world: World, task: Task, scene: Scene, program: Program, opts: RecordOptions): Promise<Recording> {
  checkReachability(world, program, opts.programSource ?? 'program');
  world.reset();
  const frames: RecordedFrame[] = [snapshot(world, 0, { left: 0, right: 0 }, { left: 1, right: 1 })];
  const max = opts.maxFrames ?? Infinity;
  const starts: Record<ArmName, number[]> = { left: [0], right: [0] };
  let episode: EpisodeResult | undefined;
  try {
    episode = await runEpisode(task, scene, program, {
      world,
      onControl: (w, exec) => {
        const p = exec.progress();
        for (const a of ['left', 'right'] as const) while (starts[a].length <= p[a]) starts[a].push(w.time);
        if (w.time + 1e-9 >= frames.length / opts.fps) {
          const cmd = { left: exec.runners.left.gripperCmd, right: exec.runners.right.gripperCmd };
          frames.push(snapshot(w, w.time, exec.progress(), cmd));
          if (frames.length >= max) throw new StopRecording();
        }
      },
    });
  } catch (e) {
    if (!(e instanceof StopRecording)) throw e;
  }
  return { fps: opts.fps, frames: frames.slice(0, max), episode, starts };
}

/** Set a recorded frame's joint positions and recompute positions (for rays against that frame). */
export function replayKinematics(world: World, frame: RecordedFrame): void {
  (world.data.qpos as Float64Array).set(frame.qpos);
  world.mj.mj_kinematics(world.model, world.data);
}

