/**
 * A live workcell: the compiled MuJoCo model of one task at one object placement, its data, and
 * typed access to what the rest of yoto needs (arm joints, TCP poses, gripper openings, object
 * poses, servo commands, a hash of the physics state).
 */
import { createHash } from 'node:crypto';
import type { Pose } from '../core/geometry.ts';
import { mat3ToQuat, quatFromWxyz } from '../core/geometry.ts';
import { ARMS, type ArmName } from '../core/program.ts';
import type { Scene } from '../core/scene.ts';
import { ARM_JOINTS, FINGER_TRAVEL, JOINT_RANGES, armNames, type ArmNames } from './mjcf/arm.ts';
import { ARM_PREFIX, TIMESTEP, workcellXml } from './mjcf/workcell.ts';
import { compileMjcf, idOf, loadMujoco, type MjData, type MjModel, type Mujoco } from './mujoco.ts';
import { ArmIk, type ArmChain } from './ik.ts';
import type { Task } from './tasks/task.ts';
import { validateScene } from './tasks/placement.ts';

/**
 * Joint angles of the home posture: TCP 30 cm above the table, 20 cm from the centre towards the
 * arm's own side, pointing down with the fingers closing along world x (solved once with ArmIk).
 */
export const HOME_Q: Record<ArmName, number[]> = {
  left: [-0.463, -2.124, 2.161, -1.608, -1.571, 2.679],
  right: [-0.463, -2.124, 2.161, -1.608, -1.571, -0.463],
};

export interface ArmHandle {
  names: ArmNames;
  chain: ArmChain;
  actuatorIds: number[];
  fingerQposAdr: [number, number];
  fingerActuatorIds: [number, number];
  gripperBodyIds: number[];
  ik: ArmIk;
}

export class World {
  readonly arms: Record<ArmName, ArmHandle>;
  private readonly bodyIds = new Map<string, number>();

  private constructor(
    readonly mj: Mujoco,
    readonly model: MjModel,
    readonly data: MjData,
    readonly task: Task,
    readonly scene: Scene,
  ) {
    const arm = (a: ArmName): ArmHandle => {
      const names = armNames(ARM_PREFIX[a]);
      const jids = names.joints.map((j) => idOf(mj, model, 'joint', j));
      const jntQpos = model.jnt_qposadr as Int32Array;
      const jntDof = model.jnt_dofadr as Int32Array;
      const chain: ArmChain = {
        qposAdr: jids.map((j) => jntQpos[j]),
        dofAdr: jids.map((j) => jntDof[j]),
        ranges: ARM_JOINTS.map((j) => JOINT_RANGES[j]),
        siteId: idOf(mj, model, 'site', names.tcpSite),
      };
      const fj = names.fingerJoints.map((j) => jntQpos[idOf(mj, model, 'joint', j)]) as [number, number];
      return {
        names,
        chain,
        actuatorIds: names.actuators.map((n) => idOf(mj, model, 'actuator', n)),
        fingerQposAdr: fj,
        fingerActuatorIds: names.fingerActuators.map((n) => idOf(mj, model, 'actuator', n)) as [number, number],
        gripperBodyIds: names.gripperBodies.map((b) => idOf(mj, model, 'body', b)),
        ik: new ArmIk(mj, model, chain),
      };
    };
    this.arms = { left: arm('left'), right: arm('right') };
  }

  /** Build the workcell for `task` with objects placed as in `scene`, arms at home, grippers open. */
  static async create(task: Task, scene: Scene): Promise<World> {
    validateScene(task, scene);
    const mj = await loadMujoco();
    const model = compileMjcf(mj, workcellXml({ objects: task.objectsXml(scene), model: `yoto-${task.name}` }), `workcell for task ${task.name}`);
    const data = new mj.MjData(model);
    const w = new World(mj, model, data, task, scene);
    w.reset();
    return w;
  }

  /** Arms at home, grippers open, objects at their placement, time 0. */
  reset(): void {
    this.mj.mj_resetData(this.model, this.data);
    const qpos = this.data.qpos as Float64Array;
    for (const a of ARMS) {
      const h = this.arms[a];
      HOME_Q[a].forEach((q, i) => (qpos[h.chain.qposAdr[i]] = q));
      for (const adr of h.fingerQposAdr) qpos[adr] = FINGER_TRAVEL;
      this.setArmCtrl(a, HOME_Q[a]);
      this.setGripperCtrl(a, 1);
    }
    this.mj.mj_forward(this.model, this.data);
  }

