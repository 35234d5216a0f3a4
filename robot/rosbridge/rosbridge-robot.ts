/**
 * A two-arm robot behind rosbridge v2, on roslib: joint readings from sensor_msgs/JointState,
 * commands as trajectory_msgs/JointTrajectory on each arm's controller topic (or
 * FollowJointTrajectory goals), grippers as std_msgs/Float64, the depth camera's PointCloud2, a
 * task status and an e-stop. The ROS 1 or ROS 2 dialect comes from robot.yaml or from rosapi.
 *
 * Safety in the transport: nothing is ever queued while disconnected (roslib would send queued
 * messages on reconnect — old commands replayed), readings are dropped on disconnect so nothing
 * moves until fresh ones arrive, and a lost connection is retried with a doubling back-off on a
 * fresh socket.
 */
import { Action, Ros, Topic } from './roslib.ts';
import { YotoError } from '../../core/errors.ts';
import { transformPoint, type Vec3 } from '../../core/geometry.ts';
import { ARMS, type ArmName } from '../../core/program.ts';
import type { ArmConfig, RobotConfig } from '../config.ts';
import type { Arm, ArmCommand, ArmReading, BimanualCommand, PointCloudReading, Robot, RobotEvent, RobotObservation, TaskStatusReading } from '../robot.ts';
import {
  ROS_TYPES,
  buildBool,
  buildFloat64,
  buildFollowJointTrajectoryActionGoal,
  buildFollowJointTrajectoryGoal,
  buildJointTrajectory,
  buildString,
  decodePointCloud2,
  jointPositions,
  parseBool,
  parseJointState,
  parseString,
  ros1ActionTopics,
  rosType,
  type JointTrajectory,
  type RosDialect,
} from './messages.ts';
import { detectDialect } from './dialect.ts';

export interface RosbridgeRobotOptions {
  config: RobotConfig;
  /** Overrides robot.yaml's url. */
  url?: string;
  connectTimeoutMs?: number;
  log?: (line: string) => void;
}

interface Wiring {
  ros: Ros;
  topics: Topic<unknown>[];
  commands: Record<ArmName, (t: JointTrajectory) => void>;
  holds: Record<ArmName, () => void>;
  grippers: Record<ArmName, Topic<unknown>>;
  plan?: Topic<unknown>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class RosbridgeRobot implements Robot {
  readonly name: string;
  readonly arms: Record<ArmName, Arm>;
  readonly url: string;
  dialect?: RosDialect;
  private wiring?: Wiring;
  private readings: Partial<Record<ArmName, ArmReading>> = {};
  private cloud?: PointCloudReading;
  private status?: TaskStatusReading;
  private stopped?: string;
  private closing = false;
  private isConnected = false;
  private readonly listeners: ((e: RobotEvent) => void)[] = [];
  private readonly waiters = new Set<() => void>();
  private goalSeq = 0;
  private lastGripper: Partial<Record<ArmName, { value: number; at: number }>> = {};
  private lastPlanAt = -Infinity;
  private warnedFrame = false;
  /** Commands not sent because the connection was down (never queued). */
  dropped = 0;

  constructor(private readonly o: RosbridgeRobotOptions) {
    this.name = o.config.name;
    this.url = o.url ?? o.config.url;
    const arm = (a: ArmName): Arm => ({
      name: a,
      reading: () => this.readings[a],
      send: (cmd: ArmCommand) => this.sendArm(a, cmd),
      hold: () => this.wiring?.holds[a](),
    });
    this.arms = { left: arm('left'), right: arm('right') };
  }

  get connected(): boolean {
    return this.isConnected;
  }

  now(): number {
    return performance.now();
  }

  private log(line: string): void {
    this.o.log?.(line);
  }

  private emit(e: RobotEvent): void {
    for (const l of this.listeners) l(e);
  }

  onEvent(listener: (e: RobotEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Opens a socket; resolves once it is up, rejects with a one-line YotoError otherwise. */
  private open(): Promise<Ros> {
    const timeout = this.o.connectTimeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const ros = new Ros({});
      let settled = false;
      const done = (err?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          try {
            ros.close();
          } catch {
            // already closed
          }
          reject(new YotoError(`cannot reach rosbridge (${err})`, this.url));
        } else resolve(ros);
      };
      const timer = setTimeout(() => done(`no answer within ${timeout} ms`), timeout);
      ros.on('connection', () => done());
      ros.on('error', (e: unknown) => done(describeSocketError(e)));
      ros.on('close', () => done('connection closed'));
      ros.connect(this.url).catch((e: unknown) => done(describeSocketError(e)));
    });
  }

  async connect(): Promise<void> {
    this.closing = false;
    const ros = await this.open();
    const cfg = this.o.config;
    this.dialect = cfg.dialect === 'auto' ? await detectDialect(ros, cfg.observation.joint_states, this.url) : cfg.dialect;
    this.wire(ros);
  }

