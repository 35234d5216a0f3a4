/**
 * The ROS messages yoto exchanges over rosbridge, for both dialects: type names, time and
 * duration, Header, sensor_msgs/JointState, trajectory_msgs/JointTrajectory,
 * control_msgs/FollowJointTrajectory (ROS 1 actionlib topics, ROS 2 rosbridge action ops),
 * std_msgs/Float64, Bool, String, std_srvs/Trigger and sensor_msgs/PointCloud2 with float32
 * x, y, z fields.
 *
 * What differs between the dialects:
 * - type names: `sensor_msgs/JointState` (ROS 1) vs `sensor_msgs/msg/JointState` (ROS 2);
 *   services `pkg/srv/Name`, actions `pkg/action/Name` (see `rosType`);
 * - time and duration: `{secs, nsecs}` (ROS 1) vs `{sec, nanosec}` (ROS 2);
 * - Header: ROS 1 has `seq`;
 * - FollowJointTrajectory: ROS 1 publishes a `FollowJointTrajectoryActionGoal` on `<action>/goal`;
 *   ROS 2 sends the bare goal as the `args` of a rosbridge `send_action_goal` op.
 *
 * Builders return the wire object in the chosen dialect (plain JSON-able objects, except that a
 * `uint8[]` field such as PointCloud2's `data` is a Uint8Array: rosbridge sends it as base64 in
 * JSON and as a byte string in CBOR). Parsers accept either dialect and whatever rosbridge may
 * deliver (a missing field is its default, `uint8[]` as base64, a number array or bytes, numeric
 * arrays as typed arrays, `null` for a NaN that JSON could not carry); they return plain values
 * with times in seconds, and throw a YotoError naming the message type and the field.
 *
 *   rosType('ros2', 'sensor_msgs/JointState')               // 'sensor_msgs/msg/JointState'
 *   buildJointState('ros1', { stamp: 12.5, name, position }) // { header: { seq, stamp: { secs, nsecs }, frame_id }, ... }
 *   parseJointTrajectory(msg).points[0].time_from_start      // seconds
 */
import { z } from 'zod';
import { YotoError } from '../../core/errors.ts';
import { parseWith } from '../../core/read.ts';

export type RosDialect = 'ros1' | 'ros2';
export const RosDialectSchema = z.enum(['ros1', 'ros2']);
export const ROS_DIALECTS: readonly RosDialect[] = ['ros1', 'ros2'];

// ---------------------------------------------------------------------------------------------
// Type names

/** The message, service and action types yoto uses, in their ROS 1 spelling. */
export const ROS_TYPES = {
  JointState: 'sensor_msgs/JointState',
  PointCloud2: 'sensor_msgs/PointCloud2',
  JointTrajectory: 'trajectory_msgs/JointTrajectory',
  Float64: 'std_msgs/Float64',
  Bool: 'std_msgs/Bool',
  String: 'std_msgs/String',
  Trigger: 'std_srvs/Trigger',
  FollowJointTrajectory: 'control_msgs/FollowJointTrajectory',
  FollowJointTrajectoryActionGoal: 'control_msgs/FollowJointTrajectoryActionGoal',
  FollowJointTrajectoryActionResult: 'control_msgs/FollowJointTrajectoryActionResult',
  FollowJointTrajectoryActionFeedback: 'control_msgs/FollowJointTrajectoryActionFeedback',
  GoalID: 'actionlib_msgs/GoalID',
  GoalStatusArray: 'actionlib_msgs/GoalStatusArray',
} as const;

export type RosTypeKind = 'msg' | 'srv' | 'action';

/** Services and actions yoto knows by name (anything else without an explicit kind is a message). */
const SERVICE_TYPES = new Set(['std_srvs/Trigger', 'std_srvs/Empty', 'std_srvs/SetBool']);
const ACTION_TYPES = new Set(['control_msgs/FollowJointTrajectory']);

const TYPE_RE = /^([A-Za-z][A-Za-z0-9_]*)\/(?:(msg|srv|action)\/)?([A-Za-z][A-Za-z0-9_]*)$/;

