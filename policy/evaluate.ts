/**
 * `yoto eval`: the policy in the simulator over placements it was not trained on. Each episode
 * observes (depth camera + arm state), predicts the whole bimanual program, and runs it; closed
 * loop (default), every time an arm starts a new keypose segment it re-observes and re-plans the
 * keyposes not yet started. A chunk policy instead runs `execute` steps of each predicted chunk,
 * then observes and predicts again, until the task succeeds or time runs out. Placements: samplePlacement around the policy's demonstration with
 * seeds `seed + i` — augmentation draws its placements through a hash of its own seed, so these
 * are not training placements.
 */
import { samplePlacement } from '../augment/index.ts';
import { isYotoError } from '../core/errors.ts';
import { ARMS, type Program } from '../core/program.ts';
import type { Scene } from '../core/scene.ts';
import { DEFAULT_FOLLOWER, DepthCamera, DepthCameraConfigSchema, WaypointFollower, World, findUnreachable, getTask, runControlled, runEpisode, type ProgramExecutor } from '../sim/index.ts';
import type { ChunkSpec } from './action-chunk.ts';
import { PROPRIO_DIM, proprioRow } from './observation.ts';
import type { PolicyFile } from './policy-file.ts';
import { PolicySampler, type Observation } from './sampler.ts';
import type { tf } from '../tf/index.ts';

export interface EvalOptions {
  episodes: number;
  seed: number;
  /** Re-plan after each keypose segment (default true). */
  closedLoop?: boolean;
  inferenceSteps?: number;
  onEpisode?: (r: EpisodeEval, i: number) => void;
}

export interface EpisodeEval {
  seed: number;
  success: boolean;
  reason?: string;
  replans: number;
  simTime: number;
}

export interface EvalSummary {
  task: string;
  episodes: number;
  successes: number;
  success_rate: number;
  action: 'program' | 'chunk';
  /** Program policies: re-planned after each keypose segment (chunk policies always re-observe). */
  closed_loop: boolean;
  inference_steps: number;
  /** One full denoise (DDIM), observation encoding included, milliseconds. */
  latency_ms_p50: number;
  latency_ms_p95: number;
  failures: { seed: number; reason: string }[];
  wall_s: number;
}

function observe(world: World, camera: DepthCamera, progress: Record<'left' | 'right', number>, keyposes: Record<'left' | 'right', number>, seed: number): Observation {
  const cloud = camera.capture(world.data, { seed });
  const proprio = new Float32Array(PROPRIO_DIM);
  const arm = (a: 'left' | 'right') => {
    const p = world.tcpPose(a);
    return { position: p.position, quaternion: p.quaternion, gripper: world.gripperOpening(a), keypose: Math.max(0, Math.min(progress[a], keyposes[a])), joints: world.armQ(a) };
  };
  proprioRow({ left: arm('left'), right: arm('right') }, proprio);
  return { cloud: cloud.points, cloudPoints: cloud.points.length / 3, proprio };
}

export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))));
  return s[i];
}

