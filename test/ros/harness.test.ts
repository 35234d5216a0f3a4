/**
 * Smoke test of the ROS 1 test harness: a private roscore, the FAKE rosbridge (rosbridge_server.py)
 * and the FAKE dual-arm controllers (fake_arms.py), spoken to with the bare rosbridge v2 JSON protocol
 * over `ws`. It never skips: without ROS 1 (which `npm test`'s bootstrap installs) it fails, saying so.
 */
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARM_JOINTS, ARM_JOINT_NAMES, BridgeClient, DEFAULT_HOME, GRIPPER_OPEN, startRos, type RosHarness,
} from './ros-harness.ts';

const LEFT = ARM_JOINTS.map((j) => `left_${j}`);
const LEFT_CMD = '/left_arm_controller/command';
const TRAJ = 'trajectory_msgs/JointTrajectory';
const JS = 'sensor_msgs/JointState';

function positionsOf(js: { name: string[]; position: number[] }, names: readonly string[]): number[] {
  return names.map((n) => js.position[js.name.indexOf(n)]);
}

async function until<T>(what: string, f: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('ROS harness: roscore + fake rosbridge + fake arms', () => {
  let ros: RosHarness;
  let client: BridgeClient;

  beforeAll(async () => {
    ros = await startRos();
    client = await BridgeClient.connect(ros.bridgeUrl);
  }, 45_000);

  afterAll(async () => {
    await client?.close();
    await ros?.stop();
  });

  it('streams /joint_states with both arms and grippers at home', async () => {
    const stamps: number[] = [];
    const js = await client.waitFor('/joint_states', JS, (m) => {
      stamps.push(m.header.stamp.secs + m.header.stamp.nsecs * 1e-9);
      return stamps.length >= 10;
    });
    expect(js.name).toEqual(ARM_JOINT_NAMES);
    expect(js.position).toHaveLength(14);
    expect(positionsOf(js, LEFT)).toEqual(DEFAULT_HOME.left);
    expect(positionsOf(js, ['left_gripper_finger_joint', 'right_gripper_finger_joint'])).toEqual([GRIPPER_OPEN, GRIPPER_OPEN]);
    expect(js.header.stamp.secs).toBeGreaterThan(1e9); // stamped with wall-clock ROS time
    const rate = (stamps.length - 1) / (stamps[stamps.length - 1] - stamps[0]);
    expect(rate).toBeGreaterThan(35);
    expect(rate).toBeLessThan(65);
  });

  it('answers rosapi and generic services', async () => {
    expect(await client.callService('/rosapi/get_ros_version')).toEqual({ version: 1, distro: process.env.ROS_DISTRO || 'debian' });
    const topics = await client.callService('rosapi/topics'); // roslib sends names without the leading slash
    expect(topics.types[topics.topics.indexOf('/joint_states')]).toBe(JS);
    expect(topics.types[topics.topics.indexOf(LEFT_CMD)]).toBe(TRAJ);
    expect(await client.callService('/rosapi/topic_type', { topic: '/left_gripper/command' })).toEqual({ type: 'std_msgs/Float64' });
    // std_srvs/Trigger through rospy.ServiceProxy, its type probed from the service
    expect(await client.callService('/fake_arms/reset')).toEqual({ success: true, message: 'both arms at home' });
    await expect(client.callService('/rosout/get_loggers')).rejects.toThrow(/refusing/);
    await expect(client.callService('/no/such/service')).rejects.toThrow(/does not exist/);
  });

  it('delivers a JointTrajectory to the arm, which logs it and follows it to the target', async () => {
    const target = DEFAULT_HOME.left.map((x, i) => x + [0.2, -0.1, 0.15, 0.05, -0.05, 0.3][i]);
    const mid = DEFAULT_HOME.left.map((x, i) => (x + target[i]) / 2);
    const t0 = Date.now();
    client.advertise(LEFT_CMD, TRAJ);
    client.publish(LEFT_CMD, {
      header: { frame_id: 'base' },
      joint_names: LEFT,
      points: [
        { positions: mid, time_from_start: { secs: 0, nsecs: 400_000_000 } },
        { positions: target, velocities: [0, 0, 0, 0, 0, 0], time_from_start: { secs: 0, nsecs: 800_000_000 } },
      ],
    });

    // (a) what arrived on the ROS side, with ROS 1 field types
    const [rec] = await until('the command log line', () => {
      const c = ros.commands(LEFT_CMD);
      return c.length ? c : undefined;
    });
    expect(rec.type).toBe(TRAJ);
    expect(rec.accepted).toBe(true);
    expect(rec.msg.header).toEqual({ seq: expect.any(Number), stamp: { secs: 0, nsecs: 0 }, frame_id: 'base' });
    expect(rec.msg.joint_names).toEqual(LEFT);
    expect(rec.msg.points).toHaveLength(2);
    expect(rec.msg.points[0]).toEqual({
      positions: mid, velocities: [], accelerations: [], effort: [], time_from_start: { secs: 0, nsecs: 400_000_000 },
    });
    expect(rec.msg.points[1].positions).toEqual(target);
    expect(rec.msg.points[1].velocities).toEqual([0, 0, 0, 0, 0, 0]);

    // (b) /joint_states reaches the target; the right arm stays home
    const js = await client.waitFor('/joint_states', JS, (m) =>
      positionsOf(m, LEFT).every((p, i) => Math.abs(p - target[i]) < 1e-9));
    expect(Date.now() - t0).toBeGreaterThan(700);
    expect(positionsOf(js, ARM_JOINTS.map((j) => `right_${j}`))).toEqual(DEFAULT_HOME.right);
  });

  it('rejects bad trajectories and moves the gripper', async () => {
    const before = ros.commands().length;
    client.publish(LEFT_CMD, { joint_names: ['right_elbow_joint'], points: [{ positions: [0], time_from_start: { secs: 1, nsecs: 0 } }] });
    client.publish(LEFT_CMD, { joint_names: ['left_elbow_joint'], points: [{ positions: [null], time_from_start: { secs: 1, nsecs: 0 } }] });
    client.advertise('/right_gripper/command', 'std_msgs/Float64');
    client.publish('/right_gripper/command', { data: 0.01 });
    const recs = await until('three more command lines', () => {
      const c = ros.commands().slice(before);
      return c.length >= 3 ? c : undefined;
    });
    const traj = recs.filter((r) => r.topic === LEFT_CMD);
    expect(traj.map((r) => r.accepted)).toEqual([false, false]);
    expect(traj[0].reason).toMatch(/not in left_arm_controller/);
    expect(traj[1].reason).toMatch(/non-finite/);
    expect(recs.find((r) => r.topic === '/right_gripper/command')).toMatchObject({ type: 'std_msgs/Float64', msg: { data: 0.01 }, accepted: true });
    await client.waitFor('/joint_states', JS, (m) => Math.abs(positionsOf(m, ['right_gripper_finger_joint'])[0] - 0.01) < 1e-9);
    // a field the message type lacks is an error status, as in rosbridge
    client.publish('/right_gripper/command', { value: 0.02 });
    await until('an error status', () => client.statuses.find((s) => s.level === 'error' && /no field 'value'/.test(s.msg)));
  });

  it('serves clients that come and go, several publishing on one topic', async () => {
    for (let round = 0; round < 4; round++) {
      const c = await BridgeClient.connect(ros.bridgeUrl);
      c.subscribe('/joint_states', JS, () => {});
      c.advertise('/left_gripper/command', 'std_msgs/Float64');
      c.publish('/left_gripper/command', { data: 0.001 * (round + 1) });
      await new Promise((r) => setTimeout(r, 50));
      round % 2 ? c.ws.terminate() : await c.close(); // abrupt and clean disconnects
    }
    const a = await BridgeClient.connect(ros.bridgeUrl);
    const b = await BridgeClient.connect(ros.bridgeUrl);
    try {
      for (const c of [a, b]) c.advertise('/left_gripper/command', 'std_msgs/Float64');
      a.publish('/left_gripper/command', { data: 0.02 });
      b.publish('/left_gripper/command', { data: 0.03 });
      const seen = await until('both clients\' commands', () => {
        const data = ros.commands('/left_gripper/command').map((r) => r.msg.data);
        return data.includes(0.02) && data.includes(0.03) ? data : undefined;
      });
      expect(seen).toEqual(expect.arrayContaining([0.001, 0.002, 0.003, 0.004]));
      // throttle_rate (ms) limits what a subscriber gets
      const times: number[] = [];
      const off = a.subscribe('/joint_states', JS, () => times.push(Date.now()), { throttle_rate: 200 });
      await new Promise((r) => setTimeout(r, 1100));
      off();
      expect(times.length).toBeGreaterThanOrEqual(3);
      expect(times.length).toBeLessThanOrEqual(7);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('pauses, kills and restarts children for fault tests', async () => {
    const c = await BridgeClient.connect(ros.bridgeUrl);
    let n = 0;
    c.subscribe('/joint_states', JS, () => n++);
    await until('joint states', () => (n > 0 ? n : undefined));
    ros.pause('arms');
    await new Promise((r) => setTimeout(r, 200));
    const frozen = n;
    await new Promise((r) => setTimeout(r, 400));
    expect(n - frozen).toBeLessThanOrEqual(1);
    ros.resume('arms');
    await until('joint states after resume', () => (n > frozen + 5 ? n : undefined));
    const closed = new Promise((r) => c.ws.once('close', r));
    ros.kill('bridge');
    await closed;
    expect(ros.alive('bridge')).toBe(false);
    await ros.restart('bridge');
    expect(ros.alive('bridge')).toBe(true);
    const again = await BridgeClient.connect(ros.bridgeUrl);
    await again.waitFor('/joint_states', JS);
    await again.close();
  });

  it('stops every process it started', async () => {
    const pids = ros.livePids();
    expect(pids.length).toBeGreaterThanOrEqual(5); // roscore, rosmaster, rosout, fake arms, bridge
    await client.close();
    await ros.stop();
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return !/\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie is not running
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    expect(ros.livePids()).toEqual([]);
  }, 20_000);
});
