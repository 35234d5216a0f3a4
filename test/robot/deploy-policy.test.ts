/**
 * The policy path of the deploy loop on SimRobot, with a stand-in policy (a test double of
 * policy/Policy that answers with the task's scripted program for the scene it was built for):
 * the controller plans from the first observation (cloud + proprio), re-plans as the arms move
 * on, and the task succeeds; a prediction with a NaN stops the run before anything moves on it.
 */
import { describe, expect, it } from 'vitest';
import type { Program } from '../../core/program.ts';
import type { Observation, Policy, Prediction } from '../../policy/index.ts';
import { readRobotConfig } from '../../robot/config.ts';
import { deploy } from '../../robot/deploy.ts';
import { policySource } from '../../robot/policy-source.ts';
import { SimRobot } from '../../robot/sim-robot.ts';
import { DEFAULT_AUGMENT_CAMERA } from '../../augment/index.ts';
import { World, getTask, sampleScene } from '../../sim/index.ts';

const CONFIG = new URL('../../robot/examples/sim-ur5e.ros1.yaml', import.meta.url).pathname;

/** A stand-in program policy; `corrupt(k)` may spoil prediction k. */
function scriptedPolicy(program: Program, seen: Observation[], corrupt: (k: number, p: Program) => Program = (_k, p) => p): Policy {
  return {
    action: 'program',
    task: 'lift-bar',
    chunk: undefined,
    keyposes: { left: program.arms.left.length, right: program.arms.right.length },
    inferenceSteps: 10,
    meta: { camera: DEFAULT_AUGMENT_CAMERA },
    predict: (obs: Observation): Prediction => {
      seen.push(obs);
      return { action: 'program', program: corrupt(seen.length - 1, structuredClone(program)) };
    },
  } as unknown as Policy;
}

async function simRobot(seed: number) {
  const task = getTask('lift-bar');
  const scene = sampleScene(task, seed);
  const world = await World.create(task, scene);
  return { world, robot: new SimRobot(world, { camera: DEFAULT_AUGMENT_CAMERA }), program: task.scripted(scene) };
}

describe('deploy --policy on SimRobot', () => {
  it('plans from the first observation, re-plans along the way, and the task succeeds', async () => {
    const { world, robot, program } = await simRobot(4);
    const seen: Observation[] = [];
    try {
      const r = await deploy({ robot, config: readRobotConfig(CONFIG), plan: policySource(scriptedPolicy(program, seen), { seed: 100 }), maxSeconds: 25 });
      expect(r.error).toBeUndefined();
      expect(r.success).toBe(true);
      expect(r.inference_ms!.count).toBe(seen.length - 1); // the first call is an untimed warm-up
      expect(seen.length).toBeGreaterThan(2); // warm-up, the first plan, then re-plans as keyposes start
      for (const o of seen) {
        expect(o.cloudPoints).toBeGreaterThan(100);
        expect(Array.from(o.proprio).every(Number.isFinite)).toBe(true);
      }
      expect(robot.plans.length).toBe(r.steps);
    } finally {
      world.dispose();
    }
  });

  it('a NaN in a re-plan stops the run with one clear message; the arms hold and nothing more is sent', async () => {
    const { world, robot, program } = await simRobot(4);
    const seen: Observation[] = [];
    const nan = (k: number, p: Program) => {
      if (k === 2) p.arms.right.at(-1)!.position[2] = NaN; // 0 is the warm-up, 1 the first plan
      return p;
    };
    let sent = 0;
    const send = robot.send.bind(robot);
    robot.send = (c) => {
      sent++;
      send(c);
    };
    try {
      const r = await deploy({ robot, config: readRobotConfig(CONFIG), plan: policySource(scriptedPolicy(program, seen, nan)), maxSeconds: 25 });
      expect(r.ended).toBe('error');
      expect(r.error).toMatch(/policy predicted a non-finite keypose \(NaN or ±inf\): holding, nothing sent/);
      expect(seen.length).toBe(3);
      expect(sent).toBe(r.steps); // the tick that saw the NaN sent nothing
      expect(() => robot.send({ left: { q: [0, 0, 0, 0, 0, 0], gripper: 1, duration: 0.1 }, right: { q: [0, 0, 0, 0, 0, 0], gripper: 1, duration: 0.1 } })).toThrow(/robot is stopped/);
    } finally {
      world.dispose();
    }
  });

  it('a first prediction with a NaN is refused before any motion', async () => {
    const { world, robot, program } = await simRobot(5);
    const seen: Observation[] = [];
    try {
      const r = await deploy({ robot, config: readRobotConfig(CONFIG), plan: policySource(scriptedPolicy(program, seen, (k, p) => ((p.arms.left[0].quaternion[0] = Infinity), p))) });
      expect(r.ended).toBe('error');
      expect(r.steps).toBe(0);
      expect(r.error).toMatch(/non-finite keypose/);
    } finally {
      world.dispose();
    }
  });
});
