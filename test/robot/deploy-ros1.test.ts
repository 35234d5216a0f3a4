/**
 * `yoto deploy` against a real ROS 1 master: roscore, a rosbridge v2 server on rospy and rospy
 * nodes standing in for the two arms' controllers (test/ros/, fakes named as such). Checked on the
 * ROS side: type-correct JointTrajectory messages with the configured joint names arrive, and
 * /joint_states follows them. Then the faults: the bridge paused (stale readings), the bridge
 * killed (lost, and back), an e-stop, limits a command would break, a malformed robot.yaml.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARMS } from '../../core/program.ts';
import { RosbridgeRobot, deploy, programSource, readRobotConfig, type DeployResult, type TickInfo } from '../../robot/index.ts';
import { runNode } from '../fixtures/run-node.ts';
import { BridgeClient, startRos, type CommandRecord, type RosHarness } from '../ros/ros-harness.ts';
import { robotYaml, shortProgram } from './ros1-fixture.ts';

const LEFT = '/left_arm_controller/command';
const RIGHT = '/right_arm_controller/command';
const secs = (d: { secs: number; nsecs: number }) => d.secs + d.nsecs * 1e-9;

/** Every logged trajectory is well-formed ROS 1 with the arm's configured joints. */
function expectWellFormed(records: CommandRecord[], side: 'left' | 'right'): void {
  const names = ['shoulder_pan', 'shoulder_lift', 'elbow', 'wrist_1', 'wrist_2', 'wrist_3'].map((j) => `${side}_${j}_joint`);
  for (const r of records) {
    expect(r.type).toBe('trajectory_msgs/JointTrajectory');
    expect(r.accepted, r.reason ?? '').toBe(true);
    expect(r.msg.joint_names).toEqual(names);
    expect(Object.keys(r.msg.header.stamp).sort()).toEqual(['nsecs', 'secs']);
    for (const p of r.msg.points) {
      expect(p.positions).toHaveLength(6);
      expect(p.positions.every(Number.isFinite)).toBe(true);
      expect(secs(p.time_from_start)).toBeGreaterThan(0);
    }
  }
}

