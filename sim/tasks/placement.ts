/**
 * Object placements: the nominal one, seeded random ones (each object's position and yaw moved
 * by a uniform offset within a range, z kept) around the nominal placement or around a
 * demonstration's, and the check that a scene fits its task. The one placement sampler of yoto:
 * `yoto sim run`, augmentation and policy evaluation all draw through `samplePlacement`.
 */
import { YotoError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { SCENE_VERSION, type Scene } from '../../core/scene.ts';
import { TABLE } from '../mjcf/workcell.ts';
import type { PlacementRange, Task } from './task.ts';

/** The placement ranges for a task (its objects' own), with per-object overrides. */
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

/** A seeded random placement: each object uniformly within its range around its nominal pose. */
export function sampleScene(task: Task, seed: number): Scene {
  return samplePlacement(task, nominalScene(task), seed);
}

/** The nominal placement (every object at the centre of its range). */
export function nominalScene(task: Task): Scene {
  const objects: Scene['objects'] = {};
  for (const o of task.objects) objects[o.name] = { position: [...o.nominal.position], yaw: o.nominal.yaw };
  return { version: SCENE_VERSION, task: task.name, frame: 'world', objects };
}

/**
 * A scene must name exactly the task's objects, each on the table. Placements outside the
 * sampling range are allowed (a person may put things anywhere) as long as they are on the table.
 */
export function validateScene(task: Task, scene: Scene, where = 'scene'): void {
  if (scene.task !== task.name) throw new YotoError(`scene is for task "${scene.task}", not "${task.name}"`, where);
  const names = new Set(task.objects.map((o) => o.name));
  for (const n of Object.keys(scene.objects))
    if (!names.has(n)) throw new YotoError(`unknown object "${n}" (task ${task.name} has: ${[...names].join(', ')})`, where);
  for (const o of task.objects) {
    const p = scene.objects[o.name];
    if (!p) throw new YotoError(`missing object "${o.name}"`, where);
    const [x, y, z] = p.position;
    if (Math.abs(x) > TABLE.halfX - 0.03 || Math.abs(y) > TABLE.halfY - 0.15)
      throw new YotoError(`object "${o.name}" at (${x.toFixed(3)}, ${y.toFixed(3)}) is off the table's free area (|x| ≤ ${TABLE.halfX - 0.03}, |y| ≤ ${TABLE.halfY - 0.15})`, where);
    if (Math.abs(z - o.nominal.position[2]) > 1e-3)
      throw new YotoError(`object "${o.name}" must rest on the table: z = ${o.nominal.position[2]}, got ${z}`, where);
  }
}
