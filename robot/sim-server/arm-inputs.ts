/**
 * One simulated arm's command inputs on the bridge, as a ros_control arm presents them:
 * trajectory_msgs/JointTrajectory on `<controller>/command` (an empty one holds the arm where it
 * is), control_msgs/FollowJointTrajectory — ROS 1 actionlib topics `<action>/goal`, `/cancel`
 * (an empty id cancels all) and `/result`, or the ROS 2 action through rosbridge's action ops —
 * and the gripper's std_msgs/Float64 (metres per finger, clamped to 0 … FINGER_TRAVEL). A command
 * that fails the checks is refused with a status warning to its sender and moves nothing.
 */
import { YotoError } from '../../core/errors.ts';
import type { ArmName } from '../../core/program.ts';
import { FINGER_TRAVEL } from '../../sim/index.ts';
import type { BridgeServer } from '../rosbridge/bridge-server.ts';
import {
  FJT_ERROR,
  ROS1_GOAL_STATUS,
  ROS_TYPES,
  buildFollowJointTrajectoryActionResult,
  buildFollowJointTrajectoryFeedback,
  buildFollowJointTrajectoryResult,
  parseFloat64,
  parseFollowJointTrajectoryGoal,
  parseGoalId,
  parseJointTrajectory,
  ros1ActionTopics,
  type JointTrajectory,
  type RosDialect,
} from '../rosbridge/messages.ts';
import type { ArmController, TrajectoryGoal } from './arm-controller.ts';
import type { SimArmInterface } from './ros-interface.ts';
import { checkTrajectory } from './trajectory-check.ts';
import type { TrajectoryKnot } from './trajectory-follower.ts';

/** What the inputs need of the running simulation. */
export interface ArmPort {
  /** Sim time, s. */
  now(): number;
  /** Measured joint positions, arm order. */
  q(): number[];
  /** Gripper opening, 0 closed … 1 open. */
  setGripper(opening: number): void;
  /** Why commands are refused right now (the e-stop), if they are. */
  refusal(): string | undefined;
}

export function wireArmInputs(o: {
  bridge: BridgeServer;
  dialect: RosDialect;
  arm: ArmName;
  names: SimArmInterface;
  ranges: readonly (readonly [number, number])[];
  controller: ArmController;
  port: ArmPort;
}): void {
  const { bridge, dialect, arm, names, controller, port } = o;
  const joints = names.joints;
  const guard = (where: string) => {
    const why = port.refusal();
    if (why) throw new YotoError(`refused: ${why}`, where);
  };
  /** The knots of a non-empty trajectory, or undefined for an empty one (hold). */
  const knots = (t: JointTrajectory, where: string): TrajectoryKnot[] | undefined => {
    if (t.points.length === 0) return undefined;
    return checkTrajectory(t, joints, o.ranges, where);
  };

  // trajectory_msgs/JointTrajectory on <controller>/command
  bridge.subscribe(names.command, ROS_TYPES.JointTrajectory, (msg) => {
    const where = `${arm} arm trajectory on ${names.command}`;
    guard(where);
    const k = knots(parseJointTrajectory(msg), where);
    if (k) controller.follow(port.now(), k);
    else controller.hold(port.now(), port.q(), 'an empty trajectory');
  });

  if (dialect === 'ros1') {
    const topics = ros1ActionTopics(names.action);
    const result = bridge.advertise(topics.result, ROS_TYPES.FollowJointTrajectoryActionResult);
    let seq = 0;
    const publishResult = (goalId: string, status: number, code: number, text: string) =>
      result.publish(
        buildFollowJointTrajectoryActionResult({ goalId, status, text, result: buildFollowJointTrajectoryResult(code, text), stamp: Date.now() / 1000, seq: seq++ }),
      );
    let anon = 0;
    bridge.subscribe(topics.goal, ROS_TYPES.FollowJointTrajectoryActionGoal, (msg) => {
      const where = `${arm} arm goal on ${topics.goal}`;
      const g = parseFollowJointTrajectoryGoal(msg);
      const id = g.goalId || `${arm}-goal-${++anon}`;
      let k: TrajectoryKnot[] | undefined;
      try {
        guard(where);
        k = knots(g.trajectory, where);
      } catch (e) {
        const text = (e as Error).message;
        publishResult(id, ROS1_GOAL_STATUS.REJECTED, /joint/.test(text) ? FJT_ERROR.INVALID_JOINTS : FJT_ERROR.INVALID_GOAL, text);
        throw e;
      }
      const goal: TrajectoryGoal = {
        id,
        succeed: () => publishResult(id, ROS1_GOAL_STATUS.SUCCEEDED, FJT_ERROR.SUCCESSFUL, ''),
        preempt: (reason) => publishResult(id, ROS1_GOAL_STATUS.PREEMPTED, FJT_ERROR.SUCCESSFUL, reason),
      };
      if (k) controller.follow(port.now(), k, goal);
      else {
        controller.hold(port.now(), port.q(), 'an empty trajectory');
        goal.succeed();
      }
    });
    bridge.subscribe(topics.cancel, ROS_TYPES.GoalID, (msg) => {
      controller.cancel(port.now(), parseGoalId(msg).id, port.q());
    });
  } else {
    bridge.advertiseAction(names.action, ROS_TYPES.FollowJointTrajectory, {
      goal: (g) => {
        const where = `${arm} arm goal on ${names.action}`;
        let k: TrajectoryKnot[] | undefined;
        try {
          guard(where);
          k = knots(parseFollowJointTrajectoryGoal(g.args).trajectory, where);
        } catch (e) {
          const text = (e as Error).message;
          bridge.status(g.client, 'warning', text, g.id);
          return g.reject(text);
        }
        const goal: TrajectoryGoal = {
          id: g.id,
          succeed: () => g.succeed(buildFollowJointTrajectoryResult(FJT_ERROR.SUCCESSFUL)),
          preempt: (reason) => g.cancel(buildFollowJointTrajectoryResult(FJT_ERROR.SUCCESSFUL, reason)),
          feedback: (desired, actual) => g.feedback(buildFollowJointTrajectoryFeedback(dialect, { stamp: Date.now() / 1000, joint_names: joints, desired, actual })),
        };
        if (k) controller.follow(port.now(), k, goal);
        else {
          controller.hold(port.now(), port.q(), 'an empty trajectory');
          goal.succeed();
        }
      },
      cancel: (g) => {
        if (!controller.cancel(port.now(), g.id, port.q()) && g.active) g.cancel(buildFollowJointTrajectoryResult(FJT_ERROR.SUCCESSFUL, 'cancelled'));
      },
    });
  }

  // std_msgs/Float64 on <arm>_gripper/command: metres per finger
  bridge.subscribe(names.gripperCommand, ROS_TYPES.Float64, (msg) => {
    const where = `${arm} gripper command on ${names.gripperCommand}`;
    guard(where);
    const m = parseFloat64(msg);
    if (!Number.isFinite(m)) throw new YotoError(`refused: ${m} is not a finite opening (metres per finger, 0 … ${FINGER_TRAVEL})`, where);
    port.setGripper(Math.min(FINGER_TRAVEL, Math.max(0, m)) / FINGER_TRAVEL);
  });
}
