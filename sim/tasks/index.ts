import { YotoError } from '../../core/errors.ts';
import { liftBar } from './lift-bar.ts';
import { drawer } from './drawer.ts';
import { handover } from './handover.ts';
import type { Task } from './task.ts';

export const TASKS: Record<string, Task> = {
  [liftBar.name]: liftBar,
  [drawer.name]: drawer,
  [handover.name]: handover,
};

export function getTask(name: string): Task {
  const t = TASKS[name];
  if (!t) throw new YotoError(`unknown task "${name}" (known: ${Object.keys(TASKS).join(', ')})`, '--task');
  return t;
}

export type { Task, TaskObject, TaskWorld, PlacementRange } from './task.ts';
export { sampleScene, samplePlacement, placementRanges, nominalScene, validateScene } from './placement.ts';
