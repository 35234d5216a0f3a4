/**
 * Runs a keypose program on the workcell. Each arm moves between its keyposes in Cartesian space
 * (position linear, orientation slerp, a smooth speed-limited time profile), solving IK at the
 * control rate and sending joint targets to the servos; at each keypose it waits to arrive, then
 * opens/closes its gripper and lets it settle; at sync labels the arms wait for each other.
 * Objects are held by finger friction only.
 */
import { YotoError } from '../core/errors.ts';
import type { Pose, Quat } from '../core/geometry.ts';
import { dist, lerp, quatAngle, quatMul, quatSlerp } from '../core/geometry.ts';
import { ARMS, type ArmName, type Keypose, type Program } from '../core/program.ts';
import type { ServoArms } from './servo-arms.ts';
import { SERVO_IK } from './ik.ts';

export interface ExecutorOptions {
  /** Control period (s): IK and servo targets are updated at this rate. */
  controlDt: number;
  /** Default Cartesian speed limit (m/s) when a keypose gives none. */
  maxSpeed: number;
  /** Orientation speed limit (rad/s). */
  maxAngularSpeed: number;
  /** Time (s) the fingers get to open or close. */
  gripperSettle: number;
  /** A keypose counts as reached when the TCP is this close (m)… */
  arrivalTol: number;
  /** …or after this long (s) holding the target. */
  arrivalTimeout: number;
}

export const DEFAULT_EXECUTOR: ExecutorOptions = {
  controlDt: 0.01,
  maxSpeed: 0.3,
  maxAngularSpeed: 1.5,
  gripperSettle: 0.5,
  arrivalTol: 0.003,
  arrivalTimeout: 1.0,
};

/** Half a turn about the gripper's approach axis: a parallel gripper looks the same after it. */
const HALF_TURN_Z: Quat = [0, 0, 1, 0];

/** Of the two equivalent gripper orientations, the one closer to `from` (smaller wrist turn). */
export function nearestGripperOrientation(from: Quat, to: Quat): Quat {
  const flipped = quatMul(to, HALF_TURN_Z);
  return quatAngle(from, flipped) < quatAngle(from, to) ? flipped : to;
}

type Phase = 'moving' | 'arriving' | 'gripping' | 'holding' | 'syncing' | 'done';

export interface ExecutionFailure {
  arm: ArmName;
  keypose: number;
  reason: string;
}

class ArmRunner {
  index = -1;
  phase: Phase = 'syncing';
  from: Pose;
  to: Pose;
  duration = 0;
  t = 0;
  qCmd: number[];
  gripperCmd = 1;
  reachedSync = new Set<string>();
  /** Set when the straight Cartesian path left the workspace: finish the segment in joint space. */
  jointPath?: { from: number[]; to: number[]; t0: number };

  constructor(
    readonly arm: ArmName,
    readonly keyposes: Keypose[],
    readonly world: ServoArms,
    readonly opt: ExecutorOptions,
  ) {
    this.from = world.tcpPose(arm);
    this.to = this.from;
    this.qCmd = world.armCtrl(arm);
    this.gripperCmd = 1;
  }

  get keypose(): Keypose | undefined {
    return this.keyposes[this.index];
  }

  /** Start the motion towards keypose `index`. */
  begin(index: number): void {
    this.index = index;
    const k = this.keyposes[index];
    if (!k) {
      this.phase = 'done';
      return;
    }
    this.from = this.to;
    this.to = { position: k.position, quaternion: nearestGripperOrientation(this.from.quaternion, k.quaternion) };
    const d = dist(this.from.position, this.to.position);
    const a = quatAngle(this.from.quaternion, this.to.quaternion);
    const v = k.speed ?? this.opt.maxSpeed;
    // Minimum-jerk profile peaks at 1.875× the mean speed; scale so the peak respects the limit.
    this.duration = Math.max(1.875 * Math.max(d / v, a / this.opt.maxAngularSpeed), 0.05);
    this.t = 0;
    this.jointPath = undefined;
    this.phase = 'moving';
  }

  commandedPose(): Pose {
    if (this.phase !== 'moving') return this.to;
    const s = Math.min(1, this.t / this.duration);
    const h = s * s * s * (10 - 15 * s + 6 * s * s); // minimum jerk
    return { position: lerp(this.from.position, this.to.position, h), quaternion: quatSlerp(this.from.quaternion, this.to.quaternion, h) };
  }
}

export interface ExecutionState {
  done: boolean;
  failure?: ExecutionFailure;
}

/** Steps a program in lock-step with the simulation; call `control()` every `controlDt`. */
export class ProgramExecutor {
  readonly runners: Record<ArmName, ArmRunner>;
  failure?: ExecutionFailure;

  constructor(
    readonly world: ServoArms,
    readonly program: Program,
    readonly opt: ExecutorOptions = DEFAULT_EXECUTOR,
  ) {
    this.runners = {
      left: new ArmRunner('left', [...program.arms.left], world, opt),
      right: new ArmRunner('right', [...program.arms.right], world, opt),
    };
    for (const a of ARMS) this.runners[a].begin(0);
  }

  get done(): boolean {
    return this.failure !== undefined || ARMS.every((a) => this.runners[a].phase === 'done');
  }

  /**
   * Closed-loop re-planning: takes the keyposes each arm has not started moving to yet from
   * `program` (same keypose counts and sync labels); the segment under way is left alone.
   */
  replanRemaining(program: Program): void {
    for (const a of ARMS) {
      const r = this.runners[a];
      const next = program.arms[a];
      if (next.length !== r.keyposes.length) throw new YotoError(`re-planned program has ${next.length} ${a} keyposes, expected ${r.keyposes.length}`, 'replanRemaining');
      for (let i = Math.max(0, r.index + 1); i < next.length; i++) {
        if (next[i].sync !== r.keyposes[i].sync) throw new YotoError(`re-planned ${a} keypose ${i} changes its sync label`, 'replanRemaining');
        r.keyposes[i] = next[i];
      }
    }
  }

