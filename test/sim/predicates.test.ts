import { describe, expect, it } from 'vitest';
import type { Program } from '../../core/program.ts';
import { TASKS, World, runEpisode, sampleScene } from '../../sim/index.ts';

/** The scripted program with every gripper command left open: the arms go through the motions, grasp nothing. */
function neverClose(p: Program): Program {
  return { ...p, arms: { left: p.arms.left.map((k) => ({ ...k, gripper: 1 })), right: p.arms.right.map((k) => ({ ...k, gripper: 1 })) } };
}

describe.each(Object.values(TASKS))('task $name', (task) => {
  it('success predicate is false at the start', async () => {
    for (const seed of [0, 1, 2]) {
      const w = await World.create(task, sampleScene(task, seed));
      try {
        expect(task.check(w)).toBe(false);
        w.step(250); // objects settle for half a second, arms hold still
        expect(task.check(w)).toBe(false);
      } finally {
        w.dispose();
      }
    }
  });

  it('fails when the grippers never close', async () => {
    const scene = sampleScene(task, 3);
    const r = await runEpisode(task, scene, neverClose(task.scripted(scene)));
    expect(r.completed).toBe(true);
    expect(r.success).toBe(false);
  }, 120_000);
});
