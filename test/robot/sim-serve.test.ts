/**
 * `yoto sim serve` in-process, spoken to with the real roslib client: joint states with the
 * names of robot/examples/sim-ur5e.*.yaml in both dialects, JointTrajectory commands, ROS 1
 * actionlib goals and ROS 2 actions, the gripper, the depth camera's PointCloud2 (JSON, CBOR and
 * fragmented alike), the task status, the reset service, and refused commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Action, Ros, Service, Topic, type RosbridgeMessage } from '../../robot/rosbridge/roslib.ts';
import { readRobotConfig, type ArmConfig } from '../../robot/config.ts';
import { startSimServer, type SimServer } from '../../robot/sim-server/index.ts';
import {
  buildFloat64,
  buildFollowJointTrajectoryActionGoal,
  buildFollowJointTrajectoryGoal,
  buildJointTrajectory,
  decodePointCloud2,
  fromRosTime,
  jointPositions,
  parseFollowJointTrajectoryResult,
  parseJointState,
  parseString,
  rosType,
  type JointState,
  type RosDialect,
} from '../../robot/rosbridge/messages.ts';
import { HOME_Q } from '../../sim/index.ts';

const example = (d: RosDialect) => readRobotConfig(new URL(`../../robot/examples/sim-ur5e.${d}.yaml`, import.meta.url).pathname);

/** The arm's JointTrajectory topic, or its FollowJointTrajectory action, as robot.yaml gives it. */
const commandTopic = (arm: ArmConfig): string => ('topic' in arm.command ? arm.command.topic : '');
const commandAction = (arm: ArmConfig): string => ('action' in arm.command ? arm.command.action : '');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, get: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function connect(url: string, opened: Ros[]): Promise<Ros> {
  const ros = new Ros({ url });
  opened.push(ros);
  await new Promise<void>((resolve, reject) => {
    ros.once('connection', () => resolve());
    ros.once('error', (e) => reject(new Error(`cannot connect: ${String(e)}`)));
  });
  return ros;
}

function call<T>(ros: Ros, name: string, type: string, args: Record<string, unknown> = {}): Promise<T> {
  return new Promise((resolve, reject) => new Service<Record<string, unknown>, T>({ ros, name, serviceType: type }).callService(args, resolve, (e) => reject(new Error(e))));
}

/** Latest JointState on /joint_states. */
function watchJoints(ros: Ros, dialect: RosDialect): { latest?: JointState; raw?: Record<string, unknown>; count: number } {
  const w: { latest?: JointState; raw?: Record<string, unknown>; count: number } = { count: 0 };
  new Topic<Record<string, unknown>>({ ros, name: '/joint_states', messageType: rosType(dialect, 'sensor_msgs/JointState') }).subscribe((m) => {
    w.raw = m;
    w.latest = parseJointState(m);
    w.count++;
  });
  return w;
}

const near = (a: readonly number[], b: readonly number[], tol: number) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= tol);

/** A raw publish op with a known id: the bridge's status about it arrives as roslib's `status:<id>` event. */
function publishRaw(ros: Ros, topic: string, msg: unknown, id: string): Promise<RosbridgeMessage> {
  const status = new Promise<RosbridgeMessage>((resolve) => ros.once(`status:${id}`, resolve));
  ros.callOnConnection({ op: 'publish', id, topic, msg });
  return status;
}