export async function evaluatePolicy(model: tf.LayersModel, meta: PolicyFile, o: EvalOptions): Promise<EvalSummary> {
  const t0 = performance.now();
  const task = getTask(meta.task);
  const sampler = new PolicySampler(model, meta, o.inferenceSteps);
  const camCfg = DepthCameraConfigSchema.parse(meta.camera);
  const closed = o.closedLoop ?? true;
  const counts = { left: meta.template.arms.left.length, right: meta.template.arms.right.length };
  const latencies: number[] = [];
  const failures: { seed: number; reason: string }[] = [];
  let successes = 0;
  // One full denoise, timed (the latency the summary reports).
  const timed = <T>(f: () => T): T => {
    const t = performance.now();
    const r = f();
    latencies.push(performance.now() - t);
    return r;
  };
  const predict = (obs: Observation, seed: number): Program => timed(() => sampler.predict(obs, seed));
  const programEpisode = async (world: World, scene: Scene, camera: DepthCamera, seed: number): Promise<EpisodeEval> => {
    let replans = 0;
    const program = predict(observe(world, camera, { left: 0, right: 0 }, counts, seed * 1000), seed * 1000);
    const unreachable = findUnreachable(world, program);
    if (unreachable.length > 0) {
      const u = unreachable[0];
      return { seed, success: false, reason: `predicted ${u.arm} keypose ${u.index} is out of reach`, replans, simTime: 0 };
    }
    let last = { left: 0, right: 0 };
    const onControl = (w: World, exec: ProgramExecutor) => {
      if (!closed) return;
      const now = exec.progress();
      if (ARMS.every((a) => now[a] === last[a])) return;
      last = now;
      if (ARMS.every((a) => now[a] >= counts[a] - 1)) return; // nothing left to re-plan
      replans++;
      const obsSeed = seed * 1000 + replans;
      try {
        exec.replanRemaining(predict(observe(w, camera, now, counts, obsSeed), obsSeed));
      } catch (e) {
        if (!isYotoError(e)) throw e;
      }
    };
    const r = await runEpisode(task, scene, program, { world, onControl });
    const reason = r.success ? undefined : r.failure ? `${r.failure.arm} arm, keypose ${r.failure.keypose}: ${r.failure.reason}` : r.completed ? 'program finished, task not achieved' : 'time limit';
    return { seed, success: r.success, reason, replans, simTime: r.simTime };
  };

  // Diffusion Policy's receding horizon: observe, predict `horizon` steps, run `execute` of them.
  const chunkEpisode = (world: World, camera: DepthCamera, seed: number, chunk: ChunkSpec): EpisodeEval => {
    const follower = new WaypointFollower(world, { ...DEFAULT_FOLLOWER, hz: chunk.hz });
    const noProgram = { left: 0, right: 0 };
    const next = (w: World) => {
      const obsSeed = seed * 1000 + follower.chunks;
      const obs = observe(w, camera, noProgram, counts, obsSeed);
      follower.setChunk(timed(() => sampler.predictChunk(obs, obsSeed)));
    };
    next(world);
    const r = runControlled(task, world, follower, {
      controlDt: DEFAULT_FOLLOWER.controlDt,
      stopOnSuccess: true,
      onControl: (w) => {
        if (follower.stepsExecuted >= chunk.execute) next(w);
      },
    });
    const reason = r.success ? undefined : r.failure ? `${r.failure.arm} arm: ${r.failure.reason}` : 'time limit, task not achieved';
    return { seed, success: r.success, reason, replans: follower.chunks - 1, simTime: r.simTime };
  };

  for (let i = 0; i < o.episodes; i++) {
    const seed = o.seed + i;
    const scene: Scene = samplePlacement(task, meta.scene, seed, meta.ranges);
    const world = await World.create(task, scene);
    let result: EpisodeEval;
    try {
      const camera = new DepthCamera(world.mj, world.model, camCfg);
      result = meta.chunk ? chunkEpisode(world, camera, seed, meta.chunk) : await programEpisode(world, scene, camera, seed);
    } finally {
      world.dispose();
    }
    if (result.success) successes++;
    else failures.push({ seed, reason: result.reason ?? 'failed' });
    o.onEpisode?.(result, i);
    await new Promise((r) => setImmediate(r)); // let timers and the event loop breathe between episodes
  }
  return {
    task: meta.task,
    episodes: o.episodes,
    successes,
    success_rate: o.episodes ? successes / o.episodes : 0,
    action: meta.action,
    closed_loop: meta.chunk ? true : closed,
    inference_steps: o.inferenceSteps ?? meta.diffusion.inferenceSteps,
    latency_ms_p50: quantile(latencies, 0.5),
    latency_ms_p95: quantile(latencies, 0.95),
    failures,
    wall_s: (performance.now() - t0) / 1000,
  };
}
