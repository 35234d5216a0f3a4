import { describe, expect, it } from 'vitest';
import type { Program } from '../../core/program.ts';
import { World, getTask, runEpisode, sampleScene, type Task } from '../../sim/index.ts';
import { extractProgram } from '../../perception/program/extract-program.ts';
import { objectShapes } from '../../perception/program/object-shapes.ts';
import { scoreExtraction } from '../../perception/program/evaluate-extraction.ts';
import { tracksFromProgram, type TrackOptions } from '../fixtures/hand-tracks.ts';

/** Tracks from `program`, extraction, scores against the truth, and a replay of the extracted program. */
async function roundTrip(task: Task, seed: number, program: Program | undefined, opts: TrackOptions = {}) {
  const scene = sampleScene(task, seed);
  const prog = program ?? task.scripted(scene);
  const truth = await tracksFromProgram(task, scene, prog, opts);
  const world = await World.create(task, scene);
  try {
    const ex = extractProgram(truth.hands, { objects: objectShapes(world), task: task.name });
    const score = scoreExtraction(ex, truth.gripperChanges, prog);
    const replay = await runEpisode(task, scene, ex.program, { world });
    return { ex, score, replay };
  } finally {
    world.dispose();
  }
}

describe('program extraction from made-up hand tracks', () => {
  it.each(['lift-bar', 'drawer', 'handover'])('%s with 2 mm landmark noise: events within ±3 frames, keyposes within 1.5 cm, replay succeeds', async (name) => {
    const { score, replay, ex } = await roundTrip(getTask(name), 7, undefined, { noise: 0.002, seed: 3 });
    expect(score.missedEvents).toBe(0);
    expect(score.extraEvents).toBe(0);
    expect(Math.max(...score.eventFrameErrors)).toBeLessThanOrEqual(3);
    expect(Math.max(...score.keyposeErrors)).toBeLessThan(0.015);
    expect(replay.success, JSON.stringify(ex.program)).toBe(true);
  }, 180_000);

  it('survives dropouts: a hand missing for 8 frames mid-motion', async () => {
    const task = getTask('lift-bar');
    const { score, replay } = await roundTrip(task, 2, undefined, { dropouts: [{ hand: 'left', from: 50, to: 57 }, { hand: 'right', from: 120, to: 127 }] });
    expect(score.missedEvents + score.extraEvents).toBe(0);
    expect(replay.success).toBe(true);
  }, 180_000);

  it('a hesitating hand (pause mid-transport) adds a stop but no gripper event', async () => {
    const task = getTask('drawer');
    const scene = sampleScene(task, 4);
    const p = task.scripted(scene);
    // The right arm pauses halfway up while carrying the cube.
    const right = p.arms.right;
    const lift = right.findIndex((k) => k.name === 'lift');
    const mid = { ...right[lift], name: 'hesitate', position: [right[lift].position[0], right[lift].position[1], (right[lift].position[2] + right[lift - 1].position[2]) / 2] as [number, number, number], hold: 0.8 };
    const hesitating: Program = { ...p, arms: { left: p.arms.left, right: [...right.slice(0, lift), mid, ...right.slice(lift)] } };
    const { ex, score, replay } = await roundTrip(task, 4, hesitating);
    expect(score.missedEvents + score.extraEvents).toBe(0);
    expect(Math.max(...score.keyposeErrors)).toBeLessThan(0.015);
    expect(ex.hands.right.keyposes.some((k) => Math.abs(k.position[2] - mid.position[2]) < 0.01)).toBe(true);
    expect(replay.success).toBe(true);
  }, 180_000);

  it('a re-grasp: close, open, close again gives grasp, release, grasp', async () => {
    const task = getTask('lift-bar');
    const scene = sampleScene(task, 5);
    const p = task.scripted(scene);
    const regrasp = (arm: 'left' | 'right') => {
      const k = p.arms[arm];
      const g = k.findIndex((x) => x.name === 'grasp');
      const { sync: _s, ...grasp } = k[g];
      return [...k.slice(0, g), grasp, { ...grasp, name: 'let-go', gripper: 1 }, k[g], ...k.slice(g + 1)];
    };
    const program: Program = { ...p, arms: { left: regrasp('left'), right: p.arms.right } };
    const { ex, score, replay } = await roundTrip(task, 5, program);
    expect(ex.hands.left.events.map((e) => e.kind)).toEqual(['grasp', 'release', 'grasp']);
    expect(score.missedEvents + score.extraEvents).toBe(0);
    expect(replay.success).toBe(true);
  }, 180_000);
});