  get time(): number {
    return this.data.time;
  }

  get timestep(): number {
    return TIMESTEP;
  }

  step(n = 1): void {
    for (let i = 0; i < n; i++) this.mj.mj_step(this.model, this.data);
  }

  armQ(a: ArmName): number[] {
    const qpos = this.data.qpos as Float64Array;
    return this.arms[a].chain.qposAdr.map((adr) => qpos[adr]);
  }

  tcpPose(a: ArmName): Pose {
    const s = this.arms[a].chain.siteId;
    const xp = this.data.site_xpos as Float64Array;
    const xm = this.data.site_xmat as Float64Array;
    return { position: [xp[3 * s], xp[3 * s + 1], xp[3 * s + 2]], quaternion: mat3ToQuat(xm.subarray(9 * s, 9 * s + 9)) };
  }

  /** Measured opening, 0 = closed … 1 = fully open. */
  gripperOpening(a: ArmName): number {
    const qpos = this.data.qpos as Float64Array;
    const [i, j] = this.arms[a].fingerQposAdr;
    return (qpos[i] + qpos[j]) / (2 * FINGER_TRAVEL);
  }

  setArmCtrl(a: ArmName, q: readonly number[]): void {
    const ctrl = this.data.ctrl as Float64Array;
    this.arms[a].actuatorIds.forEach((id, i) => (ctrl[id] = q[i]));
  }

  armCtrl(a: ArmName): number[] {
    const ctrl = this.data.ctrl as Float64Array;
    return this.arms[a].actuatorIds.map((id) => ctrl[id]);
  }

  /** Command the gripper: 1 = fully open, 0 = closed (the fingers squeeze whatever is between them). */
  setGripperCtrl(a: ArmName, g: number): void {
    const ctrl = this.data.ctrl as Float64Array;
    const v = Math.min(1, Math.max(0, g)) * FINGER_TRAVEL;
    for (const id of this.arms[a].fingerActuatorIds) ctrl[id] = v;
  }

  bodyId(name: string): number {
    let id = this.bodyIds.get(name);
    if (id === undefined) {
      id = idOf(this.mj, this.model, 'body', name);
      this.bodyIds.set(name, id);
    }
    return id;
  }

  bodyPose(name: string): Pose {
    const id = this.bodyId(name);
    const xp = this.data.xpos as Float64Array;
    const xq = this.data.xquat as Float64Array;
    return { position: [xp[3 * id], xp[3 * id + 1], xp[3 * id + 2]], quaternion: quatFromWxyz(xq.subarray(4 * id, 4 * id + 4)) };
  }

  /** qpos of a named (1-dof) joint. */
  jointQ(name: string): number {
    const id = idOf(this.mj, this.model, 'joint', name);
    return (this.data.qpos as Float64Array)[(this.model.jnt_qposadr as Int32Array)[id]];
  }

  /** Bodies in contact with any geom of body `a` (by id). */
  contactsOf(bodyIdA: number): Set<number> {
    const out = new Set<number>();
    const geomBody = this.model.geom_bodyid as Int32Array;
    const ncon = this.data.ncon;
    const contacts = this.data.contact;
    for (let i = 0; i < ncon; i++) {
      const c = contacts.get(i);
      if (!c) continue;
      const b1 = geomBody[c.geom1];
      const b2 = geomBody[c.geom2];
      c.delete(); // embind handles are not garbage-collected
      if (b1 === bodyIdA) out.add(b2);
      else if (b2 === bodyIdA) out.add(b1);
    }
    contacts.delete();
    return out;
  }

  /** SHA-256 of the full physics state (time, qpos, qvel, act, ...): equal hashes = identical runs. */
  stateHash(hash = createHash('sha256')): string {
    const mj = this.mj;
    const spec = mj.mjtState.mjSTATE_PHYSICS.value;
    const n = mj.mj_stateSize(this.model, spec);
    const buf = new mj.DoubleBuffer(n);
    try {
      mj.mj_getState(this.model, this.data, buf, spec);
      const view = buf.GetView() as Float64Array;
      hash.update(new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength)));
    } finally {
      buf.delete();
    }
    return hash.digest('hex');
  }

  dispose(): void {
    for (const a of ARMS) this.arms[a].ik.dispose();
    this.data.delete();
    this.model.delete();
  }
}