function splitType(type: string): { pkg: string; kind?: RosTypeKind; name: string } {
  const m = TYPE_RE.exec(type.trim());
  if (!m) throw new YotoError(`not a ROS type name (expected pkg/Name or pkg/msg/Name)`, `type "${type}"`);
  const pkg = m[1] === 'rosapi_msgs' ? 'rosapi' : m[1];
  return { pkg, kind: m[2] as RosTypeKind | undefined, name: m[3] };
}

/**
 * A type's name in `dialect`, from either spelling: `rosType('ros2', 'sensor_msgs/JointState')` is
 * `sensor_msgs/msg/JointState`, `rosType('ros1', 'std_srvs/srv/Trigger')` is `std_srvs/Trigger`.
 * In ROS 2 the kind (msg/srv/action) comes from the name when written, else from `kind`, else
 * from yoto's known services and actions (and every rosapi type is a service), else msg.
 * rosapi's types live in `rosapi_msgs` on ROS 2.
 */
export function rosType(dialect: RosDialect, type: string, kind?: RosTypeKind): string {
  const t = splitType(type);
  if (dialect === 'ros1') return `${t.pkg}/${t.name}`;
  const base = `${t.pkg}/${t.name}`;
  const k = t.kind ?? kind ?? (SERVICE_TYPES.has(base) || t.pkg === 'rosapi' ? 'srv' : ACTION_TYPES.has(base) ? 'action' : 'msg');
  return `${t.pkg === 'rosapi' ? 'rosapi_msgs' : t.pkg}/${k}/${t.name}`;
}

/** The dialect-free form of a type name (ROS 1 spelling), for comparing names from either dialect. */
export function baseRosType(type: string): string {
  const t = splitType(type);
  return `${t.pkg}/${t.name}`;
}

/** Do two type names (in either spelling) name the same type? */
export function sameRosType(a: string, b: string): boolean {
  try {
    return baseRosType(a) === baseRosType(b);
  } catch {
    return a === b;
  }
}

// ---------------------------------------------------------------------------------------------
// Wire values that rosbridge may deliver in several forms

/** A float64 as it crosses the wire: a number, or null where JSON could not carry NaN/±Infinity (read as NaN). */
const rosFloat = z.preprocess((v) => (v === null ? NaN : v), z.custom<number>((v) => typeof v === 'number', 'must be a number'));
/** float64[] as a JSON array (nulls as NaN) or, from CBOR, a typed array. */
const rosFloatArray = z.preprocess((v) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v), z.array(rosFloat));
const int = z.number().int();
const uint = z.number().int().min(0);

// ---------------------------------------------------------------------------------------------
// Time and duration

export interface Ros1Time {
  secs: number;
  nsecs: number;
}
export interface Ros2Time {
  sec: number;
  nanosec: number;
}
/** builtin time / duration in either dialect. */
export type RosTime = Ros1Time | Ros2Time;

/** Time or duration in either dialect (a missing part is 0). */
export const RosTimeSchema = z.union([
  z.looseObject({ sec: int, nanosec: uint.default(0) }),
  z.looseObject({ secs: int, nsecs: uint.default(0) }),
  z.looseObject({ nanosec: uint }),
  z.looseObject({ nsecs: uint }),
], { error: 'must be a time: {secs, nsecs} (ROS 1) or {sec, nanosec} (ROS 2)' });

/** Seconds → `{secs, nsecs}` (ROS 1) or `{sec, nanosec}` (ROS 2); negative values keep nsecs ≥ 0 as ROS does. */
export function toRosTime(dialect: 'ros1', seconds: number): Ros1Time;
export function toRosTime(dialect: 'ros2', seconds: number): Ros2Time;
export function toRosTime(dialect: RosDialect, seconds: number): RosTime;
export function toRosTime(dialect: RosDialect, seconds: number): RosTime {
  if (!Number.isFinite(seconds)) throw new YotoError(`not a finite time: ${seconds}`, 'toRosTime');
  let s = Math.floor(seconds);
  let ns = Math.round((seconds - s) * 1e9);
  if (ns >= 1e9) {
    s += 1;
    ns -= 1e9;
  }
  return dialect === 'ros1' ? { secs: s, nsecs: ns } : { sec: s, nanosec: ns };
}

