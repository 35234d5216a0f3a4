/** A task's scripted program at its nominal placement. */
import type { Program } from '../../core/program.ts';
import { getTask, nominalScene } from '../../sim/index.ts';

export function getScriptedProgram(name: string): Program {
  const task = getTask(name);
  return task.scripted(nominalScene(task));
}