  /** Which keypose each arm is on (−1 before start, length when done). */
  progress(): Record<ArmName, number> {
    return { left: this.runners.left.index, right: this.runners.right.index };
  }

  /** Advance every arm's state machine by one control period and send servo targets. */
  control(): void {
    if (this.done) return;
    const dt = this.opt.controlDt;
    for (const a of ARMS) this.advance(this.runners[a], dt);
    for (const a of ARMS) {
      const r = this.runners[a];
      if (r.phase === 'done' || this.failure) continue;
      const target = r.commandedPose();
      let q: number[] | undefined;
      if (r.jointPath && r.phase === 'moving') {
        // Joint-space remainder of a segment whose straight line left the workspace.
        const { from, to, t0 } = r.jointPath;
        const s = Math.min(1, (r.t - t0) / Math.max(1e-6, r.duration - t0));
        const h = s * s * s * (10 - 15 * s + 6 * s * s);
        q = from.map((v, i) => v + (to[i] - v) * h);
      } else {
        const sol = this.world.arms[a].ik.solve(target, r.qCmd, SERVO_IK);
        if (sol.ok || (sol.posErr <= 0.005 && sol.rotErr <= 0.05)) q = sol.q;
        else if (r.phase === 'moving') {
          // The straight line passes outside the reachable space (joint limits): if the keypose
          // itself is reachable, get there in joint space instead.
          const end = this.world.arms[a].ik.solve(r.to, r.qCmd, { restarts: 8, restartSeed: r.index + 1 });
          if (end.ok) {
            r.jointPath = { from: r.qCmd, to: end.q, t0: r.t };
            q = r.qCmd;
          }
        }
        if (!q) {
          this.failure = { arm: a, keypose: r.index, reason: `IK cannot follow the path (error ${(sol.posErr * 100).toFixed(1)} cm, ${((sol.rotErr * 180) / Math.PI).toFixed(1)}°)` };
          return;
        }
      }
      r.qCmd = q;
      this.world.setArmCtrl(a, q);
      this.world.setGripperCtrl(a, r.gripperCmd);
    }
  }

  private advance(r: ArmRunner, dt: number): void {
    const k = r.keypose;
    if (!k || r.phase === 'done') return;
    r.t += dt;
    switch (r.phase) {
      case 'moving':
        if (r.t >= r.duration) {
          r.phase = 'arriving';
          r.t = 0;
        }
        return;
      case 'arriving': {
        const tcp = this.world.tcpPose(r.arm);
        const close = dist(tcp.position, r.to.position) < this.opt.arrivalTol && quatAngle(tcp.quaternion, r.to.quaternion) < 0.03;
        if (close || r.t >= this.opt.arrivalTimeout) {
          r.t = 0;
          if (Math.abs(k.gripper - r.gripperCmd) > 1e-6) {
            r.gripperCmd = k.gripper;
            r.phase = 'gripping';
          } else r.phase = 'holding';
        }
        return;
      }
      case 'gripping':
        if (r.t >= this.opt.gripperSettle) {
          r.t = 0;
          r.phase = 'holding';
        }
        return;
      case 'holding':
        if (r.t >= (k.hold ?? 0)) {
          r.t = 0;
          r.phase = 'syncing';
          if (k.sync) r.reachedSync.add(k.sync);
        }
        return;
      case 'syncing': {
        const other = this.runners[r.arm === 'left' ? 'right' : 'left'];
        if (!k.sync || other.reachedSync.has(k.sync)) r.begin(r.index + 1);
        return;
      }
    }
  }
}

export interface UnreachableKeypose {
  arm: ArmName;
  index: number;
  name?: string;
  position: [number, number, number];
  posErr: number;
  rotErr: number;
  /** The closest pose IK did reach. */
  closest: Pose;
}

/** Every keypose IK cannot reach, each solved from the previous solution as the executor will. */
export function findUnreachable(world: ServoArms, program: Program): UnreachableKeypose[] {
  const out: UnreachableKeypose[] = [];
  for (const a of ARMS) {
    let q = world.armCtrl(a);
    let prev = world.tcpPose(a).quaternion;
    program.arms[a].forEach((k, i) => {
      const target: Pose = { position: k.position, quaternion: nearestGripperOrientation(prev, k.quaternion) };
      const r = world.arms[a].ik.solve(target, q, { restarts: 8, restartSeed: 7 + i });
      if (!r.ok) out.push({ arm: a, index: i, name: k.name, position: k.position, posErr: r.posErr, rotErr: r.rotErr, closest: world.arms[a].ik.fk(r.q) });
      q = r.q;
      prev = target.quaternion;
    });
  }
  return out;
}

export function describeUnreachable(u: UnreachableKeypose): string {
  const p = u.position.map((x) => x.toFixed(3)).join(', ');
  return `unreachable keypose ${u.name ? `"${u.name}" ` : ''}at (${p}) m: IK misses it by ${(u.posErr * 100).toFixed(1)} cm / ${((u.rotErr * 180) / Math.PI).toFixed(1)}°`;
}

/** Check before running that IK reaches every keypose; a YotoError names the first that it does not. */
export function checkReachability(world: ServoArms, program: Program, where = 'program'): void {
  const u = findUnreachable(world, program)[0];
  if (u) throw new YotoError(describeUnreachable(u), `${where}: arms.${u.arm}[${u.index}]`);
}
