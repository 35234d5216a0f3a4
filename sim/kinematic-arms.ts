/**
 * A kinematic twin of two arms that are not simulated: the arms' chains alone (no table, objects,
 * actuators or dynamics), mounted at given base poses in `world`. A real robot's joint readings
 * go in (`observe`); FK gives the TCP poses; the program executor or the chunk follower runs on it
 * as on the World (it is a ServoArms) and the joint targets it sends are read back (`command`).
 */
import type { Pose } from '../core/geometry.ts';
import { ARMS, type ArmName } from '../core/program.ts';
import { YotoError } from '../core/errors.ts';
import { ARM_JOINTS, JOINT_RANGES, armBodyXml, armNames } from './mjcf/arm.ts';
import { ARM_PREFIX } from './mjcf/workcell.ts';
import { compileMjcf, idOf, loadMujoco, type MjModel, type Mujoco } from './mujoco.ts';
import { ArmIk, type ArmChain } from './ik.ts';
import type { ServoArms } from './servo-arms.ts';

function twinXml(bases: Record<ArmName, Pose>): string {
  return `<mujoco model="yoto-kinematic-twin">
<compiler angle="radian" autolimits="true"/>
<size memory="1M"/>
<default>
  <default class="arm_link"><geom contype="0" conaffinity="0" group="1"/></default>
  <default class="palm"><geom contype="0" conaffinity="0" group="2"/></default>
  <default class="finger"><geom contype="0" conaffinity="0" group="2"/></default>
</default>
<worldbody>
  ${armBodyXml(ARM_PREFIX.left, bases.left, '0.35 0.55 0.85 1')}
  ${armBodyXml(ARM_PREFIX.right, bases.right, '0.85 0.55 0.3 1')}
</worldbody>
</mujoco>`;
}

export interface ArmTwinState {
  /** Last observed joint positions (rad), kinematic order. */
  q: number[];
  /** Last observed opening, 0 closed … 1 open. */
  gripper: number;
}

export class KinematicArms implements ServoArms {
  readonly arms: Record<ArmName, { readonly ik: ArmIk }>;
  private readonly observed: Record<ArmName, ArmTwinState>;
  private readonly commanded: Record<ArmName, { q: number[]; gripper: number }>;

  private constructor(
    private readonly mj: Mujoco,
    private readonly model: MjModel,
  ) {
    const ik = (a: ArmName): ArmIk => {
      const names = armNames(ARM_PREFIX[a]);
      const jids = names.joints.map((j) => idOf(mj, model, 'joint', j));
      const chain: ArmChain = {
        qposAdr: jids.map((j) => (model.jnt_qposadr as Int32Array)[j]),
        dofAdr: jids.map((j) => (model.jnt_dofadr as Int32Array)[j]),
        ranges: ARM_JOINTS.map((j) => JOINT_RANGES[j]),
        siteId: idOf(mj, model, 'site', names.tcpSite),
      };
      return new ArmIk(mj, model, chain);
    };
    this.arms = { left: { ik: ik('left') }, right: { ik: ik('right') } };
    const zero = () => ({ q: [0, 0, 0, 0, 0, 0], gripper: 1 });
    this.observed = { left: zero(), right: zero() };
    this.commanded = { left: zero(), right: zero() };
  }

  /** Two UR5e chains with their bases at `bases` (world frame). */
  static async create(bases: Record<ArmName, Pose>): Promise<KinematicArms> {
    const mj = await loadMujoco();
    return new KinematicArms(mj, compileMjcf(mj, twinXml(bases), 'kinematic twin of the robot arms'));
  }

  /** A fresh reading of arm `a`. With `resetCommand`, the command is set to it (start, or after a hold). */
  observe(a: ArmName, state: ArmTwinState, resetCommand = false): void {
    if (state.q.length !== 6) throw new YotoError(`expected 6 joint positions, got ${state.q.length}`, `${a} arm`);
    this.observed[a] = { q: [...state.q], gripper: state.gripper };
    if (resetCommand) this.commanded[a] = { q: [...state.q], gripper: state.gripper >= 0.5 ? 1 : 0 };
  }

  observedQ(a: ArmName): number[] {
    return [...this.observed[a].q];
  }

  /** What the controller last sent to arm `a`. */
  command(a: ArmName): { q: number[]; gripper: number } {
    return { q: [...this.commanded[a].q], gripper: this.commanded[a].gripper };
  }

  fk(a: ArmName, q: readonly number[]): Pose {
    return this.arms[a].ik.fk(q);
  }

  tcpPose(a: ArmName): Pose {
    return this.fk(a, this.observed[a].q);
  }

  gripperOpening(a: ArmName): number {
    return this.observed[a].gripper;
  }

  armCtrl(a: ArmName): number[] {
    return [...this.commanded[a].q];
  }

  setArmCtrl(a: ArmName, q: readonly number[]): void {
    this.commanded[a].q = [...q];
  }

  setGripperCtrl(a: ArmName, g: number): void {
    this.commanded[a].gripper = g;
  }

  dispose(): void {
    for (const a of ARMS) this.arms[a].ik.dispose();
    this.model.delete();
  }
}