/** Durations have the same form as times. */
export const toRosDuration = toRosTime;

/** `{secs, nsecs}` or `{sec, nanosec}` → seconds; a YotoError for anything else. */
export function fromRosTime(value: unknown): number {
  const t = parseWith(RosTimeSchema, value, 'time');
  const r = t as Record<string, number | undefined>;
  return (r.sec ?? r.secs ?? 0) + (r.nanosec ?? r.nsecs ?? 0) * 1e-9;
}
export const fromRosDuration = fromRosTime;

/** Time or duration, a missing one being 0. */
const timeField = z.preprocess((v) => v ?? { sec: 0, nanosec: 0 }, RosTimeSchema).transform((t) => fromRosTime(t));

// ---------------------------------------------------------------------------------------------
// Header

export interface HeaderMsg {
  /** ROS 1 only. */
  seq?: number;
  stamp: RosTime;
  frame_id: string;
}
export interface Header {
  /** Seconds. */
  stamp: number;
  frame_id: string;
  seq?: number;
}

export const HeaderSchema = z
  .looseObject({ seq: uint.optional(), stamp: timeField, frame_id: z.string().default('') })
  .transform((h): Header => ({ stamp: h.stamp, frame_id: h.frame_id, ...(h.seq !== undefined ? { seq: h.seq } : {}) }));
const headerField = z.preprocess((v) => v ?? {}, HeaderSchema);

export function buildHeader(dialect: RosDialect, h: { stamp?: number; frame_id?: string; seq?: number } = {}): HeaderMsg {
  const stamp = toRosTime(dialect, h.stamp ?? 0);
  return dialect === 'ros1' ? { seq: h.seq ?? 0, stamp, frame_id: h.frame_id ?? '' } : { stamp, frame_id: h.frame_id ?? '' };
}

// ---------------------------------------------------------------------------------------------
// sensor_msgs/JointState

export interface JointStateMsg {
  header: HeaderMsg;
  name: string[];
  position: number[];
  velocity: number[];
  effort: number[];
}
export interface JointState {
  /** Seconds. */
  stamp: number;
  name: string[];
  position: number[];
  velocity: number[];
  effort: number[];
}

export const JointStateMsgSchema = z
  .looseObject({
    header: headerField,
    name: z.array(z.string()),
    position: rosFloatArray.default([]),
    velocity: rosFloatArray.default([]),
    effort: rosFloatArray.default([]),
  })
  .superRefine((m, ctx) => {
    for (const f of ['position', 'velocity', 'effort'] as const)
      if (m[f].length !== 0 && m[f].length !== m.name.length)
        ctx.addIssue({ code: 'custom', path: [f], message: `has ${m[f].length} entries for ${m.name.length} names` });
  });

export function buildJointState(
  dialect: RosDialect,
  s: { stamp: number; name: string[]; position: number[]; velocity?: number[]; effort?: number[]; frame_id?: string; seq?: number },
): JointStateMsg {
  return {
    header: buildHeader(dialect, { stamp: s.stamp, frame_id: s.frame_id, seq: s.seq }),
    name: [...s.name],
    position: [...s.position],
    velocity: [...(s.velocity ?? [])],
    effort: [...(s.effort ?? [])],
  };
}

export function parseJointState(msg: unknown): JointState {
  const m = parseWith(JointStateMsgSchema, msg, ROS_TYPES.JointState);
  return { stamp: m.header.stamp, name: m.name, position: m.position, velocity: m.velocity, effort: m.effort };
}

