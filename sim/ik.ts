/**
 * Inverse kinematics for one arm: damped least squares on MuJoCo's site Jacobian, computed on a
 * private MjData so the simulation's state is never touched. Joint limits are enforced on every
 * iterate; a pose that is not reached within tolerance is reported as a failure, never returned
 * as if it were solved.
 */
import type { Pose, Quat, Vec3 } from '../core/geometry.ts';
import { mat3ToQuat, quatErrorWorld } from '../core/geometry.ts';
import { Rng } from '../core/rng.ts';
import type { Mujoco, MjModel, MjData } from './mujoco.ts';
import { solveSpd } from '../core/linalg.ts';

export interface ArmChain {
  /** qpos addresses of the six arm joints. */
  qposAdr: number[];
  /** dof addresses of the six arm joints (Jacobian columns). */
  dofAdr: number[];
  /** [lo, hi] per joint, radians. */
  ranges: [number, number][];
  siteId: number;
}

export interface IkOptions {
  /** Position tolerance (m). */
  posTol?: number;
  /** Orientation tolerance (rad). */
  rotTol?: number;
  maxIterations?: number;
  /** Random restarts after the seed fails (deterministic: seeded). */
  restarts?: number;
  restartSeed?: number;
}

/** IK settings for tracking a moving target at the control rate (warm-started from the last command). */
export const SERVO_IK: IkOptions = { maxIterations: 30, posTol: 2e-4, rotTol: 2e-3 };

export interface IkResult {
  ok: boolean;
  q: number[];
  posErr: number;
  rotErr: number;
  iterations: number;
}

const DEFAULTS: Required<IkOptions> = { posTol: 1e-4, rotTol: 1e-3, maxIterations: 200, restarts: 0, restartSeed: 1 };

export class ArmIk {
  private readonly data: MjData;
  private readonly jacp: InstanceType<Mujoco['DoubleBuffer']>;
  private readonly jacr: InstanceType<Mujoco['DoubleBuffer']>;

  constructor(
    private readonly mj: Mujoco,
    private readonly model: MjModel,
    readonly chain: ArmChain,
  ) {
    this.data = new mj.MjData(model);
    // mj_jacSite must write into WASM-owned buffers: a plain Float64Array silently stays zero.
    this.jacp = new mj.DoubleBuffer(3 * model.nv);
    this.jacr = new mj.DoubleBuffer(3 * model.nv);
  }

  /** Set the arm's joints on the private data and compute kinematics. Other joints stay at qpos0. */
  private setQ(q: readonly number[]): void {
    const qpos = this.data.qpos as Float64Array;
    for (let i = 0; i < 6; i++) qpos[this.chain.qposAdr[i]] = q[i];
    this.mj.mj_kinematics(this.model, this.data);
    this.mj.mj_comPos(this.model, this.data);
  }

  /** Forward kinematics: the site pose in the world frame for joint angles q. */
  fk(q: readonly number[]): Pose {
    this.setQ(q);
    return this.sitePose();
  }

  private sitePose(): Pose {
    const s = this.chain.siteId;
    const xp = this.data.site_xpos as Float64Array;
    const xm = this.data.site_xmat as Float64Array;
    return { position: [xp[3 * s], xp[3 * s + 1], xp[3 * s + 2]], quaternion: mat3ToQuat(xm.subarray(9 * s, 9 * s + 9)) };
  }

  private clamp(q: number[]): void {
    for (let i = 0; i < 6; i++) {
      const [lo, hi] = this.chain.ranges[i];
      q[i] = Math.min(hi, Math.max(lo, q[i]));
    }
  }

  /** One DLS solve from `seed`. */
  private solveFrom(target: Pose, seed: readonly number[], o: Required<IkOptions>): IkResult {
    const q = seed.slice(0, 6);
    this.clamp(q);
    const nv = this.model.nv;
    const J = new Float64Array(36);
    const A = new Float64Array(36);
    const e = new Float64Array(6);
    let posErr = Infinity;
    let rotErr = Infinity;
    let it = 0;
    for (; it < o.maxIterations; it++) {
      this.setQ(q);
      const cur = this.sitePose();
      const dp: Vec3 = [
        target.position[0] - cur.position[0],
        target.position[1] - cur.position[1],
        target.position[2] - cur.position[2],
      ];
      const dr = quatErrorWorld(cur.quaternion, target.quaternion as Quat);
      posErr = Math.hypot(dp[0], dp[1], dp[2]);
      rotErr = Math.hypot(dr[0], dr[1], dr[2]);
      if (posErr < o.posTol && rotErr < o.rotTol) break;
      // Limit the task-space step so the linearisation stays valid far from the target.
      const sp = Math.min(1, 0.1 / posErr);
      const sr = Math.min(1, 0.5 / rotErr);
      for (let k = 0; k < 3; k++) {
        e[k] = dp[k] * sp;
        e[3 + k] = dr[k] * sr;
      }
      this.mj.mj_jacSite(this.model, this.data, this.jacp, this.jacr, this.chain.siteId);
      const jp = this.jacp.GetView() as Float64Array;
      const jr = this.jacr.GetView() as Float64Array;
      for (let r = 0; r < 3; r++)
        for (let c = 0; c < 6; c++) {
          J[r * 6 + c] = jp[r * nv + this.chain.dofAdr[c]];
          J[(r + 3) * 6 + c] = jr[r * nv + this.chain.dofAdr[c]];
        }
      // dq = Jᵀ (J Jᵀ + λ² I)⁻¹ e, with λ growing near singularities (small error → small λ).
      const lambda2 = 1e-4 + 1e-2 * Math.min(1, posErr + 0.2 * rotErr);
      for (let r = 0; r < 6; r++)
        for (let c = 0; c < 6; c++) {
          let s = 0;
          for (let k = 0; k < 6; k++) s += J[r * 6 + k] * J[c * 6 + k];
          A[r * 6 + c] = s + (r === c ? lambda2 : 0);
        }
      const y = solveSpd(A, e, 6);
      for (let c = 0; c < 6; c++) {
        let s = 0;
        for (let r = 0; r < 6; r++) s += J[r * 6 + c] * y[r];
        q[c] += s;
      }
      this.clamp(q);
    }
    return { ok: posErr < o.posTol && rotErr < o.rotTol, q, posErr, rotErr, iterations: it };
  }

  /** Solve for `target` starting at `seed`; on failure, retry from seeded random configurations. */
  solve(target: Pose, seed: readonly number[], options: IkOptions = {}): IkResult {
    const o = { ...DEFAULTS, ...options };
    let best = this.solveFrom(target, seed, o);
    if (best.ok || o.restarts === 0) return best;
    const rng = new Rng(o.restartSeed);
    for (let k = 0; k < o.restarts; k++) {
      const s = this.chain.ranges.map(([lo, hi]) => rng.uniform(Math.max(lo, -Math.PI), Math.min(hi, Math.PI)));
      const r = this.solveFrom(target, s, o);
      if (r.ok) return r;
      if (r.posErr + 0.1 * r.rotErr < best.posErr + 0.1 * best.rotErr) best = r;
    }
    return best;
  }

  dispose(): void {
    this.jacp.delete();
    this.jacr.delete();
    this.data.delete();
  }
}
