/**
 * New object placements around the demonstration's: each object's position and yaw move by a
 * uniform random offset within a range (the task's own ranges unless overridden). Candidate k of a
 * run gets its own seed, so a candidate's placement does not depend on which worker runs it.
 */
import { Rng } from '../core/rng.ts';
import { SCENE_VERSION, type Scene } from '../core/scene.ts';
import { YotoError } from '../core/errors.ts';
import type { Task } from '../sim/index.ts';

/** How far an object may move: ± metres along x and y, ± radians of yaw (as a task's own ranges). */
export type PlacementRange = Task['objects'][number]['range'];

/** Per-candidate seed: a hash of the run seed and the candidate index (not seed + k, so augmented placements do not coincide with `yoto sim run` evaluation seeds). */
export function candidateSeed(seed: number, k: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  h = (h ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/** The placement ranges for a task, with per-object overrides. */
export function placementRanges(task: Task, overrides: Record<string, PlacementRange> = {}): Record<string, PlacementRange> {
  const names = new Set(task.objects.map((o) => o.name));
  for (const n of Object.keys(overrides))
    if (!names.has(n)) throw new YotoError(`unknown object "${n}" (task ${task.name} has: ${[...names].join(', ')})`, 'placement ranges');
  return Object.fromEntries(task.objects.map((o) => [o.name, overrides[o.name] ?? o.range]));
}

/** A placement around `demo`: every object of the task offset uniformly within its range (z kept). */
export function samplePlacement(task: Task, demo: Scene, seed: number, ranges: Record<string, PlacementRange> = placementRanges(task)): Scene {
  const rng = new Rng(seed);
  const objects: Scene['objects'] = {};
  for (const o of task.objects) {
    const d = demo.objects[o.name];
    if (!d) throw new YotoError(`missing object "${o.name}"`, 'demonstration scene');
    const r = ranges[o.name] ?? o.range;
    const [x, y, z] = d.position;
    objects[o.name] = {
      position: [x + rng.uniform(-r.x, r.x), y + rng.uniform(-r.y, r.y), z],
      yaw: d.yaw + rng.uniform(-r.yaw, r.yaw),
    };
  }
  return { version: SCENE_VERSION, task: task.name, seed, frame: 'world', objects };
}