describe('yoto deploy over rosbridge to ROS 1 arms', () => {
  let ros: RosHarness;
  let programFile: string;

  beforeAll(async () => {
    ros = await startRos();
    programFile = join(ros.tmp, 'program.json');
    writeFileSync(programFile, JSON.stringify(await shortProgram()));
  });
  afterAll(async () => {
    await ros?.stop();
  });

  it('yoto deploy --program sends JointTrajectory commands with the configured joints, and the joint states follow', async () => {
    const r = await runNode(['bin/yoto.js', 'deploy', '--robot', robotYaml(), '--program', programFile, '--url', ros.bridgeUrl, '--yes', '--json'], { timeout: 90_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as DeployResult;
    expect(out.ended).toBe('done');
    expect(out.success).toBeNull(); // this robot publishes no task status
    expect(out.steps).toBeGreaterThan(20);
    // Rate and latency are wall-clock figures: npm run bench -- deploy measures them, tests do not.
    expect(out.latency_ms.p99).toBeGreaterThanOrEqual(out.latency_ms.p50);
    for (const [topic, side] of [[LEFT, 'left'], [RIGHT, 'right']] as const) {
      const cmds = ros.commands(topic);
      expect(cmds.length).toBeGreaterThanOrEqual(out.steps);
      expectWellFormed(cmds, side);
    }
    const grip = ros.commands('/left_gripper/command').map((c) => c.msg.data as number);
    expect(grip).toContain(0); // closed at "across"
    expect(grip.at(-1)).toBeCloseTo(0.045); // open again at the end
    // The fake arms' /joint_states ended where the last command sent them.
    const client = await BridgeClient.connect(ros.bridgeUrl);
    try {
      const js = await client.waitFor('/joint_states', 'sensor_msgs/JointState');
      const last = ros.commands(LEFT).filter((c) => c.msg.points.length > 0).at(-1)!.msg.points[0].positions as number[];
      last.forEach((q, i) => expect(js.position[i]).toBeCloseTo(q, 3));
    } finally {
      client.close();
    }
  });

  /** The same run through the library, with a hook at every tick (for fault injection). */
  async function run(onTick: (t: TickInfo) => void | Promise<void>, edit?: (cfg: Record<string, any>) => void): Promise<{ r: DeployResult; t0: number }> {
    const config = readRobotConfig(robotYaml(edit));
    const robot = new RosbridgeRobot({ config, url: ros.bridgeUrl });
    const t0 = Date.now() / 1000;
    const r = await deploy({ robot, config, plan: programSource(await shortProgram()), maxSeconds: 40, onTick: (t) => void onTick(t) });
    return { r, t0 };
  }

  it('the bridge paused mid-motion: readings go stale, the arms hold, and motion resumes only on fresh readings', async () => {
    let paused = false;
    let resumedAt = 0;
    const { r, t0 } = await run((t) => {
      if (t.step === 12 && !paused) {
        paused = true;
        ros.pause('bridge');
        setTimeout(() => {
          resumedAt = Date.now() / 1000;
          ros.resume('bridge');
        }, 1000);
      }
    });
    expect(r.error).toBeUndefined();
    expect(r.ended).toBe('done');
    expect(r.holds).toBeGreaterThanOrEqual(1);
    expect(r.stale_ticks).toBeGreaterThan(0);
    // On the ROS side: after the pause the first thing that arrives is the hold (an empty
    // trajectory), never a command computed from the stale readings.
    const after = ros.commands(LEFT).filter((c) => c.t >= t0);
    const firstAfterResume = after.findIndex((c) => c.t >= resumedAt - 0.05);
    expect(firstAfterResume).toBeGreaterThan(0);
    // (at most one motion command, sent before the pause and still in the socket, may come first)
    const firstHold = after.findIndex((c, i) => i >= firstAfterResume && c.msg.points.length === 0);
    expect(firstHold).toBeGreaterThanOrEqual(firstAfterResume);
    expect(firstHold).toBeLessThanOrEqual(firstAfterResume + 1);
  });

  it('the bridge killed mid-motion and restarted: deploy reconnects, waits for fresh readings, finishes', async () => {
    let killed = false;
    const { r } = await run(async (t) => {
      if (t.step === 10 && !killed) {
        killed = true;
        ros.kill('bridge');
        setTimeout(() => void ros.restart('bridge'), 500);
      }
    });
    expect(r.error).toBeUndefined();
    expect(r.reconnects).toBe(1);
    expect(r.holds).toBeGreaterThanOrEqual(1);
    expect(r.ended).toBe('done');
  });

  it('the bridge killed for good: a hold, reconnect attempts, then one clear error and nothing more sent', async () => {
    let killedAt = 0;
    const { r } = await run(
      (t) => {
        if (t.step === 10 && !killedAt) {
          killedAt = Date.now() / 1000;
          ros.kill('bridge');
        }
      },
      (cfg) => (cfg.safety = { ...cfg.safety, reconnect_ms: [100, 400], reconnect_timeout_s: 2 }),
    );
    expect(r.ended).toBe('error');
    expect(r.error).toMatch(/connection lost and not back within 2 s/);
    await ros.restart('bridge');
    expect(ros.commands(LEFT).filter((c) => c.t > killedAt + 0.05)).toHaveLength(0);
  });

  it('a command that would break a joint limit is refused before it is sent', async () => {
    // Earlier runs left the arms where they stopped: home first.
    const client = await BridgeClient.connect(ros.bridgeUrl);
    try {
      await client.callService('/fake_arms/reset', {});
    } finally {
      client.close();
    }
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now() / 1000;
    // The program lifts the arms: shoulder_lift leaves a band 0.01 rad around its home value.
    const { r } = await run(() => {}, (cfg) => {
      for (const a of ARMS) cfg.arms[a].position_limits[1] = [-2.134, -2.114];
    });
    expect(r.ended).toBe('error');
    expect(r.error).toMatch(/shoulder_lift_joint would go to -?\d+\.\d+ rad, outside its limits \[-2\.134, -2\.114\]/);
    for (const c of ros.commands(LEFT).filter((x) => x.t >= t0)) for (const p of c.msg.points) expect(Math.abs(p.positions[1] + 2.124)).toBeLessThanOrEqual(0.0100001);
  });
  it('an e-stop stops the run and holds the arms; nothing moves after it (last: the bridge replays it to late subscribers)', async () => {
    const client = await BridgeClient.connect(ros.bridgeUrl);
    let sentAt = 0;
    try {
      client.advertise('/yoto/e_stop', 'std_msgs/Bool');
      const { r } = await run((t) => {
        if (t.step === 8 && !sentAt) {
          sentAt = Date.now() / 1000;
          client.publish('/yoto/e_stop', { data: true });
        }
      });
      expect(r.ended).toBe('e-stop');
      expect(r.error).toMatch(/e-stop on \/yoto\/e_stop/);
    } finally {
      client.close();
    }
    const after = ros.commands(RIGHT).filter((c) => c.t > sentAt + 0.3);
    expect(after.every((c) => c.msg.points.length === 0)).toBe(true);
  });

});

describe('yoto deploy: bad robot.yaml', () => {
  it('a malformed robot.yaml is one line naming the file and field, non-zero exit, nothing sent', async () => {
    const bad = robotYaml((cfg) => (cfg.arms.left.velocity_limits = [3.14, 3.14]));
    const r = await runNode(['bin/yoto.js', 'deploy', '--robot', bad, '--program', 'nope.json', '--url', 'ws://127.0.0.1:9', '--yes'], { timeout: 60_000 });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/robot\.yaml: invalid arms\.left\.velocity_limits: /);
  });
});