describe('yoto sim serve, ROS 1 dialect', () => {
  const cfg = example('ros1');
  const left = cfg.arms.left;
  const right = cfg.arms.right;
  let server: SimServer;
  const clients: Ros[] = [];
  let ros: Ros;
  let joints: ReturnType<typeof watchJoints>;

  beforeAll(async () => {
    server = await startSimServer({ task: 'lift-bar', seed: 3, dialect: 'ros1', port: 0 });
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    ros = await connect(server.url, clients);
    joints = watchJoints(ros, 'ros1');
    // The trajectory topics are advertised by the client once, as a real driver's user would.
    new Topic({ ros, name: commandTopic(left), messageType: 'trajectory_msgs/JointTrajectory' }).advertise();
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  it('publishes joint states with the names of sim-ur5e.ros1.yaml, ROS 1 header and types', async () => {
    const js = await waitFor('joint states', () => joints.latest);
    for (const arm of [left, right]) {
      for (const j of arm.joints) expect(js.name).toContain(j);
      expect(js.name).toContain(arm.gripper.joint);
    }
    expect(js.name).toHaveLength(14);
    const header = joints.raw!.header as Record<string, unknown>;
    expect(header.stamp).toHaveProperty('secs');
    expect(header.stamp).toHaveProperty('nsecs');
    expect(typeof header.seq).toBe('number');
    expect(Math.abs(fromRosTime(header.stamp) - Date.now() / 1000)).toBeLessThan(5);
    const pos = jointPositions(js);
    expect(near(left.joints.map((j) => pos.get(j)!), HOME_Q.left, 0.02)).toBe(true);
    expect(pos.get(left.gripper.joint)).toBeCloseTo(left.gripper.open, 2);

    expect(await call(ros, '/rosapi/get_ros_version', 'rosapi/GetROSVersion')).toEqual({ version: 1, distro: 'noetic' });
    const topics = await call<{ topics: string[]; types: string[] }>(ros, '/rosapi/topics', 'rosapi/Topics');
    const typeOf = (t: string) => topics.types[topics.topics.indexOf(t)];
    expect(typeOf('/joint_states')).toBe('sensor_msgs/JointState');
    expect(typeOf(cfg.observation.point_cloud!.topic)).toBe('sensor_msgs/PointCloud2');
    expect(typeOf(cfg.observation.task_status!)).toBe('std_msgs/String');
    expect(typeOf(cfg.safety.e_stop!)).toBe('std_msgs/Bool');
    expect(typeOf('/left_arm_controller/command')).toBe('trajectory_msgs/JointTrajectory');
    expect(typeOf('/right_arm_controller/follow_joint_trajectory/goal')).toBe('control_msgs/FollowJointTrajectoryActionGoal');

    // About 50 Hz.
    const n0 = joints.count;
    await sleep(1000);
    expect(joints.count - n0).toBeGreaterThan(25);
  });

  it('moves an arm along a JointTrajectory (given in any joint order) and closes the gripper', async () => {
    const target = [-0.3, -1.9, 2.0, -1.7, -1.571, 2.5];
    const order = [5, 0, 3, 1, 4, 2];
    const traj = buildJointTrajectory('ros1', {
      joint_names: order.map((i) => left.joints[i]),
      points: [
        { positions: order.map((i) => (HOME_Q.left[i] + target[i]) / 2), time_from_start: 0.3 },
        { positions: order.map((i) => target[i]), time_from_start: 0.6 },
      ],
    });
    new Topic({ ros, name: commandTopic(left), messageType: 'trajectory_msgs/JointTrajectory' }).publish(traj);
    new Topic({ ros, name: left.gripper.command.topic, messageType: 'std_msgs/Float64' }).publish(buildFloat64(left.gripper.closed));
    await waitFor('the left arm at the target', () => {
      const p = jointPositions(joints.latest!);
      return near(left.joints.map((j) => p.get(j)!), target, 0.01);
    });
    expect(near(server.world.armQ('left'), target, 0.01)).toBe(true);
    await waitFor('the left gripper closed', () => jointPositions(joints.latest!).get(left.gripper.joint)! < 0.003);
    expect(server.world.gripperOpening('left')).toBeLessThan(0.1);
    // The right arm did not move.
    expect(near(server.world.armQ('right'), HOME_Q.right, 0.02)).toBe(true);
    new Topic({ ros, name: left.gripper.command.topic, messageType: 'std_msgs/Float64' }).publish(buildFloat64(left.gripper.open));
    await waitFor('the left gripper open again', () => jointPositions(joints.latest!).get(left.gripper.joint)! > 0.04);
  });

  it('runs a FollowJointTrajectoryActionGoal and publishes its result', async () => {
    const action = '/right_arm_controller/follow_joint_trajectory';
    const results: ReturnType<typeof parseFollowJointTrajectoryResult>[] = [];
    new Topic({ ros, name: `${action}/result`, messageType: 'control_msgs/FollowJointTrajectoryActionResult' }).subscribe((m) => results.push(parseFollowJointTrajectoryResult(m)));
    await sleep(100);
    const target = [-0.6, -2.0, 2.2, -1.6, -1.4, -0.3];
    const goal = buildFollowJointTrajectoryActionGoal({ joint_names: right.joints, points: [{ positions: target, time_from_start: 0.5 }] }, { goalId: 'test-goal-1' });
    new Topic({ ros, name: `${action}/goal`, messageType: 'control_msgs/FollowJointTrajectoryActionGoal' }).publish(goal);
    const r = await waitFor('the goal result', () => results.find((x) => x.goalId === 'test-goal-1'));
    expect(r.status).toBe(3); // SUCCEEDED
    expect(r.error_code).toBe(0);
    await waitFor('the right arm at the goal', () => near(server.world.armQ('right'), target, 0.01));
  });

  it('refuses trajectories with unknown joints, NaN or out-of-range positions, and moves nothing', async () => {
    const topic = commandTopic(left);
    const before = server.world.armCtrl('left');
    const good = [-0.3, -1.9, 2.0, -1.7, -1.571, 2.5];
    const bad = async (id: string, names: string[], positions: (number | null)[]) => {
      const msg = buildJointTrajectory('ros1', { joint_names: names, points: [{ positions: positions as number[], time_from_start: 0.5 }] });
      const s = await publishRaw(ros, topic, msg, id);
      expect(s.level).toBe('warning');
      return String(s.msg);
    };
    expect(await bad('bad-name', [...left.joints.slice(0, 5), 'left_wrist_9_joint'], good)).toMatch(/unknown joint "left_wrist_9_joint"/);
    expect(await bad('bad-other-arm', right.joints, good)).toMatch(/unknown joints/);
    // JSON has no NaN: roslib sends null, which the server reads as NaN.
    expect(await bad('bad-nan', left.joints, [NaN, ...good.slice(1)])).toMatch(/left_shoulder_pan_joint position is (NaN|null)/);
    expect(await bad('bad-range', left.joints, [good[0], 0.5, ...good.slice(2)])).toMatch(/left_shoulder_lift_joint = 0\.5000 rad is outside its range/);
    expect(await bad('bad-count', left.joints, good.slice(0, 5))).toMatch(/5 positions for 6 joints/);
    const g = await publishRaw(ros, left.gripper.command.topic, { data: null }, 'bad-gripper');
    expect(g.msg).toMatch(/not a finite opening/);
    await sleep(200);
    expect(server.world.armCtrl('left')).toEqual(before);
  });

  it('delivers the same point cloud as JSON, CBOR and in fragments: ~512 finite points in the workcell', async () => {
    const topic = cfg.observation.point_cloud!.topic;
    const got: Record<'json' | 'cbor' | 'fragments', Map<number, Float32Array>> = { json: new Map(), cbor: new Map(), fragments: new Map() };
    const frames: string[] = [];
    const collect = (into: Map<number, Float32Array>) => (m: unknown) => {
      const pc = decodePointCloud2(m);
      frames.push(pc.frame_id);
      into.set(((m as { header: { seq: number } }).header).seq, pc.points);
    };
    const a = await connect(server.url, clients);
    const b = await connect(server.url, clients);
    const c = await connect(server.url, clients);
    new Topic({ ros: a, name: topic, messageType: 'sensor_msgs/PointCloud2' }).subscribe(collect(got.json));
    new Topic({ ros: b, name: topic, messageType: 'sensor_msgs/PointCloud2', compression: 'cbor' }).subscribe((m) => {
      expect((m as { data: unknown }).data).toBeInstanceOf(Uint8Array); // bytes, not base64
      collect(got.cbor)(m);
    });
    // roslib's Topic has no fragment_size: subscribe by hand and listen on the topic's event.
    c.on(topic, (m) => collect(got.fragments)(m.msg));
    c.callOnConnection({ op: 'subscribe', id: 'fragmented', topic, type: 'sensor_msgs/PointCloud2', fragment_size: 1000 });
    const common = await waitFor(
      'one cloud in all three forms',
      () => [...got.json.keys()].find((seq) => got.cbor.has(seq) && got.fragments.has(seq)),
      6000,
    );
    const json = got.json.get(common)!;
    expect(Array.from(got.cbor.get(common)!)).toEqual(Array.from(json));
    expect(Array.from(got.fragments.get(common)!)).toEqual(Array.from(json));
    expect(frames.every((f) => f === 'world')).toBe(true);
    const n = json.length / 3;
    expect(n).toBeGreaterThanOrEqual(500);
    expect(n).toBeLessThanOrEqual(512);
    for (let i = 0; i < n; i++) {
      const [x, y, z] = [json[3 * i], json[3 * i + 1], json[3 * i + 2]];
      expect(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z)).toBe(true);
      expect(Math.abs(x) <= 0.5 && Math.abs(y) <= 0.7 && z >= 0.001 && z <= 1.0).toBe(true);
    }
    // The bar (at the table centre, 4 cm tall) is in view.
    let onBar = 0;
    for (let i = 0; i < n; i++) if (Math.abs(json[3 * i]) < 0.15 && Math.abs(json[3 * i + 1]) < 0.3 && json[3 * i + 2] < 0.06) onBar++;
    expect(onBar).toBeGreaterThan(20);
  });

  it('reports the task status and resets to the next seeded placement with the arms home', async () => {
    const status: Record<string, unknown>[] = [];
    new Topic({ ros, name: cfg.observation.task_status!, messageType: 'std_msgs/String' }).subscribe((m) => status.push(JSON.parse(parseString(m))));
    const first = await waitFor('a task status', () => status[0]);
    expect(first).toMatchObject({ task: 'lift-bar', seed: 3, success: false });
    expect(typeof first.time).toBe('number');
    const barBefore = server.world.bodyPose('bar').position;
    const r = await call<{ success: boolean; message: string }>(ros, '/yoto/reset', 'std_srvs/Trigger');
    expect(r).toEqual({ success: true, message: 'seed 4' });
    expect(server.seed).toBe(4);
    const barAfter = server.world.bodyPose('bar').position;
    expect(Math.hypot(barAfter[0] - barBefore[0], barAfter[1] - barBefore[1])).toBeGreaterThan(0.002);
    await waitFor('a status at seed 4', () => status.find((s) => s.seed === 4));
    await waitFor('the arms home', () => {
      const p = jointPositions(joints.latest!);
      return near(left.joints.map((j) => p.get(j)!), HOME_Q.left, 0.02) && near(right.joints.map((j) => p.get(j)!), HOME_Q.right, 0.02);
    });
  });
});

describe('yoto sim serve, ROS 2 dialect', () => {
  const cfg = example('ros2');
  const left = cfg.arms.left;
  const right = cfg.arms.right;
  let server: SimServer;
  const clients: Ros[] = [];
  let ros: Ros;
  let joints: ReturnType<typeof watchJoints>;

  beforeAll(async () => {
    server = await startSimServer({ task: 'drawer', seed: 1, dialect: 'ros2', port: 0 });
    ros = await connect(server.url, clients);
    joints = watchJoints(ros, 'ros2');
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  it('publishes joint states with the names of sim-ur5e.ros2.yaml and ROS 2 types and time fields', async () => {
    const js = await waitFor('joint states', () => joints.latest);
    for (const arm of [left, right]) {
      for (const j of arm.joints) expect(js.name).toContain(j);
      expect(js.name).toContain(arm.gripper.joint);
    }
    const header = joints.raw!.header as Record<string, unknown>;
    expect(header.stamp).toHaveProperty('sec');
    expect(header.stamp).toHaveProperty('nanosec');
    expect(header).not.toHaveProperty('seq');
    expect(await call(ros, '/rosapi/get_ros_version', 'rosapi_msgs/srv/GetROSVersion')).toEqual({ version: 2, distro: 'humble' });
    expect(await call(ros, '/rosapi/topic_type', 'rosapi_msgs/srv/TopicType', { topic: '/joint_states' })).toEqual({ type: 'sensor_msgs/msg/JointState' });
    const actions = await call<{ action_servers: string[] }>(ros, '/rosapi/action_servers', 'rosapi_msgs/srv/GetActionServers');
    expect(actions.action_servers).toContain(commandAction(left));
  });

  it('runs a FollowJointTrajectory action goal (feedback, result) and a JointTrajectory on the topic', async () => {
    const name = commandAction(left);
    const action = new Action<unknown, Record<string, unknown>, Record<string, unknown>>({ ros, name, actionType: rosType('ros2', 'control_msgs/FollowJointTrajectory') });
    const target = [-0.2, -2.0, 2.0, -1.5, -1.571, 2.3];
    const feedback: Record<string, unknown>[] = [];
    const result = await new Promise<Record<string, unknown>>((resolve, reject) =>
      action.sendGoal(
        buildFollowJointTrajectoryGoal('ros2', { joint_names: left.joints, points: [{ positions: target, time_from_start: 0.6 }] }),
        resolve,
        (f) => feedback.push(f),
        (e) => reject(new Error(e)),
      ),
    );
    expect(result).toEqual({ error_code: 0, error_string: '' });
    expect(feedback.length).toBeGreaterThan(0);
    expect(feedback[0]).toHaveProperty('joint_names', left.joints);
    await waitFor('the left arm at the goal', () => near(server.world.armQ('left'), target, 0.01));

    // A refused goal fails (roslib's failedCallback) and nothing moves.
    const before = server.world.armCtrl('left');
    const err = await new Promise<string>((resolve, reject) =>
      action.sendGoal(
        buildFollowJointTrajectoryGoal('ros2', { joint_names: left.joints, points: [{ positions: [9, ...target.slice(1)], time_from_start: 0.5 }] }),
        () => reject(new Error('a bad goal succeeded')),
        undefined,
        resolve,
      ),
    );
    expect(err).toMatch(/outside its range/);
    expect(server.world.armCtrl('left')).toEqual(before);

    // The right arm takes JointTrajectory messages with ROS 2 type names and durations.
    const rt = [-0.7, -2.1, 2.1, -1.6, -1.571, -0.2];
    const msg = buildJointTrajectory('ros2', { joint_names: right.joints, points: [{ positions: rt, time_from_start: 0.5 }] });
    expect(msg.points[0].time_from_start).toEqual({ sec: 0, nanosec: 500000000 });
    new Topic({ ros, name: commandTopic(right), messageType: 'trajectory_msgs/msg/JointTrajectory' }).publish(msg);
    await waitFor('the right arm at the target', () => {
      const p = jointPositions(joints.latest!);
      return near(right.joints.map((j) => p.get(j)!), rt, 0.01);
    });
  });

  it('cancelling a running goal holds the arm where it is', async () => {
    const name = commandAction(left);
    const action = new Action<unknown, unknown, unknown>({ ros, name, actionType: 'control_msgs/action/FollowJointTrajectory' });
    const from = server.world.armQ('left');
    const far = [0.4, -1.6, 1.6, -1.6, -1.571, 2.3];
    const failed = new Promise<string>((resolve) =>
      action.sendGoal(buildFollowJointTrajectoryGoal('ros2', { joint_names: left.joints, points: [{ positions: far, time_from_start: 3 }] }), () => resolve('succeeded'), undefined, resolve),
    );
    await sleep(400);
    // A second goal preempts the first (CANCELED); then cancelling the second holds the arm.
    const goalId = action.sendGoal(buildFollowJointTrajectoryGoal('ros2', { joint_names: left.joints, points: [{ positions: far, time_from_start: 3 }] }), () => {}, undefined, () => {});
    expect(await failed).toMatch(/canceled/i); // preempted by the second goal
    await sleep(200);
    action.cancelGoal(goalId!);
    await sleep(300);
    const held = server.world.armQ('left');
    await sleep(300);
    expect(near(server.world.armQ('left'), held, 0.01)).toBe(true);
    expect(near(held, far, 0.05)).toBe(false);
    expect(near(held, from, 0.01)).toBe(false);
  });
});
