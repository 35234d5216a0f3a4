/**
 * `yoto sim serve` + `yoto deploy` over rosbridge: the simulated workcell in its own process,
 * driven through roslib exactly as a real robot would be. The scripted lift-bar program succeeds
 * (the task status topic says so) in ROS 1 and ROS 2 dialects, with the dialect given or asked
 * of rosapi; a paused server (stale readings) holds the arms and the run still succeeds.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RosbridgeRobot, deploy, programSource, readRobotConfig, type DeployResult } from '../../robot/index.ts';
import { getTask, sampleScene } from '../../sim/index.ts';
import { runNode } from '../fixtures/run-node.ts';
import { robotYaml } from './ros1-fixture.ts';
import { spawnSimServe } from './sim-serve-process.ts';

const EXAMPLE_ROS2 = new URL('../../robot/examples/sim-ur5e.ros2.yaml', import.meta.url).pathname;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) {
    c.kill('SIGCONT');
    c.kill('SIGTERM');
  }
});

async function serve(args: string[]) {
  const s = await spawnSimServe(args);
  children.push(s.child);
  return s;
}

function scriptedProgramFile(seed: number): string {
  const task = getTask('lift-bar');
  const file = join(mkdtempSync(join(tmpdir(), 'yoto-deploy-')), 'program.json');
  writeFileSync(file, JSON.stringify(task.scripted(sampleScene(task, seed))));
  return file;
}

describe('yoto sim serve + yoto deploy', () => {
  it('ROS 1: the scripted lift-bar program succeeds over rosbridge (CLI both sides)', async () => {
    const s = await serve(['--task', 'lift-bar', '--seed', '3']);
    const r = await runNode(['bin/yoto.js', 'deploy', '--robot', robotYaml(), '--program', scriptedProgramFile(3), '--url', s.url, '--yes', '--json'], { timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as DeployResult;
    expect(out.success).toBe(true);
    expect(out.ended).toBe('success');
    expect(out.steps).toBeGreaterThan(50); // (rate, latency and holds depend on the machine's load: the bench measures them)
  });

  it('ROS 2, dialect asked of rosapi, the left arm through FollowJointTrajectory: succeeds too', async () => {
    const s = await serve(['--task', 'lift-bar', '--seed', '4', '--dialect', 'ros2']);
    const config = readRobotConfig(robotYaml((c) => (c.dialect = 'auto'), EXAMPLE_ROS2));
    const robot = new RosbridgeRobot({ config, url: s.url });
    const task = getTask('lift-bar');
    const r = await deploy({ robot, config, plan: programSource(task.scripted(sampleScene(task, 4))), maxSeconds: 40 });
    expect(robot.dialect).toBe('ros2');
    expect(r.error).toBeUndefined();
    expect(r.success).toBe(true);
  });

  it('the server paused mid-motion: the loop holds on stale readings, resumes on fresh ones, and the task still succeeds', async () => {
    const s = await serve(['--task', 'lift-bar', '--seed', '5']);
    const config = readRobotConfig(robotYaml());
    const robot = new RosbridgeRobot({ config, url: s.url });
    const task = getTask('lift-bar');
    let paused = false;
    const r = await deploy({
      robot,
      config,
      plan: programSource(task.scripted(sampleScene(task, 5))),
      maxSeconds: 40,
      onTick: (t) => {
        if (t.step === 25 && !paused) {
          paused = true;
          s.child.kill('SIGSTOP');
          setTimeout(() => s.child.kill('SIGCONT'), 800);
        }
      },
    });
    expect(r.error).toBeUndefined();
    expect(r.holds).toBeGreaterThanOrEqual(1);
    expect(r.stale_ticks).toBeGreaterThan(0);
    expect(r.success).toBe(true);
  });
});
