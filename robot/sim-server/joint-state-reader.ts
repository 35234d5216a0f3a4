/**
 * The workcell's joints as /joint_states reports them: per arm its six joints (position, velocity,
 * actuator force) and its gripper as one finger's travel in metres (the mean of the two fingers).
 */
import { ARMS } from '../../core/program.ts';
import type { World } from '../../sim/index.ts';
import { jointStateNames } from './ros-interface.ts';

export interface JointStateValues {
  name: string[];
  position: number[];
  velocity: number[];
  effort: number[];
}

export class JointStateReader {
  readonly names = jointStateNames();
  private readonly fingerDof: Record<'left' | 'right', [number, number]>;

  constructor(private readonly world: World) {
    const { mj, model } = world;
    const dofAdr = model.jnt_dofadr as Int32Array;
    const dof = (joint: string): number => {
      const id = mj.mj_name2id(model, mj.mjtObj.mjOBJ_JOINT.value, joint);
      if (id < 0) throw new Error(`no joint ${joint} in the workcell`);
      return dofAdr[id];
    };
    this.fingerDof = {
      left: world.arms.left.names.fingerJoints.map(dof) as [number, number],
      right: world.arms.right.names.fingerJoints.map(dof) as [number, number],
    };
  }

  read(): JointStateValues {
    const w = this.world;
    const qpos = w.data.qpos as Float64Array;
    const qvel = w.data.qvel as Float64Array;
    const force = w.data.actuator_force as Float64Array;
    const position: number[] = [];
    const velocity: number[] = [];
    const effort: number[] = [];
    for (const a of ARMS) {
      const h = w.arms[a];
      h.chain.qposAdr.forEach((adr) => position.push(qpos[adr]));
      h.chain.dofAdr.forEach((adr) => velocity.push(qvel[adr]));
      h.actuatorIds.forEach((id) => effort.push(force[id]));
      const [pa, pb] = h.fingerQposAdr;
      const [va, vb] = this.fingerDof[a];
      const [fa, fb] = h.fingerActuatorIds;
      position.push((qpos[pa] + qpos[pb]) / 2);
      velocity.push((qvel[va] + qvel[vb]) / 2);
      effort.push((force[fa] + force[fb]) / 2);
    }
    return { name: this.names, position, velocity, effort };
  }
}
