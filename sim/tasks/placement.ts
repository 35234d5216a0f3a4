import { YotoError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { SCENE_VERSION, type Scene } from '../../core/scene.ts';
import { TABLE } from '../mjcf/workcell.ts';
import type { Task } from './task.ts';

/** A seeded random placement: each object uniformly within its range around its nominal pose. */
export function sampleScene(task: Task, seed: number): Scene {
  const rng = new Rng(seed);
  const objects: Scene['objects'] = {};
  for (const o of task.objects) {
    const [x, y, z] = o.nominal.position;
    objects[o.name] = {
      position: [x + rng.uniform(-o.range.x, o.range.x), y + rng.uniform(-o.range.y, o.range.y), z],
      yaw: o.nominal.yaw + rng.uniform(-o.range.yaw, o.range.yaw),
    };
  }
  return { version: SCENE_VERSION, task: task.name, seed, frame: 'world', objects };
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
