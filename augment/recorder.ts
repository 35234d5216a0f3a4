/**
 * Records one episode while it runs: every `every`-th control period an observation (point cloud,
 * joint angles, TCP poses, gripper openings), paired with the action the controller issues in the
 * next control period (commanded TCP poses and gripper openings); plus, per arm, the frame at
 * which each keypose was reached (arrived, before the gripper acts).
 */
import type { Quat } from '../core/geometry.ts';
import { ARMS, type ArmName } from '../core/program.ts';
import type { DepthCamera, ProgramExecutor, World } from '../sim/index.ts';

export interface RecordedEpisode {
  frames: number;
  pointCloud: Float32Array;
  jointPos: Float32Array;
  tcpPose: Float32Array;
  gripper: Float32Array;
  actionTcpPose: Float32Array;
  actionGripper: Float32Array;
  keyposeIndex: Int16Array;
  timestamp: Float32Array;
  /** Per arm, the frame each keypose was reached, −1 if never. */
  keyframes: Record<ArmName, Int32Array>;
}

export interface RecorderOptions {
  /** Record every this many control periods. */
  every: number;
  points: number;
  /** Upper bound on frames (from the task's time limit). */
  maxFrames: number;
  keyposes: Record<ArmName, number>;
  /** Seed of the first frame's camera noise and sampling; frame f uses seed + f. */
  seed: number;
}

/** Phases in which an arm has not yet arrived at its current keypose. */
const EN_ROUTE = new Set(['moving', 'arriving']);

export class EpisodeRecorder {
  private tick = 0;
  private n = 0;
  private pending = false;
  private readonly next: Record<ArmName, number> = { left: 0, right: 0 };
  private readonly reachedTick: Record<ArmName, number[]>;
  private readonly prevQ: Record<ArmName, Quat | undefined> = { left: undefined, right: undefined };
  private readonly buf;

  constructor(
    private readonly camera: DepthCamera,
    private readonly opt: RecorderOptions,
  ) {
    const F = opt.maxFrames;
    this.buf = {
      pointCloud: new Float32Array(F * opt.points * 3),
      jointPos: new Float32Array(F * 12),
      tcpPose: new Float32Array(F * 14),
      gripper: new Float32Array(F * 2),
      actionTcpPose: new Float32Array(F * 14),
      actionGripper: new Float32Array(F * 2),
      keyposeIndex: new Int16Array(F * 2),
      timestamp: new Float32Array(F),
    };
    this.reachedTick = { left: new Array(opt.keyposes.left).fill(-1), right: new Array(opt.keyposes.right).fill(-1) };
  }

  /** Pass as runEpisode's onControl: called after each control period's physics steps. */
  onControl(world: World, exec: ProgramExecutor): void {
    this.tick++;
    if (this.pending) this.writeAction(exec);
    for (const a of ARMS) {
      const r = exec.runners[a];
      const K = this.opt.keyposes[a];
      while (this.next[a] < K && (r.index > this.next[a] || (r.index === this.next[a] && !EN_ROUTE.has(r.phase)))) this.reachedTick[a][this.next[a]++] = this.tick;
    }
    if ((this.tick - 1) % this.opt.every === 0 && this.n < this.opt.maxFrames) this.observe(world, exec);
  }

  private observe(world: World, exec: ProgramExecutor): void {
    const f = this.n;
    const b = this.buf;
    const cloud = this.camera.capture(world.data, { seed: (this.opt.seed + f) | 0 });
    const P = this.opt.points;
    for (let i = 0; i < 3 * P; i++) b.pointCloud[f * 3 * P + i] = cloud.points[i];
    const progress = exec.progress();
    ARMS.forEach((a, j) => {
      world.armQ(a).forEach((q, i) => (b.jointPos[f * 12 + j * 6 + i] = q));
      const pose = world.tcpPose(a);
      const q = sameHemisphere(pose.quaternion, this.prevQ[a]);
      this.prevQ[a] = q;
      b.tcpPose.set([...pose.position, ...q], f * 14 + j * 7);
      b.gripper[f * 2 + j] = world.gripperOpening(a);
      b.keyposeIndex[f * 2 + j] = Math.max(0, Math.min(progress[a], this.opt.keyposes[a]));
    });
    b.timestamp[f] = world.time;
    this.n++;
    this.pending = true;
  }

  /** The command issued in the control period after the last observation. */
  private writeAction(exec: ProgramExecutor): void {
    const f = this.n - 1;
    const b = this.buf;
    ARMS.forEach((a, j) => {
      const r = exec.runners[a];
      const cmd = r.commandedPose();
      const q = sameHemisphere(cmd.quaternion, this.prevQ[a]);
      b.actionTcpPose.set([...cmd.position, ...q], f * 14 + j * 7);
      b.actionGripper[f * 2 + j] = r.gripperCmd;
    });
    this.pending = false;
  }

  /** The recorded episode (call once the episode has ended). */
  finish(exec: ProgramExecutor): RecordedEpisode {
    if (this.pending) this.writeAction(exec); // the last observation: the command stays as it was
    const T = this.n;
    const b = this.buf;
    const P = this.opt.points;
    const frameOf = (tick: number) => (tick < 0 ? -1 : Math.min(T - 1, Math.ceil((tick - 1) / this.opt.every)));
    return {
      frames: T,
      pointCloud: b.pointCloud.slice(0, T * P * 3),
      jointPos: b.jointPos.slice(0, T * 12),
      tcpPose: b.tcpPose.slice(0, T * 14),
      gripper: b.gripper.slice(0, T * 2),
      actionTcpPose: b.actionTcpPose.slice(0, T * 14),
      actionGripper: b.actionGripper.slice(0, T * 2),
      keyposeIndex: b.keyposeIndex.slice(0, T * 2),
      timestamp: b.timestamp.slice(0, T),
      keyframes: { left: Int32Array.from(this.reachedTick.left, frameOf), right: Int32Array.from(this.reachedTick.right, frameOf) },
    };
  }
}

/** q or −q (the same rotation), whichever is nearer `ref`, so recorded quaternions do not flip sign. */
function sameHemisphere(q: Quat, ref: Quat | undefined): Quat {
  if (!ref) return q[3] < 0 ? [-q[0], -q[1], -q[2], -q[3]] : q;
  const d = q[0] * ref[0] + q[1] * ref[1] + q[2] * ref[2] + q[3] * ref[3];
  return d < 0 ? [-q[0], -q[1], -q[2], -q[3]] : q;
}
