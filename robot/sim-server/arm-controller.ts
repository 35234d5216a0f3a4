/**
 * One simulated arm's joint trajectory controller: the trajectory follower giving the servo
 * targets, plus the goal (a FollowJointTrajectory action goal, from either dialect) that the
 * running trajectory belongs to, which succeeds when the last point's time is reached and is
 * preempted when anything else takes the arm (a new trajectory, a hold, a cancel, a reset, the
 * e-stop).
 */
import type { ArmName } from '../../core/program.ts';
import { TrajectoryFollower, type TrajectoryKnot } from './trajectory-follower.ts';

export interface TrajectoryGoal {
  /** The goal's id (ROS 1 actionlib goal_id.id, or the rosbridge op's id on ROS 2). */
  readonly id: string;
  succeed(): void;
  preempt(reason: string): void;
  feedback?(desired: number[], actual: number[]): void;
}

export class ArmController {
  private follower: TrajectoryFollower;
  private goal?: TrajectoryGoal;

  constructor(
    readonly arm: ArmName,
    q: readonly number[],
  ) {
    this.follower = new TrajectoryFollower(q);
  }

  /** Run `knots` from `now`, starting at the current target; `goal` is told how it ends. */
  follow(now: number, knots: readonly TrajectoryKnot[], goal?: TrajectoryGoal): void {
    this.preempt('replaced by a newer trajectory');
    this.follower.follow(now, knots);
    this.goal = goal;
  }

  /** Stop where the arm is (`q`, measured). */
  hold(now: number, q: readonly number[], reason: string): void {
    this.preempt(reason);
    this.follower.hold(now, q);
  }

  /** Cancel goal `id` ('' = whichever is running): hold at `q`. True if a goal was cancelled. */
  cancel(now: number, id: string, q: readonly number[]): boolean {
    if (!this.goal || (id !== '' && id !== this.goal.id)) return false;
    this.hold(now, q, 'cancelled');
    return true;
  }

  /** Start over at `q` (after a reset), ending any goal. */
  reset(now: number, q: readonly number[]): void {
    this.hold(now, q, 'the simulation was reset');
  }

  get activeGoal(): TrajectoryGoal | undefined {
    return this.goal;
  }

  /** The servo target at `now`. */
  target(now: number): number[] {
    return this.follower.target(now);
  }

  /** Once per tick: a goal whose trajectory has ended succeeds. */
  update(now: number): void {
    if (this.goal && this.follower.finished(now)) {
      const g = this.goal;
      this.goal = undefined;
      g.succeed();
    }
  }

  feedback(now: number, actual: number[]): void {
    this.goal?.feedback?.(this.target(now), actual);
  }

  private preempt(reason: string): void {
    const g = this.goal;
    this.goal = undefined;
    g?.preempt(reason);
  }
}