/** name → position of a JointState (undefined for a joint it does not report). */
export function jointPositions(s: JointState): Map<string, number> {
  const out = new Map<string, number>();
  s.name.forEach((n, i) => {
    if (i < s.position.length) out.set(n, s.position[i]);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// trajectory_msgs/JointTrajectory

export interface JointTrajectoryPointMsg {
  positions: number[];
  velocities: number[];
  accelerations: number[];
  effort: number[];
  time_from_start: RosTime;
}
export interface JointTrajectoryMsg {
  header: HeaderMsg;
  joint_names: string[];
  points: JointTrajectoryPointMsg[];
}
export interface JointTrajectoryPoint {
  positions: number[];
  velocities?: number[];
  accelerations?: number[];
  effort?: number[];
  /** Seconds from the trajectory's start. */
  time_from_start: number;
}
export interface JointTrajectory {
  joint_names: string[];
  points: JointTrajectoryPoint[];
  /** The header's stamp, seconds (0: start now). */
  stamp?: number;
  frame_id?: string;
}

export const JointTrajectoryPointMsgSchema = z.looseObject({
  positions: rosFloatArray.default([]),
  velocities: rosFloatArray.default([]),
  accelerations: rosFloatArray.default([]),
  effort: rosFloatArray.default([]),
  time_from_start: timeField,
});

export const JointTrajectoryMsgSchema = z.looseObject({
  header: headerField,
  joint_names: z.array(z.string()),
  points: z.array(JointTrajectoryPointMsgSchema).default([]),
});

export function buildJointTrajectory(dialect: RosDialect, t: JointTrajectory & { seq?: number }): JointTrajectoryMsg {
  return {
    header: buildHeader(dialect, { stamp: t.stamp ?? 0, frame_id: t.frame_id, seq: t.seq }),
    joint_names: [...t.joint_names],
    points: t.points.map((p) => buildJointTrajectoryPoint(dialect, p)),
  };
}

export function buildJointTrajectoryPoint(dialect: RosDialect, p: JointTrajectoryPoint): JointTrajectoryPointMsg {
  return {
    positions: [...p.positions],
    velocities: [...(p.velocities ?? [])],
    accelerations: [...(p.accelerations ?? [])],
    effort: [...(p.effort ?? [])],
    time_from_start: toRosDuration(dialect, p.time_from_start),
  };
}

function plainTrajectory(m: z.output<typeof JointTrajectoryMsgSchema>): JointTrajectory {
  return {
    joint_names: m.joint_names,
    stamp: m.header.stamp,
    frame_id: m.header.frame_id,
    points: m.points.map((p) => ({
      positions: p.positions,
      velocities: p.velocities,
      accelerations: p.accelerations,
      effort: p.effort,
      time_from_start: p.time_from_start,
    })),
  };
}

/** A JointTrajectory in either dialect → plain values; shape only (NaN positions come through as NaN: the receiver decides). */
export function parseJointTrajectory(msg: unknown): JointTrajectory {
  return plainTrajectory(parseWith(JointTrajectoryMsgSchema, msg, ROS_TYPES.JointTrajectory));
}

// ---------------------------------------------------------------------------------------------
// control_msgs/FollowJointTrajectory

/** control_msgs/FollowJointTrajectoryResult error codes. */
export const FJT_ERROR = {
  SUCCESSFUL: 0,
  INVALID_GOAL: -1,
  INVALID_JOINTS: -2,
  OLD_HEADER_TIMESTAMP: -3,
  PATH_TOLERANCE_VIOLATED: -4,
  GOAL_TOLERANCE_VIOLATED: -5,
} as const;

/** actionlib_msgs/GoalStatus (ROS 1). */
export const ROS1_GOAL_STATUS = { PENDING: 0, ACTIVE: 1, PREEMPTED: 2, SUCCEEDED: 3, ABORTED: 4, REJECTED: 5, PREEMPTING: 6, RECALLING: 7, RECALLED: 8, LOST: 9 } as const;
/** action_msgs/GoalStatus (ROS 2; rosbridge's `action_result.status`). */
export const ROS2_GOAL_STATUS = { UNKNOWN: 0, ACCEPTED: 1, EXECUTING: 2, CANCELING: 3, SUCCEEDED: 4, CANCELED: 5, ABORTED: 6 } as const;

/** The topics of a ROS 1 actionlib action server named `action` (e.g. /left_arm_controller/follow_joint_trajectory). */
export function ros1ActionTopics(action: string): { goal: string; cancel: string; status: string; feedback: string; result: string } {
  const a = action.replace(/\/+$/, '');
  return { goal: `${a}/goal`, cancel: `${a}/cancel`, status: `${a}/status`, feedback: `${a}/feedback`, result: `${a}/result` };
}

export interface FollowJointTrajectoryGoalMsg {
  trajectory: JointTrajectoryMsg;
  path_tolerance: unknown[];
  goal_tolerance: unknown[];
  goal_time_tolerance: RosTime;
}
export interface GoalIdMsg {
  stamp: RosTime;
  id: string;
}
/** ROS 1 actionlib's wrapper, published on `<action>/goal`. */
export interface FollowJointTrajectoryActionGoalMsg {
  header: HeaderMsg;
  goal_id: GoalIdMsg;
  goal: FollowJointTrajectoryGoalMsg;
}
export interface FollowJointTrajectoryGoal {
  /** The actionlib goal id (ROS 1 ActionGoal only; a ROS 2 goal's id is the rosbridge op's). */
  goalId?: string;
  trajectory: JointTrajectory;
  /** Seconds; 0 = the controller's default. */
  goalTimeTolerance: number;
}

export const FollowJointTrajectoryGoalMsgSchema = z.looseObject({
  trajectory: JointTrajectoryMsgSchema,
  path_tolerance: z.array(z.unknown()).default([]),
  goal_tolerance: z.array(z.unknown()).default([]),
  goal_time_tolerance: timeField,
});
export const GoalIdMsgSchema = z.looseObject({ stamp: timeField, id: z.string().default('') });
export const FollowJointTrajectoryActionGoalMsgSchema = z.looseObject({
  header: headerField,
  goal_id: z.preprocess((v) => v ?? {}, GoalIdMsgSchema),
  goal: FollowJointTrajectoryGoalMsgSchema,
});

/** The goal itself (ROS 2 `send_action_goal` args; the `goal` field of a ROS 1 ActionGoal). */
export function buildFollowJointTrajectoryGoal(dialect: RosDialect, trajectory: JointTrajectory, o: { goalTimeTolerance?: number } = {}): FollowJointTrajectoryGoalMsg {
  return {
    trajectory: buildJointTrajectory(dialect, trajectory),
    path_tolerance: [],
    goal_tolerance: [],
    goal_time_tolerance: toRosDuration(dialect, o.goalTimeTolerance ?? 0),
  };
}

/** ROS 1: the FollowJointTrajectoryActionGoal to publish on `<action>/goal`. */
export function buildFollowJointTrajectoryActionGoal(
  trajectory: JointTrajectory,
  o: { goalId: string; stamp?: number; goalTimeTolerance?: number; seq?: number },
): FollowJointTrajectoryActionGoalMsg {
  const stamp = o.stamp ?? 0;
  return {
    header: buildHeader('ros1', { stamp, seq: o.seq }),
    goal_id: { stamp: toRosTime('ros1', stamp), id: o.goalId },
    goal: buildFollowJointTrajectoryGoal('ros1', trajectory, o),
  };
}

/** A ROS 1 FollowJointTrajectoryActionGoal or a bare (ROS 1 or 2) goal → plain values. */
export function parseFollowJointTrajectoryGoal(msg: unknown): FollowJointTrajectoryGoal {
  if (msg !== null && typeof msg === 'object' && 'goal' in msg) {
    const m = parseWith(FollowJointTrajectoryActionGoalMsgSchema, msg, ROS_TYPES.FollowJointTrajectoryActionGoal);
    return { goalId: m.goal_id.id, trajectory: plainTrajectory(m.goal.trajectory), goalTimeTolerance: m.goal.goal_time_tolerance };
  }
  const g = parseWith(FollowJointTrajectoryGoalMsgSchema, msg, 'control_msgs/FollowJointTrajectory goal');
  return { trajectory: plainTrajectory(g.trajectory), goalTimeTolerance: g.goal_time_tolerance };
}

export interface FollowJointTrajectoryResultMsg {
  error_code: number;
  error_string: string;
}
export const FollowJointTrajectoryResultMsgSchema = z.looseObject({ error_code: int.default(0), error_string: z.string().default('') });

export function buildFollowJointTrajectoryResult(errorCode: number, errorString = ''): FollowJointTrajectoryResultMsg {
  return { error_code: errorCode, error_string: errorString };
}

/** A result, bare or inside a ROS 1 ActionResult (`{status, result}`). */
export function parseFollowJointTrajectoryResult(msg: unknown): FollowJointTrajectoryResultMsg & { goalId?: string; status?: number } {
  if (msg !== null && typeof msg === 'object' && 'result' in msg) {
    const m = parseWith(
      z.looseObject({
        status: z.looseObject({ goal_id: z.preprocess((v) => v ?? {}, GoalIdMsgSchema), status: uint, text: z.string().default('') }),
        result: FollowJointTrajectoryResultMsgSchema,
      }),
      msg,
      ROS_TYPES.FollowJointTrajectoryActionResult,
    );
    return { error_code: m.result.error_code, error_string: m.result.error_string, goalId: m.status.goal_id.id, status: m.status.status };
  }
  const r = parseWith(FollowJointTrajectoryResultMsgSchema, msg, 'control_msgs/FollowJointTrajectory result');
  return { error_code: r.error_code, error_string: r.error_string };
}

/** ROS 1: the FollowJointTrajectoryActionResult published on `<action>/result`. */
export function buildFollowJointTrajectoryActionResult(o: {
  goalId: string;
  goalStamp?: number;
  status: number;
  text?: string;
  result: FollowJointTrajectoryResultMsg;
  stamp: number;
  seq?: number;
}): { header: HeaderMsg; status: { goal_id: GoalIdMsg; status: number; text: string }; result: FollowJointTrajectoryResultMsg } {
  return {
    header: buildHeader('ros1', { stamp: o.stamp, seq: o.seq }),
    status: { goal_id: { stamp: toRosTime('ros1', o.goalStamp ?? 0), id: o.goalId }, status: o.status, text: o.text ?? '' },
    result: o.result,
  };
}

/** The feedback (ROS 2 `action_feedback` values; the `feedback` field of a ROS 1 ActionFeedback). */
export function buildFollowJointTrajectoryFeedback(
  dialect: RosDialect,
  f: { stamp: number; joint_names: string[]; desired: number[]; actual: number[] },
): { header: HeaderMsg; joint_names: string[]; desired: JointTrajectoryPointMsg; actual: JointTrajectoryPointMsg; error: JointTrajectoryPointMsg } {
  const pt = (positions: number[]) => buildJointTrajectoryPoint(dialect, { positions, time_from_start: 0 });
  return {
    header: buildHeader(dialect, { stamp: f.stamp }),
    joint_names: [...f.joint_names],
    desired: pt(f.desired),
    actual: pt(f.actual),
    error: pt(f.desired.map((d, i) => d - f.actual[i])),
  };
}

/** actionlib_msgs/GoalID (ROS 1 `<action>/cancel`): the id ('' cancels every goal). */
export function parseGoalId(msg: unknown): { id: string; stamp: number } {
  const m = parseWith(GoalIdMsgSchema, msg ?? {}, ROS_TYPES.GoalID);
  return { id: m.id, stamp: m.stamp };
}

// ---------------------------------------------------------------------------------------------
// std_msgs, std_srvs

export const Float64MsgSchema = z.looseObject({ data: rosFloat });
export const BoolMsgSchema = z.looseObject({ data: z.boolean() });
export const StringMsgSchema = z.looseObject({ data: z.string() });

export const buildFloat64 = (data: number): { data: number } => ({ data });
export const buildBool = (data: boolean): { data: boolean } => ({ data });
export const buildString = (data: string): { data: string } => ({ data });
/** std_msgs/Float64's data (null on the wire, where JSON lost a NaN, reads as NaN). */
export const parseFloat64 = (msg: unknown): number => parseWith(Float64MsgSchema, msg, ROS_TYPES.Float64).data;
export const parseBool = (msg: unknown): boolean => parseWith(BoolMsgSchema, msg, ROS_TYPES.Bool).data;
export const parseString = (msg: unknown): string => parseWith(StringMsgSchema, msg, ROS_TYPES.String).data;

/** std_srvs/Trigger: the request is empty. */
export const TriggerRequestSchema = z.looseObject({});
export const TriggerResponseSchema = z.looseObject({ success: z.boolean(), message: z.string().default('') });
export type TriggerResponse = { success: boolean; message: string };
export const buildTriggerResponse = (success: boolean, message = ''): TriggerResponse => ({ success, message });
export const parseTriggerResponse = (msg: unknown): TriggerResponse => {
  const r = parseWith(TriggerResponseSchema, msg, ROS_TYPES.Trigger);
  return { success: r.success, message: r.message };
};

// ---------------------------------------------------------------------------------------------
// sensor_msgs/PointCloud2 (float32 x, y, z)

/** sensor_msgs/PointField datatypes. */
export const POINT_FIELD = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, FLOAT32: 7, FLOAT64: 8 } as const;

export interface PointFieldMsg {
  name: string;
  offset: number;
  datatype: number;
  count: number;
}
export interface PointCloud2Msg {
  header: HeaderMsg;
  height: number;
  width: number;
  fields: PointFieldMsg[];
  is_bigendian: boolean;
  point_step: number;
  row_step: number;
  /** Bytes; rosbridge's JSON carries them as base64. */
  data: Uint8Array;
  is_dense: boolean;
}
export interface PointCloud {
  frame_id: string;
  /** Seconds. */
  stamp: number;
  /** x0 y0 z0 x1 …, metres, in `frame_id`; points with a NaN coordinate are left out. */
  points: Float32Array;
  count: number;
  width: number;
  height: number;
}

export const PointFieldMsgSchema = z.looseObject({ name: z.string(), offset: uint, datatype: z.number().int().min(1).max(8), count: uint.default(1) });

/** uint8[] as rosbridge may deliver it: base64 (JSON), a number array, or bytes (CBOR). */
const bytesField = z.union([
  z.instanceof(Uint8Array),
  z.string().transform((s, ctx) => {
    try {
      return base64ToBytes(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not valid base64' });
      return z.NEVER;
    }
  }),
  z.array(z.number().int().min(0).max(255)).transform((a) => Uint8Array.from(a)),
  z.custom<ArrayBufferView>((v) => ArrayBuffer.isView(v), 'must be bytes').transform((v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength)),
]);

export const PointCloud2MsgSchema = z.looseObject({
  header: headerField,
  height: uint,
  width: uint,
  fields: z.array(PointFieldMsgSchema),
  is_bigendian: z.boolean().default(false),
  point_step: uint,
  row_step: uint,
  data: bytesField,
  is_dense: z.boolean().default(false),
});

const FIELD_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 8: 8 };

/** xyz points (x0 y0 z0 x1 …) → a PointCloud2 with float32 x, y, z fields, little-endian, one row. */
export function encodePointCloud2(
  dialect: RosDialect,
  points: Float32Array | Float64Array | ArrayLike<number>,
  o: { frame_id: string; stamp?: number; seq?: number },
): PointCloud2Msg {
  if (points.length % 3 !== 0) throw new YotoError(`${points.length} values are not whole xyz points`, 'encodePointCloud2');
  const n = points.length / 3;
  const xyz = points instanceof Float32Array ? points : Float32Array.from(points as ArrayLike<number>);
  // A fresh little-endian buffer (Float32Array uses the platform's order, little on every Node target, but say so).
  const data = new Uint8Array(12 * n);
  const view = new DataView(data.buffer);
  let dense = true;
  for (let i = 0; i < 3 * n; i++) {
    view.setFloat32(4 * i, xyz[i], true);
    if (!Number.isFinite(xyz[i])) dense = false;
  }
  return {
    header: buildHeader(dialect, { stamp: o.stamp ?? 0, frame_id: o.frame_id, seq: o.seq }),
    height: 1,
    width: n,
    fields: [
      { name: 'x', offset: 0, datatype: POINT_FIELD.FLOAT32, count: 1 },
      { name: 'y', offset: 4, datatype: POINT_FIELD.FLOAT32, count: 1 },
      { name: 'z', offset: 8, datatype: POINT_FIELD.FLOAT32, count: 1 },
    ],
    is_bigendian: false,
    point_step: 12,
    row_step: 12 * n,
    data,
    is_dense: dense,
  };
}

/**
 * A PointCloud2 in either dialect → its x, y, z points (any other fields ignored), honouring
 * point_step, row_step, is_bigendian and each field's offset and datatype (FLOAT32 or FLOAT64).
 * Points with a NaN (or infinite) coordinate are dropped.
 */
export function decodePointCloud2(msg: unknown): PointCloud {
  const m = parseWith(PointCloud2MsgSchema, msg, ROS_TYPES.PointCloud2);
  const where = ROS_TYPES.PointCloud2;
  const field = (name: string) => {
    const f = m.fields.find((x) => x.name === name);
    if (!f) throw new YotoError(`no "${name}" field (fields: ${m.fields.map((x) => x.name).join(', ') || 'none'})`, where);
    if (f.datatype !== POINT_FIELD.FLOAT32 && f.datatype !== POINT_FIELD.FLOAT64)
      throw new YotoError(`field "${name}" has datatype ${f.datatype}; only FLOAT32 (7) and FLOAT64 (8) are read`, where);
    if (f.offset + FIELD_SIZE[f.datatype] > m.point_step) throw new YotoError(`field "${name}" (offset ${f.offset}) does not fit in point_step ${m.point_step}`, where);
    return f;
  };
  const fx = field('x');
  const fy = field('y');
  const fz = field('z');
  if (m.width > 0 && m.height > 0) {
    if (m.row_step < m.width * m.point_step) throw new YotoError(`row_step ${m.row_step} is shorter than width × point_step = ${m.width * m.point_step}`, where);
    const need = (m.height - 1) * m.row_step + m.width * m.point_step;
    if (m.data.byteLength < need) throw new YotoError(`data has ${m.data.byteLength} bytes, ${need} needed for ${m.height} × ${m.width} points`, where);
  }
  const view = new DataView(m.data.buffer, m.data.byteOffset, m.data.byteLength);
  const little = !m.is_bigendian;
  const read = (f: PointFieldMsg, at: number) => (f.datatype === POINT_FIELD.FLOAT32 ? view.getFloat32(at + f.offset, little) : view.getFloat64(at + f.offset, little));
  const out = new Float32Array(3 * m.width * m.height);
  let k = 0;
  for (let r = 0; r < m.height; r++) {
    for (let c = 0; c < m.width; c++) {
      const at = r * m.row_step + c * m.point_step;
      const x = read(fx, at);
      const y = read(fy, at);
      const z = read(fz, at);
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
      out[k++] = x;
      out[k++] = y;
      out[k++] = z;
    }
  }
  return { frame_id: m.header.frame_id, stamp: m.header.stamp, points: out.slice(0, k), count: k / 3, width: m.width, height: m.height };
}

// ---------------------------------------------------------------------------------------------
// base64 (what rosbridge's JSON makes of uint8[]), without Node's Buffer so a page can use it too

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  t['-'.charCodeAt(0)] = 62; // base64url too
  t['_'.charCodeAt(0)] = 63;
  return t;
})();

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63];
  }
  if (i < n) {
    const v = (bytes[i] << 16) | ((i + 1 < n ? bytes[i + 1] : 0) << 8);
    out += B64[v >> 18] + B64[(v >> 12) & 63] + (i + 1 < n ? B64[(v >> 6) & 63] : '=') + '=';
  }
  return out;
}

export function base64ToBytes(s: string): Uint8Array {
  const clean = s.replace(/[\s=]+/g, '');
  if (clean.length % 4 === 1) throw new Error('bad base64 length');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let k = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c] : -1;
    if (v < 0) throw new Error(`bad base64 character "${clean[i]}"`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[k++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, k);
}