  private wire(ros: Ros): void {
    const cfg = this.o.config;
    const d = this.dialect!;
    const topics: Topic<unknown>[] = [];
    const topic = (name: string, type: string, extra: Record<string, unknown> = {}) => {
      const t = new Topic<unknown>({ ros, name, messageType: rosType(d, type), reconnect_on_close: false, ...extra });
      topics.push(t);
      return t;
    };
    const js = topic(cfg.observation.joint_states, ROS_TYPES.JointState, { queue_length: 1 });
    js.subscribe((m) => this.onJointState(m));
    if (cfg.observation.point_cloud) {
      const pc = topic(cfg.observation.point_cloud.topic, ROS_TYPES.PointCloud2, { compression: 'cbor', queue_length: 1 });
      pc.subscribe((m) => this.onCloud(m));
    }
    if (cfg.observation.task_status) topic(cfg.observation.task_status, ROS_TYPES.String, { queue_length: 1 }).subscribe((m) => this.onStatus(m));
    if (cfg.safety.e_stop) topic(cfg.safety.e_stop, ROS_TYPES.Bool).subscribe((m) => this.onEStop(m));

    const commands = {} as Wiring['commands'];
    const holds = {} as Wiring['holds'];
    const grippers = {} as Wiring['grippers'];
    for (const a of ARMS) {
      const arm = cfg.arms[a];
      const c = arm.command;
      if ('topic' in c) {
        const t = topic(c.topic, ROS_TYPES.JointTrajectory);
        t.advertise();
        commands[a] = (traj) => t.publish(buildJointTrajectory(d, traj));
        // ros_control: an empty trajectory stops the arm and holds it where it is.
        holds[a] = () => t.publish(buildJointTrajectory(d, { joint_names: arm.joints, points: [] }));
      } else if (d === 'ros1') {
        const names = ros1ActionTopics(c.action);
        const goal = topic(names.goal, ROS_TYPES.FollowJointTrajectoryActionGoal);
        const cancel = topic(names.cancel, ROS_TYPES.GoalID);
        goal.advertise();
        cancel.advertise();
        commands[a] = (traj) => goal.publish(buildFollowJointTrajectoryActionGoal(traj, { goalId: `yoto-${a}-${++this.goalSeq}` }));
        // An empty goal_id cancels every goal of the action server.
        holds[a] = () => cancel.publish({ stamp: { secs: 0, nsecs: 0 }, id: '' });
      } else {
        const action = new Action<unknown, unknown, unknown>({ ros, name: c.action, actionType: rosType(d, ROS_TYPES.FollowJointTrajectory, 'action') });
        let current: string | undefined;
        commands[a] = (traj) => {
          const id = action.sendGoal(buildFollowJointTrajectoryGoal(d, traj), () => {}, undefined, (err: string) => this.log(`${a} arm goal failed: ${err}`));
          current = id ?? undefined;
        };
        holds[a] = () => {
          if (current) action.cancelGoal(current);
          current = undefined;
        };
      }
      const g = topic(arm.gripper.command.topic, ROS_TYPES.Float64);
      g.advertise();
      grippers[a] = g;
    }
    this.wiring = { ros, topics, commands, holds, grippers };
    this.lastGripper = {};
    this.isConnected = true;
    ros.on('close', () => this.onClose('connection closed'));
    ros.on('error', (e: unknown) => this.onClose(describeSocketError(e)));
  }

  private onClose(reason: string): void {
    if (!this.isConnected) return;
    this.isConnected = false;
    this.readings = {};
    this.cloud = undefined;
    this.wiring = undefined;
    this.wake();
    if (this.closing) return;
    this.emit({ kind: 'disconnected', reason });
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    const [first, cap] = this.o.config.safety.reconnect_ms;
    const deadline = this.now() + this.o.config.safety.reconnect_timeout_s * 1000;
    let wait = first;
    while (!this.closing && this.now() < deadline) {
      await sleep(wait);
      if (this.closing) return;
      try {
        const ros = await this.open();
        this.wire(ros);
        this.log(`reconnected to ${this.url}`);
        this.emit({ kind: 'reconnected' });
        return;
      } catch {
        wait = Math.min(cap, wait * 2);
      }
    }
  }

  private armReading(arm: ArmConfig, pos: Map<string, number>, at: number): ArmReading | undefined {
    const q: number[] = [];
    for (const j of arm.joints) {
      const v = pos.get(j);
      if (v === undefined) return undefined;
      q.push(v);
    }
    const g = pos.get(arm.gripper.joint);
    if (g === undefined) return undefined;
    const opening = (g - arm.gripper.closed) / (arm.gripper.open - arm.gripper.closed);
    return { q, gripper: Math.min(1, Math.max(0, opening)), receivedAt: at };
  }

  private onJointState(m: unknown): void {
    const at = this.now();
    let pos: Map<string, number>;
    try {
      pos = jointPositions(parseJointState(m));
    } catch (e) {
      this.log(`ignored a joint state: ${(e as Error).message}`);
      return;
    }
    let any = false;
    for (const a of ARMS) {
      const r = this.armReading(this.o.config.arms[a], pos, at);
      if (r) {
        this.readings[a] = r;
        any = true;
      }
    }
    if (any) this.wake();
  }

