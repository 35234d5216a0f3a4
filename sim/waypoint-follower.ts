/**
 * Follows commanded TCP waypoints — a dense action chunk from a policy — on the workcell. Each
 * arm's waypoints are `1/hz` s apart, the first commanded at the moment the chunk arrives; between
 * them the target moves linearly (orientation by slerp), IK runs at the control rate and the
 * servos get the joint targets, the gripper takes the opening of the waypoint it is on. A new
 * chunk replaces the rest of the old one; past the last waypoint the arm holds it.
 */
import type { Pose } from '../core/geometry.ts';
import { lerp, quatSlerp } from '../core/geometry.ts';
import { ARMS, type ArmName } from '../core/program.ts';
import { DEFAULT_EXECUTOR, type ExecutionFailure } from './executor.ts';
import { SERVO_IK } from './ik.ts';
import type { ServoArms } from './servo-arms.ts';

export interface Waypoint {
  pose: Pose;
  gripper: number;
}

export interface FollowerOptions {
  /** Control period (s). */
  controlDt: number;
  /** Waypoints per second. */
  hz: number;
  /**
   * IK misses tolerated (m, rad): a waypoint just outside the reachable space gets the closest
   * joint solution, as a servo controller would; beyond these the follower gives up.
   */
  maxPosErr: number;
  maxRotErr: number;
}

export const DEFAULT_FOLLOWER: Omit<FollowerOptions, 'hz'> = { controlDt: DEFAULT_EXECUTOR.controlDt, maxPosErr: 0.05, maxRotErr: 0.3 };

export class WaypointFollower {
  failure?: ExecutionFailure;
  /** Chunks received so far. */
  chunks = 0;
  private chunk?: Record<ArmName, Waypoint[]>;
  private t = 0;
  private readonly qCmd: Record<ArmName, number[]>;

  constructor(
    readonly world: ServoArms,
    readonly opt: FollowerOptions,
  ) {
    this.qCmd = { left: world.armCtrl('left'), right: world.armCtrl('right') };
  }

  /** The follower never finishes by itself: the episode ends on success or at the time limit. */
  get done(): boolean {
    return this.failure !== undefined;
  }

  /** Waypoint intervals of the current chunk already commanded (0 right after setChunk). */
  get stepsExecuted(): number {
    return Math.floor(this.t * this.opt.hz + 1e-6);
  }

  setChunk(chunk: Record<ArmName, Waypoint[]>): void {
    for (const a of ARMS) if (chunk[a].length === 0) throw new Error(`WaypointFollower: empty ${a} chunk`);
    this.chunk = chunk;
    this.t = 0;
    this.chunks++;
  }

  /** The commanded TCP pose and opening of `arm` at the current time. */
  target(arm: ArmName): Waypoint | undefined {
    const w = this.chunk?.[arm];
    if (!w) return undefined;
    const u = this.t * this.opt.hz;
    const i = Math.min(w.length - 1, Math.floor(u + 1e-9));
    if (i === w.length - 1) return w[i];
    const s = Math.max(0, u - i);
    const a = w[i].pose;
    const b = w[i + 1].pose;
    return { pose: { position: lerp(a.position, b.position, s), quaternion: quatSlerp(a.quaternion, b.quaternion, s) }, gripper: w[i].gripper };
  }

  /** Send this control period's servo targets, then advance the clock by one period. */
  control(): void {
    if (this.done || !this.chunk) return;
    for (const a of ARMS) {
      const target = this.target(a);
      if (!target) continue;
      const sol = this.world.arms[a].ik.solve(target.pose, this.qCmd[a], SERVO_IK);
      if (!sol.ok && (sol.posErr > this.opt.maxPosErr || sol.rotErr > this.opt.maxRotErr)) {
        this.failure = { arm: a, keypose: -1, reason: `IK cannot reach the commanded pose (error ${(sol.posErr * 100).toFixed(1)} cm, ${((sol.rotErr * 180) / Math.PI).toFixed(1)}°)` };
        return;
      }
      this.qCmd[a] = sol.q;
      this.world.setArmCtrl(a, sol.q);
      this.world.setGripperCtrl(a, target.gripper);
    }
    this.t += this.opt.controlDt;
  }
}
