/** PolicyController without a simulator: when it predicts, with which seeds, and the observations it builds. */
import { describe, expect, it } from 'vitest';
import type { Program } from '../../core/program.ts';
import { PolicyController, PROPRIO_DIM, type ArmReading, type Observation, type Policy, type Prediction } from '../../policy/index.ts';

/** A stand-in policy that records the seeds it was asked for. */
function fakePolicy(action: 'program' | 'chunk', seeds: number[]): Policy {
  const program = { version: 1, frame: 'world', arms: { left: [], right: [] } } as unknown as Program;
  return {
    action,
    chunk: action === 'chunk' ? { horizon: 8, execute: 4, hz: 10 } : undefined,
    keyposes: { left: 3, right: 2 },
    inferenceSteps: 10,
    predict: (_obs: Observation, seed: number): Prediction => {
      seeds.push(seed);
      return action === 'chunk' ? { action, chunk: { left: [], right: [] } } : { action, program };
    },
  } as unknown as Policy;
}

const obs: Observation = { cloud: new Float32Array(3), cloudPoints: 1, proprio: new Float32Array(PROPRIO_DIM) };

describe('PolicyController', () => {
  it('program policy: plans first, re-plans when an arm starts a new keypose, not when nothing is left to re-plan', () => {
    const seeds: number[] = [];
    const ctl = new PolicyController(fakePolicy('program', seeds), { seed: 7000 });
    const tick = (left: number, right: number) => ctl.tick({ progress: { left, right } }, (s) => (expect(s).toBe(ctl.nextSeed), obs));
    expect(tick(0, 0)?.index).toBe(0);
    expect(tick(0, 0)).toBeNull();
    expect(tick(1, 0)?.seed).toBe(7001);
    expect(tick(1, 0)).toBeNull();
    expect(tick(1, 1)?.seed).toBe(7002);
    // Both arms on their last keypose (left 2 of 3, right 1 of 2): nothing left to re-plan.
    expect(tick(2, 1)).toBeNull();
    expect(tick(3, 2)).toBeNull();
    expect(seeds).toEqual([7000, 7001, 7002]);
    expect([ctl.predictions, ctl.replans, ctl.chunks, ctl.latenciesMs.length]).toEqual([3, 2, 0, 3]);
  });

  it('open loop: one plan only', () => {
    const seeds: number[] = [];
    const ctl = new PolicyController(fakePolicy('program', seeds), { closedLoop: false, seed: 5 });
    expect(ctl.tick({ progress: { left: 0, right: 0 } }, obs)?.action).toBe('program');
    expect(ctl.tick({ progress: { left: 1, right: 1 } }, obs)).toBeNull();
    expect(seeds).toEqual([5]);
    expect(ctl.replans).toBe(0);
  });

  it('chunk policy: a chunk, then the next once `execute` steps have been commanded', () => {
    const seeds: number[] = [];
    const ctl = new PolicyController(fakePolicy('chunk', seeds), { closedLoop: false, seed: 100 });
    expect(ctl.closedLoop).toBe(true);
    expect(ctl.tick({ stepsExecuted: 0 }, obs)?.action).toBe('chunk');
    expect(ctl.tick({ stepsExecuted: 3 }, obs)).toBeNull();
    expect(ctl.tick({ stepsExecuted: 4 }, obs)?.seed).toBe(101);
    expect(ctl.tick({ stepsExecuted: 0 }, obs)).toBeNull();
    expect(seeds).toEqual([100, 101]);
    expect([ctl.chunks, ctl.replans]).toEqual([2, 1]);
    expect(() => ctl.tick({}, obs)).toThrow(/stepsExecuted/);
  });

  it('observation: the keypose each arm is on, clamped to the program for program policies, 0 for chunk policies', () => {
    const arm = (x: number): ArmReading => ({ position: [x, 0, 0], quaternion: [0, 0, 0, 1], gripper: 0.5, joints: [1, 2, 3, 4, 5, 6] });
    const arms = { left: arm(0.1), right: arm(0.2) };
    const o = new PolicyController(fakePolicy('program', [])).observation([1, 2, 3, 4, 5, 6], arms, { left: -1, right: 5 });
    expect(o.cloudPoints).toBe(2);
    expect(o.proprio.length).toBe(PROPRIO_DIM);
    // Per arm: position (3), 6-D rotation (6), gripper, keypose.
    expect([o.proprio[0], o.proprio[9], o.proprio[10]]).toEqual([Math.fround(0.1), 0.5, 0]);
    expect(o.proprio[21]).toBe(2);
    expect(Array.from(o.proprio.subarray(22, 28))).toEqual([1, 2, 3, 4, 5, 6]);
    const c = new PolicyController(fakePolicy('chunk', [])).observation([1, 2, 3], arms, { left: 2, right: 1 });
    expect([c.proprio[10], c.proprio[21]]).toEqual([0, 0]);
  });
});
