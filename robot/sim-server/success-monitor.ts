/**
 * The task's success test as an episode applies it (sim/episode.ts runControlled): the condition
 * must hold without interruption for the task's hold time; once it has, the task has succeeded
 * (and stays so until the next reset).
 */
import type { Task, World } from '../../sim/index.ts';

export class SuccessMonitor {
  private heldSince?: number;
  /** Sim time when the condition had held for the hold time. */
  successTime?: number;

  constructor(private readonly task: Task) {}

  get success(): boolean {
    return this.successTime !== undefined;
  }

  /** Check the condition in the world's present state (call once per control period). */
  update(world: World): void {
    if (this.task.check(world)) {
      this.heldSince ??= world.time;
      if (this.successTime === undefined && world.time - this.heldSince >= this.task.holdTime - 1e-9) this.successTime = world.time;
    } else this.heldSince = undefined;
  }

  reset(): void {
    this.heldSince = undefined;
    this.successTime = undefined;
  }
}
