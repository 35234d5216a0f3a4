/**
 * The deploy loop, one for every robot: at a fixed rate, wait for fresh joint readings, check
 * them, let the plan source re-plan (a policy) or not (a program), run the program executor (or
 * the chunk follower) one period on a kinematic twin of the arms, check the joint command it
 * produced against the safety layer, and send it. Stale data or a dropped connection holds the
 * arms and moves nothing until fresh readings arrive; an unsafe command, a non-finite policy
 * output or an e-stop holds the arms and ends the run with one clear message.
 *
 *   const result = await deploy({ robot, config, plan: programSource(program) });
 */
import { YotoError, isYotoError } from '../core/errors.ts';
import { ARMS, type ArmName } from '../core/program.ts';
import { quantile } from '../core/stats.ts';
import { KinematicArms, type Controller } from '../sim/index.ts';
import type { RobotConfig } from './config.ts';
import type { BimanualCommand, Robot, RobotEvent, RobotObservation } from './robot.ts';
import { SafetyLayer, SafetyViolation } from './safety.ts';

/** What to run: builds the controller from the first observation, and may re-plan each tick. */
export interface PlanSource {
  readonly kind: 'program' | 'policy';
  /** Checks what it will do against the robot (reach, workspace) and returns the controller for the twin. */
  start(twin: KinematicArms, obs: RobotObservation, config: RobotConfig, controlDt: number): Controller;
  /** Each tick, before the controller runs: may re-plan from `obs`. Throws SafetyViolation on a non-finite output. */
  tick?(twin: KinematicArms, obs: RobotObservation): void;
  /** What the viewer shows as ghosts (the current program or chunk). */
  plan?(): unknown;
  /** Inference times so far, ms (policies). */
  readonly inferenceMs?: readonly number[];
  /** Needs the depth camera: the loop starts once a point cloud has arrived. */
  readonly needsCloud?: boolean;
  /** End the run once the task status reports success (a chunk policy never finishes by itself). */
  readonly stopOnSuccess?: boolean;
}

export type DeployEnd = 'done' | 'success' | 'timeout' | 'e-stop' | 'error' | 'not-confirmed';

export interface DeployResult {
  /** From the robot's task-status topic; null when it publishes none. */
  success: boolean | null;
  ended: DeployEnd;
  /** Commands sent (or printed, with dryRun). */
  steps: number;
  /** Commands per second of the run's duration. */
  rate_hz: number;
  /** Joint readings received → command sent, ms on the robot's clock (0 on the sim clock, which stands still while yoto computes). */
  latency_ms: { p50: number; p99: number; max: number };
  /** Wall time from taking the readings to sending the command, ms (the loop's own work, inference included). */
  compute_ms: { p50: number; p99: number };
  /** Policy inference per prediction, ms (policies only). */
  inference_ms?: { p50: number; p99: number; count: number };
  /** Times the loop held the arms for stale or missing readings. */
  holds: number;
  stale_ticks: number;
  reconnects: number;
  duration_s: number;
  dry_run: boolean;
  /** Set when the run ended on a problem (one line). */
  error?: string;
}

export interface TickInfo {
  step: number;
  t: number;
  command: BimanualCommand;
  latencyMs: number;
  progress?: Record<ArmName, number>;
}

export interface DeployOptions {
  robot: Robot;
  config: RobotConfig;
  plan: PlanSource;
  /** Control rate, Hz (default the config's rates.control_hz). */
  rateHz?: number;
  /** Compute and report the commands, send none. */
  dryRun?: boolean;
  /** Asked once before the first motion (skipped for dry runs); false ends the run, nothing moved. */
  confirm?: (what: string) => Promise<boolean>;
  /** Give up after this long (s, robot clock). */
  maxSeconds?: number;
  /** After the controller is done, keep holding this long (s) for the task status to settle. */
  settleSeconds?: number;
  /** How long to wait for the first joint readings (ms). */
  firstObservationMs?: number;
  onTick?: (t: TickInfo) => void;
  /** Progress and warnings, one line each. */
  log?: (line: string) => void;
}

