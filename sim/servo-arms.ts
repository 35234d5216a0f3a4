/**
 * What a controller (the program executor, the chunk follower) needs of the two arms: their TCP
 * poses, the joint targets last sent, a way to send new ones, and each arm's IK. The simulated
 * World is one; robot/'s kinematic twin of a real robot (observed joints, captured commands) is
 * another, so the same executor drives both.
 */
import type { Pose } from '../core/geometry.ts';
import type { ArmName } from '../core/program.ts';
import type { ArmIk } from './ik.ts';

export interface ServoArms {
  readonly arms: Record<ArmName, { readonly ik: ArmIk }>;
  /** Measured TCP pose in `world`. */
  tcpPose(a: ArmName): Pose;
  /** Joint targets last commanded (the executor warm-starts IK from them). */
  armCtrl(a: ArmName): number[];
  setArmCtrl(a: ArmName, q: readonly number[]): void;
  /** 1 = fully open, 0 = closed. */
  setGripperCtrl(a: ArmName, g: number): void;
}
