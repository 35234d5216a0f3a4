/**
 * A trained (or HESSO-compressed) BiDP policy as the deploy loop's plan, through the same
 * PolicyController that `yoto eval` runs in the simulator: a program policy predicts the whole
 * bimanual program from the first observation and, closed loop, re-plans the keyposes not yet
 * started each time an arm starts a new segment; a chunk policy predicts TCP chunks for the
 * waypoint follower. Every prediction is checked before it reaches the executor: a non-finite
 * number stops the run (SafetyViolation), a keypose outside the workspace or out of reach is a
 * clear error before the first motion. A re-plan waits for a fresh point cloud.
 */
import { YotoError, isYotoError } from '../core/errors.ts';
import { ARMS, type ArmName, type Program } from '../core/program.ts';
import { initTf } from '../tf/index.ts';
import { Policy, PolicyController, type ArmReading as PolicyArmReading } from '../policy/index.ts';
import { DEFAULT_EXECUTOR, DEFAULT_FOLLOWER, ProgramExecutor, WaypointFollower, type KinematicArms } from '../sim/index.ts';
import type { PlanSource } from './deploy.ts';
import { checkProgramOnRobot } from './program-source.ts';
import type { RobotObservation } from './robot.ts';
import { SafetyViolation } from './safety.ts';

export interface PolicySourceOptions {
  /** First prediction's seed (prediction k uses seed + k). */
  seed?: number;
  closedLoop?: boolean;
  inferenceSteps?: number;
  /** A point cloud older than this (ms) is not used for a prediction (default 500). */
  maxCloudAgeMs?: number;
  log?: (line: string) => void;
}

function assertFinite(values: Iterable<number>, what: string): void {
  for (const v of values) if (!Number.isFinite(v)) throw new SafetyViolation('not-finite', `the policy predicted a non-finite ${what} (NaN or ±inf): holding, nothing sent`);
}

function programNumbers(p: Program): number[] {
  return ARMS.flatMap((a) => p.arms[a].flatMap((k) => [...k.position, ...k.quaternion, k.gripper]));
}

export function policySource(policy: Policy, o: PolicySourceOptions = {}): PlanSource {
  const ctl = new PolicyController(policy, { seed: o.seed ?? 0, closedLoop: o.closedLoop, inferenceSteps: o.inferenceSteps });
  const maxCloudAge = o.maxCloudAgeMs ?? 500;
  let executor: ProgramExecutor | undefined;
  let follower: WaypointFollower | undefined;

  const arms = (twin: KinematicArms, obs: RobotObservation): Record<ArmName, PolicyArmReading> => {
    const r = (a: ArmName): PolicyArmReading => {
      const p = twin.fk(a, obs.arms[a].q);
      return { position: p.position, quaternion: p.quaternion, gripper: obs.arms[a].gripper, joints: obs.arms[a].q };
    };
    return { left: r('left'), right: r('right') };
  };
  const cloudOf = (obs: RobotObservation, now: number): Float32Array | undefined => {
    const c = obs.cloud;
    if (!c || c.count === 0 || now - c.receivedAt > maxCloudAge) return undefined;
    return c.points.subarray(0, 3 * c.count);
  };

  return {
    kind: 'policy',
    needsCloud: true,
    stopOnSuccess: policy.action === 'chunk',
    get inferenceMs() {
      return ctl.latenciesMs;
    },
    start(twin, obs, config, controlDt) {
      const now = Math.max(obs.arms.left.receivedAt, obs.arms.right.receivedAt);
      const cloud = cloudOf(obs, now);
      if (!cloud) throw new YotoError(`no fresh point cloud (within ${maxCloudAge} ms): a policy observes the depth camera; check observation.point_cloud in robot.yaml`, 'deploy --policy');
      const observation = ctl.observation(cloud, arms(twin, obs));
      // One untimed prediction first: the sampler's set-up and the JIT's first pass are paid
      // before the arms move, not in the first re-plan's tick.
      policy.predict(observation, -1, ctl.inferenceSteps);
      if (policy.action === 'chunk') {
        follower = new WaypointFollower(twin, { ...DEFAULT_FOLLOWER, hz: policy.chunk!.hz, controlDt });
        const plan = ctl.tick({ stepsExecuted: 0 }, observation);
        if (plan?.action !== 'chunk') throw new Error('policySource: expected a chunk');
        assertFinite(ARMS.flatMap((a) => plan.chunk[a].flatMap((w) => [...w.pose.position, ...w.pose.quaternion, w.gripper])), 'chunk');
        follower.setChunk(plan.chunk);
        return follower;
      }
      const plan = ctl.tick({ progress: { left: 0, right: 0 } }, observation);
      if (plan?.action !== 'program') throw new Error('policySource: expected a program');
      assertFinite(programNumbers(plan.program), 'keypose');
      checkProgramOnRobot(plan.program, twin, config, 'predicted program');
      executor = new ProgramExecutor(twin, plan.program, { ...DEFAULT_EXECUTOR, controlDt });
      return executor;
    },
    tick(twin, obs) {
      const now = Math.max(obs.arms.left.receivedAt, obs.arms.right.receivedAt);
      const cloud = cloudOf(obs, now);
      // No fresh cloud: the current plan stands and the controller sees this tick's progress later.
      if (!cloud) return;
      if (follower) {
        const plan = ctl.tick({ stepsExecuted: follower.stepsExecuted }, ctl.observation(cloud, arms(twin, obs)));
        if (plan?.action === 'chunk') {
          assertFinite(ARMS.flatMap((a) => plan.chunk[a].flatMap((w) => [...w.pose.position, ...w.pose.quaternion, w.gripper])), 'chunk');
          follower.setChunk(plan.chunk);
        }
        return;
      }
      if (!executor) return;
      const progress = executor.progress();
      const plan = ctl.tick({ progress }, () => ctl.observation(cloud, arms(twin, obs), progress));
      if (plan?.action !== 'program') return;
      assertFinite(programNumbers(plan.program), 'keypose');
      try {
        executor.replanRemaining(plan.program);
      } catch (e) {
        // A re-plan that changes the program's structure is dropped, as in `yoto eval`.
        if (!isYotoError(e)) throw e;
        o.log?.(`re-plan dropped: ${e.message}`);
      }
    },
    plan: () => {
      const p = ctl.plan;
      if (!p) return undefined;
      return p.action === 'program' ? { kind: 'policy', program: p.program, progress: executor?.progress() } : { kind: 'policy', chunk: p.chunk };
    },
  };
}

/** Loads the policy folder (TensorFlow.js started first) and makes its plan source. */
export async function policyPlanSource(dir: string, o: PolicySourceOptions = {}): Promise<{ plan: PlanSource; policy: Policy; camera: Record<string, unknown>; task: string }> {
  await initTf();
  const policy = await Policy.load(dir);
  return { plan: policySource(policy, o), policy, camera: policy.meta.camera, task: policy.task };
}
