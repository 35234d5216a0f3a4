/**
 * The safety layer: every command is checked here before anything is published, and an
 * observation is checked before anything is computed from it. A failed check is a
 * SafetyViolation; the deploy loop holds the arms and ends with its one-line message.
 */
import type { Pose, Vec3 } from '../core/geometry.ts';
import { ARMS, type ArmName } from '../core/program.ts';
import type { RobotConfig } from './config.ts';
import type { BimanualCommand, RobotObservation } from './robot.ts';

export type ViolationKind = 'not-finite' | 'position-limit' | 'velocity-limit' | 'workspace' | 'stale' | 'e-stop';

export class SafetyViolation extends Error {
  constructor(
    readonly kind: ViolationKind,
    message: string,
  ) {
    super(message);
    this.name = 'SafetyViolation';
  }
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

/** Age (ms) of the older of the two arms' readings. */
export function observationAge(obs: RobotObservation, now: number): number {
  return now - Math.min(obs.arms.left.receivedAt, obs.arms.right.receivedAt);
}

export function insideBox(p: Vec3, box: { min: Vec3; max: Vec3 }): boolean {
  return p.every((v, i) => v >= box.min[i] && v <= box.max[i]);
}

export class SafetyLayer {
  constructor(private readonly cfg: RobotConfig) {}

  get maxAgeMs(): number {
    return this.cfg.safety.max_observation_age_ms;
  }

  /** Fresh, finite, and inside the configured joint limits (a robot outside them is not moved). */
  checkObservation(obs: RobotObservation, now: number): void {
    const age = observationAge(obs, now);
    if (age > this.maxAgeMs) throw new SafetyViolation('stale', `joint states are ${age.toFixed(0)} ms old (limit ${this.maxAgeMs} ms)`);
    for (const a of ARMS) {
      const r = obs.arms[a];
      if (!r.q.every(Number.isFinite) || !Number.isFinite(r.gripper)) throw new SafetyViolation('not-finite', `${a} arm reports a non-finite joint position`);
      this.checkLimits(a, r.q, 'is at');
    }
  }

  private checkLimits(a: ArmName, q: readonly number[], verb: string): void {
    const arm = this.cfg.arms[a];
    q.forEach((v, i) => {
      const [lo, hi] = arm.position_limits[i];
      if (v < lo || v > hi) throw new SafetyViolation('position-limit', `${a} ${arm.joints[i]} ${verb} ${fmt(v)} rad, outside its limits [${lo}, ${hi}]`);
    });
  }

  /**
   * A command is sent only if every number is finite, every joint stays within its limits, no joint
   * would have to move faster than its limit from where it was last seen, and each TCP (FK of the
   * commanded joints) stays inside the workspace box.
   */
  checkCommand(cmd: BimanualCommand, from: Record<ArmName, readonly number[]>, fk: (a: ArmName, q: readonly number[]) => Pose): void {
    for (const a of ARMS) {
      const c = cmd[a];
      const arm = this.cfg.arms[a];
      if (!c.q.every(Number.isFinite) || !Number.isFinite(c.gripper) || !Number.isFinite(c.duration)) {
        throw new SafetyViolation('not-finite', `${a} arm command is not finite (q = [${c.q.map(fmt).join(', ')}], gripper ${fmt(c.gripper)})`);
      }
      if (c.q.length !== arm.joints.length) throw new SafetyViolation('not-finite', `${a} arm command has ${c.q.length} joints, the arm ${arm.joints.length}`);
      if (c.gripper < 0 || c.gripper > 1) throw new SafetyViolation('position-limit', `${a} gripper command ${fmt(c.gripper)} is outside [0, 1]`);
      this.checkLimits(a, c.q, 'would go to');
      const dt = Math.max(c.duration, 1e-3);
      c.q.forEach((v, i) => {
        const speed = Math.abs(v - from[a][i]) / dt;
        const limit = arm.velocity_limits[i];
        if (speed > limit) throw new SafetyViolation('velocity-limit', `${a} ${arm.joints[i]} would move at ${speed.toFixed(2)} rad/s, over its limit ${limit} rad/s`);
      });
      const p = fk(a, c.q).position;
      if (!insideBox(p, this.cfg.workspace)) {
        throw new SafetyViolation('workspace', `${a} TCP would leave the workspace box at (${p.map(fmt).join(', ')}) m`);
      }
    }
  }
}
