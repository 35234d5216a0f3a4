/**
 * PolicyController: a running policy's observe → predict → re-plan loop, for whatever drives the
 * arms — policy/evaluate.ts in the simulator, a deploy loop on real arms. It knows neither: each
 * control tick the caller reports where the arms are in their plan and offers an observation;
 * tick() answers with a new plan when one is due, else null (the current plan stands).
 *
 *   const ctl = new PolicyController(policy, { closedLoop: true, seed: 5000 });
 *   // observe(seed): the point cloud and each arm's TCP pose, gripper opening and joints, as
 *   // ctl.observation(cloud, arms, progress) builds it; called only when a prediction is due
 *   // (`seed` is that prediction's; the simulator's camera noise takes it too). An Observation
 *   // instead of the function works as well.
 *
 *   // A program policy: the first tick plans the whole program; closed loop, each time an arm
 *   // starts a new keypose segment, the keyposes not yet started are re-planned.
 *   every tick:
 *     const plan = ctl.tick({ progress: executor.progress() }, observe);
 *     if (plan?.action === 'program') executor.replanRemaining(plan.program);   // (the first: run it)
 *
 *   // A chunk policy: the first tick predicts a chunk; once `chunk.execute` of its steps have been
 *   // commanded, the next.
 *   every tick:
 *     const plan = ctl.tick({ stepsExecuted: follower.stepsExecuted }, observe);
 *     if (plan?.action === 'chunk') follower.setChunk(plan.chunk);
 *
 *   ctl.predictions, ctl.replans, ctl.chunks, ctl.latenciesMs   // what happened so far
 *
 * Prediction k (0, 1, …) is seeded `seed + k`, so a run with the same seed and the same
 * observations makes the same predictions. Re-planning is the policy's, not the executor's:
 * `progress` is each arm's keypose index as the executor reports it (−1 before it starts, the
 * keypose count when done).
 */
import type { ArmName, Program } from '../core/program.ts';
import { ARMS } from '../core/program.ts';
import type { ActionChunk } from './action-chunk.ts';
import { PROPRIO_DIM, proprioRow, type ArmState } from './observation.ts';
import type { Policy } from './policy.ts';
import type { Observation } from './sampler.ts';

export interface ControllerOptions {
  /** Program policies: re-plan after each keypose segment starts (default true). Chunk policies always re-observe. */
  closedLoop?: boolean;
  /** DDIM steps per prediction (default: the policy's). */
  inferenceSteps?: number;
  /** The first prediction's seed; prediction k uses seed + k (default 0). */
  seed?: number;
}

/** Where the arms are in the current plan, as of this tick. */
export interface ControlState {
  /** Program policies: the keypose index each arm is on (−1 before start, the count when done). */
  progress?: Record<ArmName, number>;
  /**
   * Chunk policies: waypoint intervals of the current chunk commanded so far (0 when it has just
   * arrived): ⌊seconds since it arrived × chunk.hz⌋.
   */
  stepsExecuted?: number;
}

/** One arm's reading: its TCP pose in the world frame, gripper opening (0 closed … 1 open) and the 6 joint angles. */
export type ArmReading = Omit<ArmState, 'keypose'>;

/** A new plan: the prediction, its seed and how long it took. */
export type Plan = ({ action: 'program'; program: Program } | { action: 'chunk'; chunk: ActionChunk }) & {
  /** The prediction's index (0 for the first) and seed. */
  index: number;
  seed: number;
  latencyMs: number;
};

export class PolicyController {
  readonly closedLoop: boolean;
  readonly seed: number;
  readonly inferenceSteps: number;
  /** Keyposes per arm of the policy's program. */
  readonly keyposes: Record<ArmName, number>;
  /** Milliseconds of each prediction (one full denoise, the observation encoding included). */
  readonly latenciesMs: number[] = [];
  private count = 0;
  /** The progress the last program re-plan check saw. */
  private last: Record<ArmName, number> = { left: 0, right: 0 };
  private latest?: Plan;

  constructor(
    readonly policy: Policy,
    o: ControllerOptions = {},
  ) {
    this.closedLoop = policy.action === 'chunk' ? true : (o.closedLoop ?? true);
    this.seed = o.seed ?? 0;
    this.inferenceSteps = o.inferenceSteps ?? policy.inferenceSteps;
    this.keyposes = policy.keyposes;
  }

  /** Predictions made so far. */
  get predictions(): number {
    return this.count;
  }

  /** Predictions after the first: program re-plans, or chunks after the first chunk. */
  get replans(): number {
    return Math.max(0, this.count - 1);
  }

  /** Chunks predicted (0 for a program policy). */
  get chunks(): number {
    return this.policy.action === 'chunk' ? this.count : 0;
  }

  /** The seed the next prediction will use. */
  get nextSeed(): number {
    return this.seed + this.count;
  }

  /** The latest plan (undefined before the first tick). */
  get plan(): Plan | undefined {
    return this.latest;
  }

  /**
   * One control tick: a new plan when one is due — always at the first tick — else null. `observe`
   * (or the observation itself) is used only when a prediction is due.
   */
  tick(state: ControlState, observe: Observation | ((seed: number) => Observation)): Plan | null {
    if (!this.due(state)) return null;
    const seed = this.nextSeed;
    const obs = typeof observe === 'function' ? observe(seed) : observe;
    const t = performance.now();
    const p = this.policy.predict(obs, seed, this.inferenceSteps);
    const latencyMs = performance.now() - t;
    this.latenciesMs.push(latencyMs);
    const plan: Plan = { ...p, index: this.count, seed, latencyMs };
    this.count++;
    this.latest = plan;
    return plan;
  }

  /**
   * The policy's observation from the camera's world-frame cloud (3 × n values) and each arm's
   * reading. The keypose the proprio row holds is the arm's `progress` clamped to [0, count] for a
   * program policy, 0 for a chunk policy (as each was trained).
   */
  observation(cloud: ArrayLike<number>, arms: Record<ArmName, ArmReading>, progress: Record<ArmName, number> = { left: 0, right: 0 }): Observation {
    const chunk = this.policy.action === 'chunk';
    const keypose = (a: ArmName) => (chunk ? 0 : Math.max(0, Math.min(progress[a], this.keyposes[a])));
    const proprio = new Float32Array(PROPRIO_DIM);
    proprioRow({ left: { ...arms.left, keypose: keypose('left') }, right: { ...arms.right, keypose: keypose('right') } }, proprio);
    return { cloud, cloudPoints: cloud.length / 3, proprio };
  }

  /** Whether this tick predicts (and, for programs, the progress it has now seen). */
  private due(state: ControlState): boolean {
    if (this.count === 0) {
      if (state.progress) this.last = { ...state.progress };
      return true;
    }
    if (this.policy.action === 'chunk') {
      if (state.stepsExecuted === undefined) throw new Error('PolicyController.tick: a chunk policy needs stepsExecuted');
      return state.stepsExecuted >= this.policy.chunk!.execute;
    }
    if (!this.closedLoop) return false;
    const now = state.progress;
    if (!now) throw new Error('PolicyController.tick: a program policy needs progress');
    if (ARMS.every((a) => now[a] === this.last[a])) return false;
    this.last = { ...now };
    return !ARMS.every((a) => now[a] >= this.keyposes[a] - 1); // nothing left to re-plan
  }
}
