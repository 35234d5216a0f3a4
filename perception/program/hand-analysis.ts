/**
 * What extraction found for one hand (extract-program.ts builds it, sync-labels.ts labels its
 * keyposes): its own file so that the two need not import each other.
 */
import type { Pose, Quat } from '../../core/geometry.ts';
import type { HandSide } from '../../core/hands.ts';
import type { ArmName, Keypose } from '../../core/program.ts';
import type { ApertureChange } from './gripper-state.ts';
import type { Keyframe } from './keyframes.ts';

export interface HandAnalysis {
  hand: HandSide;
  arm: ArmName;
  poses: (Pose | null)[];
  aperture: number[];
  changes: ApertureChange[];
  /** `opening`: for a release, the commanded opening after it (the widest the hand opened to, as a fraction). */
  /**
   * For a grasp, `centring`: the shift (m) along the gripper's closing axis that centres the
   * object between the fingers; `alignment`: the turn (in the gripper frame) that makes the
   * measured grasp face-on to the box grasped. Both apply to every keypose while the object is held.
   */
  events: { kind: 'grasp' | 'release'; frame: number; object?: string; opening?: number; centring?: number; alignment?: Quat }[];
  keyframes: Keyframe[];
  keyposes: (Keypose & { frame: number; reason: string })[];
  /** Rest intervals [start, end] (frames). */
  stops: { start: number; end: number }[];
}
