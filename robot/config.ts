/**
 * robot.yaml: how yoto reaches a two-arm robot over rosbridge — per arm its joint names, how it
 * takes commands (a JointTrajectory topic or a FollowJointTrajectory action), its gripper, its
 * base pose in the world frame and its limits; what the robot publishes (joint states, a depth
 * camera's point cloud, a task status, an e-stop); the ROS dialect; the safety settings.
 *
 *   const cfg = readRobotConfig('robot/examples/sim-ur5e.ros1.yaml');
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { YotoError } from '../core/errors.ts';
import { parseWith } from '../core/read.ts';
import { QuatSchema, Vec3Schema } from '../core/program.ts';

export const ROBOT_CONFIG_VERSION = 1;

const topicName = z.string().regex(/^\/?[A-Za-z_][A-Za-z0-9_/]*$/, 'must be a ROS name such as /left_arm_controller/command');
const positive = z.number().positive();

/** The arm's kinematic model; yoto's IK knows UR5e (the sim's arm). */
export const ArmModelSchema = z.enum(['ur5e']);

export const GripperConfigSchema = z.strictObject({
  /** Where the opening is commanded: a std_msgs/Float64 topic taking `closed + g·(open − closed)` for opening g ∈ [0, 1]. */
  command: z.strictObject({ topic: topicName, type: z.literal('std_msgs/Float64').default('std_msgs/Float64') }),
  /** The JointState entry that reports the gripper, and its positions when closed and fully open. */
  joint: z.string().min(1),
  closed: z.number(),
  open: z.number(),
}).refine((g) => g.open !== g.closed, { error: 'gripper open and closed positions must differ', path: ['open'] });
export type GripperConfig = z.infer<typeof GripperConfigSchema>;

export const ArmCommandSchema = z.union([
  /** trajectory_msgs/JointTrajectory on a topic (ros_control's `<controller>/command`). */
  z.strictObject({ topic: topicName }),
  /** control_msgs/FollowJointTrajectory action (`<controller>/follow_joint_trajectory`). */
  z.strictObject({ action: topicName }),
]);
export type ArmCommandConfig = z.infer<typeof ArmCommandSchema>;

export const WorkspaceBoxSchema = z
  .strictObject({ min: Vec3Schema, max: Vec3Schema })
  .refine((b) => b.min.every((v, i) => v < b.max[i]), { error: 'workspace.min must be below workspace.max on every axis', path: ['min'] });

export const ArmConfigSchema = z
  .strictObject({
    model: ArmModelSchema.default('ur5e'),
    /** The arm's joints in kinematic order (shoulder to wrist), as its JointState names them. */
    joints: z.array(z.string().min(1)).length(6, 'a UR5e arm has 6 joints'),
    command: ArmCommandSchema,
    gripper: GripperConfigSchema,
    /** The arm's base frame in `world` (REP-103: x forward, z up; quaternion [x, y, z, w]). */
    base: z.strictObject({ position: Vec3Schema, quaternion: QuatSchema }),
    /** Per joint [min, max], radians; commands outside are refused. */
    position_limits: z.array(z.tuple([z.number(), z.number()])).length(6),
    /** Per joint speed limit, rad/s; a command that would need more is refused. */
    velocity_limits: z.array(positive).length(6),
  })
  .superRefine((a, ctx) => {
    a.position_limits.forEach(([lo, hi], i) => {
      if (!(lo < hi)) ctx.addIssue({ code: 'custom', path: ['position_limits', i], message: `min ${lo} must be below max ${hi}` });
    });
    if (new Set(a.joints).size !== a.joints.length) ctx.addIssue({ code: 'custom', path: ['joints'], message: 'joint names repeat' });
  });
export type ArmConfig = z.infer<typeof ArmConfigSchema>;

export const RobotConfigSchema = z
  .strictObject({
    version: z.literal(ROBOT_CONFIG_VERSION, { error: `unsupported robot.yaml version (this yoto reads version ${ROBOT_CONFIG_VERSION})` }),
    name: z.string().min(1),
    /** 'ros1': sensor_msgs/JointState, secs/nsecs; 'ros2': sensor_msgs/msg/JointState, sec/nanosec; 'auto': asked of rosapi. */
    dialect: z.enum(['ros1', 'ros2', 'auto']).default('auto'),
    /** rosbridge's WebSocket (the command line's --url overrides it). */
    url: z.string().regex(/^wss?:\/\/[^\s]+$/, 'must be a ws:// or wss:// URL').default('ws://127.0.0.1:9090'),
    arms: z.strictObject({ left: ArmConfigSchema, right: ArmConfigSchema }),
    observation: z.strictObject({
      /** sensor_msgs/JointState with every arm and gripper joint. */
      joint_states: topicName.default('/joint_states'),
      /** sensor_msgs/PointCloud2 from a depth camera; `frame` is its frame_id's pose in `world` (null: the cloud is in `world`). */
      point_cloud: z
        .strictObject({
          topic: topicName,
          frame_pose: z.strictObject({ position: Vec3Schema, quaternion: QuatSchema }).nullable().default(null),
        })
        .optional(),
      /** std_msgs/String carrying JSON `{"success": bool, ...}` (yoto sim serve publishes one). */
      task_status: topicName.optional(),
    }),
    /** The TCP must stay in this box (world frame, metres); a command that leaves it is refused. */
    workspace: WorkspaceBoxSchema,
    rates: z
      .strictObject({
        /** Control loop rate, Hz (the command line's --rate overrides it). */
        control_hz: positive.max(500).default(10),
      })
      .default({ control_hz: 10 }),
    safety: z
      .strictObject({
        /** Observations older than this (ms) count as stale: hold, move nothing. */
        max_observation_age_ms: positive.default(200),
        /** std_msgs/Bool; true stops the loop and holds the arms. */
        e_stop: topicName.optional(),
        /** Reconnect back-off, ms: first wait and cap (doubling in between). */
        reconnect_ms: z.tuple([positive, positive]).default([250, 4000]),
        /** Give up after this long disconnected, s. */
        reconnect_timeout_s: positive.default(20),
      })
      .default({ max_observation_age_ms: 200, reconnect_ms: [250, 4000], reconnect_timeout_s: 20 }),
  })
  .superRefine((c, ctx) => {
    const all = [...c.arms.left.joints, ...c.arms.right.joints];
    if (new Set(all).size !== all.length) ctx.addIssue({ code: 'custom', path: ['arms'], message: 'the two arms share a joint name' });
  });
export type RobotConfig = z.infer<typeof RobotConfigSchema>;
export type RobotConfigInput = z.input<typeof RobotConfigSchema>;

export function parseRobotConfig(value: unknown, where: string): RobotConfig {
  return parseWith(RobotConfigSchema, value, where);
}

/** Reads and checks robot.yaml; every problem is one YotoError naming the file and the field. */
export function readRobotConfig(path: string): RobotConfig {
  if (!existsSync(path)) throw new YotoError('file not found', path);
  let value: unknown;
  try {
    value = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new YotoError(`not valid YAML (${(e as Error).message.split('\n')[0]})`, path);
  }
  return parseRobotConfig(value, path);
}
