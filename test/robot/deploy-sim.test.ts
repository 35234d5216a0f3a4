/**
 * The deploy loop on the in-process SimRobot (sim clock): a scripted program runs through the same
 * executor, twin and safety layer as on a rosbridge robot, and the task succeeds.
 */
import { describe, expect, it } from 'vitest';
import { World, getTask, sampleScene } from '../../sim/index.ts';
import { readRobotConfig } from '../../robot/config.ts';
import { deploy } from '../../robot/deploy.ts';
import { programSource } from '../../robot/program-source.ts';
import { SimRobot } from '../../robot/sim-robot.ts';

const CONFIG = new URL('../../robot/examples/sim-ur5e.ros1.yaml', import.meta.url).pathname;

describe('deploy on SimRobot', () => {
  for (const rate of [10, 25]) {
    it(`runs the scripted lift-bar program to success at ${rate} Hz`, async () => {
      const task = getTask('lift-bar');
      const scene = sampleScene(task, 3);
      const world = await World.create(task, scene);
      const robot = new SimRobot(world);
      const config = readRobotConfig(CONFIG);
      try {
        const r = await deploy({ robot, config, plan: programSource(task.scripted(scene)), rateHz: rate, maxSeconds: task.maxDuration });
        expect(r.error).toBeUndefined();
        expect(r.success).toBe(true);
        expect(r.ended).toBe('success');
        expect(r.steps).toBeGreaterThan(5 * rate);
        expect(r.rate_hz).toBeGreaterThan(rate * 0.9);
      } finally {
        world.dispose();
      }
    });
  }
});