const round = (x: number, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);

export async function deploy(o: DeployOptions): Promise<DeployResult> {
  const { robot, config, plan } = o;
  const rate = o.rateHz ?? config.rates.control_hz;
  if (!(rate > 0 && rate <= 500)) throw new YotoError(`control rate ${rate} Hz is outside (0, 500]`, '--rate');
  const periodMs = 1000 / rate;
  const maxMs = (o.maxSeconds ?? 120) * 1000;
  const settleMs = (o.settleSeconds ?? 2) * 1000;
  const log = o.log ?? (() => {});
  const safety = new SafetyLayer(config);
  const twin = await KinematicArms.create({ left: config.arms.left.base, right: config.arms.right.base });

  const latencies: number[] = [];
  const computes: number[] = [];
  let steps = 0;
  let holds = 0;
  let staleTicks = 0;
  let reconnects = 0;
  let eStop: string | undefined;
  let lastSuccess: boolean | null = null;
  let disconnectedAt: number | undefined;
  robot.onEvent((e: RobotEvent) => {
    if (e.kind === 'e-stop') eStop = e.reason;
    else if (e.kind === 'disconnected') {
      disconnectedAt ??= robot.now();
      log(`connection lost (${e.reason}): holding, reconnecting`);
    } else if (e.kind === 'reconnected') {
      reconnects++;
      disconnectedAt = undefined;
      log('reconnected: waiting for fresh joint readings before any motion');
    }
  });

  let t0 = robot.now();
  const finish = (ended: DeployEnd, error?: string): DeployResult => {
    const dur = (robot.now() - t0) / 1000;
    const inf = plan.inferenceMs;
    return {
      success: lastSuccess,
      ended,
      steps,
      rate_hz: round(dur > 0 ? steps / dur : 0),
      latency_ms: { p50: round(quantile(latencies, 0.5)), p99: round(quantile(latencies, 0.99)), max: round(quantile(latencies, 1)) },
      compute_ms: { p50: round(quantile(computes, 0.5)), p99: round(quantile(computes, 0.99)) },
      ...(inf && inf.length ? { inference_ms: { p50: round(quantile(inf, 0.5)), p99: round(quantile(inf, 0.99)), count: inf.length } } : {}),
      holds,
      stale_ticks: staleTicks,
      reconnects,
      duration_s: round(dur, 3),
      dry_run: !!o.dryRun,
      ...(error ? { error } : {}),
    };
  };
  const fail = (e: unknown): DeployResult => {
    if (!(e instanceof SafetyViolation) && !isYotoError(e)) throw e;
    try {
      robot.stop(e.message);
    } catch {
      // Stopping a robot whose connection is gone: nothing can be sent anyway.
    }
    return finish(e instanceof SafetyViolation && e.kind === 'e-stop' ? 'e-stop' : 'error', e.message);
  };

  try {
    await robot.connect();
    const firstMs = o.firstObservationMs ?? 3000;
    let first = await robot.nextObservation(-Infinity, firstMs);
    // A camera publishes slower than the joints (and a server may start it on subscription).
    for (const until = robot.now() + firstMs; plan.needsCloud && first && !first.cloud && robot.now() < until; ) {
      first = await robot.nextObservation(Math.max(first.arms.left.receivedAt, first.arms.right.receivedAt), firstMs);
    }
    if (!first) throw new YotoError(`no joint readings for both arms within ${(firstMs / 1000).toFixed(0)} s (is the robot publishing ${config.observation.joint_states}?)`, robot.name);
    safety.checkObservation(first, robot.now());
    for (const a of ARMS) twin.observe(a, first.arms[a], true);
    const controller = plan.start(twin, first, config, periodMs / 1000);
    if (!o.dryRun && o.confirm && !(await o.confirm(`${plan.kind} on ${robot.name} (${config.arms.left.joints.length + config.arms.right.joints.length} joints) at ${rate} Hz`))) {
      return finish('not-confirmed', 'not confirmed: nothing was sent');
    }
    t0 = robot.now();
    let lastUsed = Math.max(first.arms.left.receivedAt, first.arms.right.receivedAt) - 1;
    let holding = false;
    let doneAt: number | undefined;
    let tick = robot.now();
    for (;;) {
      if (eStop) throw new SafetyViolation('e-stop', `e-stop: ${eStop}`);
      const now = robot.now();
      if (now - t0 > maxMs) {
        robot.hold();
        return finish('timeout', `time limit of ${+(maxMs / 1000).toFixed(2)} s reached`);
      }
      if (disconnectedAt !== undefined && now - disconnectedAt > config.safety.reconnect_timeout_s * 1000) {
        throw new YotoError(`connection lost and not back within ${config.safety.reconnect_timeout_s} s`, robot.name);
      }
      // The tick runs on a reading that arrives from now on, so what is commanded is as fresh as the
      // robot can make it and the latency measured is the loop's own, not the reading's wait.
      const obs = robot.connected ? await robot.nextObservation(Math.max(lastUsed, robot.now()), safety.maxAgeMs) : undefined;
      if (eStop) throw new SafetyViolation('e-stop', `e-stop: ${eStop}`);
      const fresh = obs !== undefined && robot.now() - Math.min(obs.arms.left.receivedAt, obs.arms.right.receivedAt) <= safety.maxAgeMs;
      if (!fresh) {
        staleTicks++;
        if (!holding) {
          holds++;
          holding = true;
          if (robot.connected) robot.hold();
          log(robot.connected ? `joint readings older than ${safety.maxAgeMs} ms: holding` : 'no connection: holding');
        }
        tick = robot.now();
        await robot.waitUntil(tick + periodMs / 4);
        continue;
      }
      if (holding) log('fresh joint readings again: resuming');
      holding = false;
      const wall0 = performance.now();
      const newest = Math.max(obs.arms.left.receivedAt, obs.arms.right.receivedAt);
      lastUsed = newest;
      safety.checkObservation(obs, robot.now());
      for (const a of ARMS) twin.observe(a, obs.arms[a]);
      if (obs.taskStatus) lastSuccess = obs.taskStatus.success;
      if (plan.stopOnSuccess && lastSuccess) {
        robot.hold();
        return finish('success');
      }
      plan.tick?.(twin, obs);
      controller.control();
      if (controller.failure) throw new YotoError(`${controller.failure.arm} arm, keypose ${controller.failure.keypose}: ${controller.failure.reason}`, 'deploy');
      const command = {} as BimanualCommand;
      for (const a of ARMS) {
        const c = twin.command(a);
        command[a] = { q: c.q, gripper: c.gripper, duration: periodMs / 1000 };
      }
      safety.checkCommand(command, { left: obs.arms.left.q, right: obs.arms.right.q }, (a, q) => twin.fk(a, q));
      if (!o.dryRun) robot.send(command);
      const latencyMs = robot.now() - newest;
      latencies.push(latencyMs);
      computes.push(performance.now() - wall0);
      steps++;
      const p = plan.plan?.();
      if (p !== undefined) robot.publishPlan?.(p);
      o.onTick?.({ step: steps, t: (robot.now() - t0) / 1000, command, latencyMs });
      if (controller.done) {
        doneAt ??= robot.now();
        if (robot.now() - doneAt >= settleMs) {
          const last = robot.observe();
          if (last?.taskStatus) lastSuccess = last.taskStatus.success;
          return finish(lastSuccess ? 'success' : 'done');
        }
      }
      tick += periodMs;
      if (tick < robot.now() - periodMs) tick = robot.now(); // fell behind: do not burst to catch up
      await robot.waitUntil(tick);
    }
  } catch (e) {
    return fail(e);
  } finally {
    twin.dispose();
    await robot.disconnect().catch(() => {});
  }
}