  private onCloud(m: unknown): void {
    try {
      const pc = decodePointCloud2(m);
      const fp = this.o.config.observation.point_cloud?.frame_pose;
      let points = pc.points;
      if (fp) {
        points = new Float32Array(pc.points.length);
        for (let i = 0; i < pc.count; i++) {
          const w = transformPoint(fp, [pc.points[3 * i], pc.points[3 * i + 1], pc.points[3 * i + 2]] as Vec3);
          points.set(w, 3 * i);
        }
      } else if (pc.frame_id && pc.frame_id !== 'world' && !this.warnedFrame) {
        this.warnedFrame = true;
        this.log(`point cloud is in frame "${pc.frame_id}" but robot.yaml gives no frame_pose: taken as world`);
      }
      this.cloud = { points, count: pc.count, receivedAt: this.now() };
    } catch (e) {
      this.log(`ignored a point cloud: ${(e as Error).message}`);
    }
  }

  private onStatus(m: unknown): void {
    try {
      const detail = JSON.parse(parseString(m)) as Record<string, unknown>;
      this.status = { success: detail.success === true, detail, receivedAt: this.now() };
    } catch (e) {
      this.log(`ignored a task status: ${(e as Error).message}`);
    }
  }

  private onEStop(m: unknown): void {
    let on = false;
    try {
      on = parseBool(m);
    } catch {
      return;
    }
    if (on && !this.stopped) this.stop(`e-stop on ${this.o.config.safety.e_stop}`);
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  observe(): RobotObservation | undefined {
    const l = this.readings.left;
    const r = this.readings.right;
    if (!l || !r) return undefined;
    return { arms: { left: l, right: r }, cloud: this.cloud, taskStatus: this.status };
  }

  nextObservation(after: number, timeoutMs: number): Promise<RobotObservation | undefined> {
    const ready = () => {
      const o = this.observe();
      return o && o.arms.left.receivedAt > after && o.arms.right.receivedAt > after ? o : undefined;
    };
    const now = ready();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const check = () => {
        const o = ready();
        if (o || !this.isConnected) finish(o);
      };
      const finish = (o: RobotObservation | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(o);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      this.waiters.add(check);
    });
  }

  async waitUntil(t: number): Promise<void> {
    const ms = t - this.now();
    if (ms > 0) await sleep(ms);
  }

  private sendArm(a: ArmName, cmd: ArmCommand): void {
    if (this.stopped) throw new YotoError(`robot is stopped (${this.stopped}); nothing is sent`, this.name);
    const w = this.wiring;
    if (!w || !this.isConnected) {
      this.dropped++;
      return;
    }
    const arm = this.o.config.arms[a];
    w.commands[a]({ joint_names: arm.joints, points: [{ positions: cmd.q, time_from_start: cmd.duration }] });
    const value = arm.gripper.closed + cmd.gripper * (arm.gripper.open - arm.gripper.closed);
    const last = this.lastGripper[a];
    // The gripper is commanded on change, and again every second so a restarted driver catches up.
    if (!last || last.value !== value || this.now() - last.at > 1000) {
      w.grippers[a].publish(buildFloat64(value));
      this.lastGripper[a] = { value, at: this.now() };
    }
  }

  send(cmd: BimanualCommand): void {
    for (const a of ARMS) this.sendArm(a, cmd[a]);
  }

  hold(): void {
    if (!this.isConnected) return;
    for (const a of ARMS) this.wiring?.holds[a]();
  }

  stop(reason: string): void {
    if (!this.stopped) this.stopped = reason;
    this.hold();
    this.emit({ kind: 'e-stop', reason });
  }

  publishPlan(plan: unknown): void {
    const w = this.wiring;
    if (!w || !this.isConnected || this.now() - this.lastPlanAt < 500) return;
    this.lastPlanAt = this.now();
    if (!w.plan) {
      w.plan = new Topic<unknown>({ ros: w.ros, name: '/yoto/plan', messageType: rosType(this.dialect!, ROS_TYPES.String), reconnect_on_close: false });
      w.plan.advertise();
      w.topics.push(w.plan);
    }
    w.plan.publish(buildString(JSON.stringify(plan)));
  }

  async disconnect(): Promise<void> {
    this.closing = true;
    const w = this.wiring;
    this.wiring = undefined;
    this.isConnected = false;
    if (!w) return;
    for (const t of w.topics) {
      try {
        t.unsubscribe();
        t.unadvertise();
      } catch {
        // a topic that was never subscribed or advertised
      }
    }
    await sleep(20); // let the unsubscribe/unadvertise ops leave before the socket closes
    w.ros.close();
  }
}

/** A WebSocket error as one short phrase (ECONNREFUSED, a DNS failure…). */
export function describeSocketError(e: unknown): string {
  if (e && typeof e === 'object') {
    const err = (e as { error?: unknown; message?: unknown; code?: unknown }).error ?? e;
    const code = (err as { code?: unknown }).code;
    const msg = (err as { message?: unknown }).message;
    if (typeof code === 'string') return code === 'ECONNREFUSED' ? 'connection refused' : code;
    if (typeof msg === 'string' && msg) return msg;
  }
  return 'socket error';
}

