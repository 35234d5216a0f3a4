/**
 * `yoto eval`: the policy in the simulator over placements it was not trained on. Each episode
 * observes (depth camera + arm state), predicts the whole bimanual program, and runs it; closed
 * loop (default), every time an arm starts a new keypose segment it re-observes and re-plans the
 * keyposes not yet started. A chunk policy instead runs `execute` steps of each predicted chunk,
 * then observes and predicts again, until the task succeeds or time runs out. The re-planning
 * is a PolicyController's (controller.ts), fed by the simulator here as a robot's deploy loop
 * feeds it on real arms. Placements: samplePlacement around the policy's demonstration with
 * seeds `seed + i` — augmentation draws its placements through a hash of its own seed, so these
 * are not training placements.
 */
import { isYotoError } from '../core/errors.ts';
import { quantile } from '../core/stats.ts';
import type { Scene } from '../core/scene.ts';
import { DEFAULT_FOLLOWER, DepthCamera, DepthCameraConfigSchema, WaypointFollower, World, findUnreachable, getTask, runControlled, runEpisode, samplePlacement, type ProgramExecutor } from '../sim/index.ts';
import type { ChunkSpec } from './config.ts';
import { PolicyController, type ArmReading } from './controller.ts';
import type { Policy } from './policy.ts';
import type { Observation } from './sampler.ts';

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

/** The observation `ctl` takes, from the simulated depth camera (noise seeded `seed`) and arm state. */
function observe(ctl: PolicyController, world: World, camera: DepthCamera, progress: Record<'left' | 'right', number>, seed: number): Observation {
  const cloud = camera.capture(world.data, { seed });
  const arm = (a: 'left' | 'right'): ArmReading => {
    const p = world.tcpPose(a);
    return { position: p.position, quaternion: p.quaternion, gripper: world.gripperOpening(a), joints: world.armQ(a) };
  };
  return ctl.observation(cloud.points, { left: arm('left'), right: arm('right') }, progress);
}

export async function evaluatePolicy(policy: Policy, o: EvalOptions): Promise<EvalSummary> {
  const t0 = performance.now();
  const meta = policy.meta;
  const task = getTask(meta.task);
  const camCfg = DepthCameraConfigSchema.parse(meta.camera);
  const closed = o.closedLoop ?? true;
  const latencies: number[] = [];
  const failures: { seed: number; reason: string }[] = [];
  let successes = 0;

  const programEpisode = async (ctl: PolicyController, world: World, scene: Scene, camera: DepthCamera, seed: number): Promise<EpisodeEval> => {
    const start = { left: 0, right: 0 };
    const first = ctl.tick({ progress: start }, (s) => observe(ctl, world, camera, start, s));
    if (first?.action !== 'program') throw new Error("evaluatePolicy: a program policy's first tick gives a program");
    const program = first.program;
    const unreachable = findUnreachable(world, program);
    if (unreachable.length > 0) {
      const u = unreachable[0];
      return { seed, success: false, reason: `predicted ${u.arm} keypose ${u.index} is out of reach`, replans: ctl.replans, simTime: 0 };
    }
    const onControl = (w: World, exec: ProgramExecutor) => {
      const now = exec.progress();
      const plan = ctl.tick({ progress: now }, (s) => observe(ctl, w, camera, now, s));
      if (plan?.action !== 'program') return;
      try {
        exec.replanRemaining(plan.program);
      } catch (e) {
        if (!isYotoError(e)) throw e;
      }
    };
    const r = await runEpisode(task, scene, program, { world, onControl });
    const reason = r.success ? undefined : r.failure ? `${r.failure.arm} arm, keypose ${r.failure.keypose}: ${r.failure.reason}` : r.completed ? 'program finished, task not achieved' : 'time limit';
    return { seed, success: r.success, reason, replans: ctl.replans, simTime: r.simTime };
  };

  // Diffusion Policy's receding horizon: observe, predict `horizon` steps, run `execute` of them.
  const chunkEpisode = (ctl: PolicyController, world: World, camera: DepthCamera, seed: number, chunk: ChunkSpec): EpisodeEval => {
    const follower = new WaypointFollower(world, { ...DEFAULT_FOLLOWER, hz: chunk.hz });
    const start = { left: 0, right: 0 };
    const step = (w: World) => {
      const plan = ctl.tick({ stepsExecuted: follower.stepsExecuted }, (s) => observe(ctl, w, camera, start, s));
      if (plan?.action === 'chunk') follower.setChunk(plan.chunk);
    };
    step(world);
    const r = runControlled(task, world, follower, { controlDt: DEFAULT_FOLLOWER.controlDt, stopOnSuccess: true, onControl: step });
    const reason = r.success ? undefined : r.failure ? `${r.failure.arm} arm: ${r.failure.reason}` : 'time limit, task not achieved';
    return { seed, success: r.success, reason, replans: ctl.replans, simTime: r.simTime };
  };

  for (let i = 0; i < o.episodes; i++) {
    const seed = o.seed + i;
    const scene: Scene = samplePlacement(task, meta.scene, seed, meta.ranges);
    const world = await World.create(task, scene);
    const ctl = new PolicyController(policy, { closedLoop: closed, inferenceSteps: o.inferenceSteps, seed: seed * 1000 });
    let result: EpisodeEval;
    try {
      const camera = new DepthCamera(world.mj, world.model, camCfg);
      result = meta.chunk ? chunkEpisode(ctl, world, camera, seed, meta.chunk) : await programEpisode(ctl, world, scene, camera, seed);
    } finally {
      world.dispose();
      latencies.push(...ctl.latenciesMs);
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
