/**
 * Steps a simulation in real time: a timer every `tickMs` runs as many physics steps as the wall
 * time since the last tick allows, never getting ahead of it. A sim that cannot keep up (a loaded
 * machine, a long point-cloud capture) catches up at most `maxCatchUpS` per tick and then lets the
 * rest go: it runs slower than real time rather than in bursts.
 */
export interface RealtimeStepperOptions {
  /** Physics step, s. */
  timestep: number;
  /** Sim time now, s. */
  simTime(): number;
  /** One physics step (set the servo targets first, then step). */
  step(): void;
  /** After each tick's steps (publish, check the task). */
  afterTick?(): void;
  tickMs?: number;
  maxCatchUpS?: number;
}

export class RealtimeStepper {
  private timer?: NodeJS.Timeout;
  private wallAt = 0;
  private simAt = 0;
  private readonly tickMs: number;
  private readonly maxSteps: number;
  /** Physics steps run since start. */
  steps = 0;

  constructor(private readonly o: RealtimeStepperOptions) {
    this.tickMs = o.tickMs ?? 10;
    this.maxSteps = Math.max(1, Math.round((o.maxCatchUpS ?? 0.1) / o.timestep));
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.rebase();
    this.timer = setInterval(() => this.tick(), this.tickMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** From now on, sim time advances with wall time from its present value (after a reset or a pause). */
  rebase(): void {
    this.wallAt = performance.now() / 1000;
    this.simAt = this.o.simTime();
  }

  /** One tick by hand (the timer calls this). */
  tick(): void {
    const wall = performance.now() / 1000;
    const due = this.simAt + (wall - this.wallAt);
    let n = Math.floor((due - this.o.simTime()) / this.o.timestep + 1e-6);
    const behind = n > this.maxSteps;
    if (behind) n = this.maxSteps;
    for (let i = 0; i < n; i++) this.o.step();
    this.steps += Math.max(0, n);
    if (behind) {
      this.wallAt = wall;
      this.simAt = this.o.simTime();
    }
    this.o.afterTick?.();
  }
}
