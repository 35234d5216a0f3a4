/**
 * The bimanual workcell as MJCF: a table whose top is the world's z = 0 plane, two arms mounted
 * on its ends facing each other across it (left arm at +y, right arm at −y, as seen by a person
 * standing at −x looking along +x), lights, a floor, and a slot for the task's objects.
 */
import { quatFromYaw, type Pose } from '../../core/geometry.ts';
import type { ArmName } from '../../core/program.ts';
import { armActuatorXml, armBodyXml } from './arm.ts';

export const TABLE = { halfX: 0.45, halfY: 0.62, thickness: 0.04, height: 0.75 } as const;

export const ARM_PREFIX: Record<ArmName, string> = { left: 'left_', right: 'right_' };

/** Arm base poses in the world frame: on the table's ends, each base x axis facing the centre. */
export const ARM_BASES: Record<ArmName, Pose> = {
  left: { position: [0, 0.5, 0], quaternion: quatFromYaw(-Math.PI / 2) },
  right: { position: [0, -0.5, 0], quaternion: quatFromYaw(Math.PI / 2) },
};

export interface WorkcellParts {
  /** Task objects: <body> elements for <worldbody>. */
  objects: string;
  /** Extra defaults, assets, contact exclusions, if a task needs them. */
  extraDefaults?: string;
  model?: string;
}

/** Physics step (s). Small enough for stable friction grasps with stiff servos. */
export const TIMESTEP = 0.002;

export function workcellXml(parts: WorkcellParts): string {
  const { halfX, halfY, thickness, height } = TABLE;
  const leg = (x: number, y: number) =>
    `<geom class="visual" type="box" size="0.03 0.03 ${(height - thickness) / 2}" pos="${x} ${y} ${-thickness - (height - thickness) / 2}" rgba="0.45 0.33 0.22 1"/>`;
  return `<mujoco model="${parts.model ?? 'yoto-workcell'}">
<compiler angle="radian" autolimits="true"/>
<!-- memory caps each MjData's arena: many worlds run side by side in one 2 GB WASM heap -->
<size memory="4M"/>
<option timestep="${TIMESTEP}" integrator="implicitfast" cone="elliptic" impratio="5"/>
<visual><global offwidth="640" offheight="480"/></visual>
<default>
  <geom solref="0.004 1" solimp="0.95 0.99 0.001"/>
  <default class="visual"><geom contype="0" conaffinity="0" group="1"/></default>
  <default class="arm_link"><geom contype="0" conaffinity="0" group="1"/></default>
  <default class="palm"><geom contype="1" conaffinity="1" group="2" friction="1 0.01 0.001"/></default>
  <default class="finger"><geom contype="1" conaffinity="1" group="2" condim="4" friction="1.5 0.02 0.002" solref="0.004 1" solimp="0.97 0.99 0.001"/></default>
  <default class="object"><geom contype="1" conaffinity="1" group="2" condim="4" friction="1 0.01 0.001"/></default>
  <default class="fixture"><geom contype="1" conaffinity="1" group="2" friction="0.8 0.01 0.001"/></default>
  ${parts.extraDefaults ?? ''}
</default>
<worldbody>
  <light name="key" pos="0.6 -0.4 2.2" dir="-0.3 0.2 -1" directional="true" diffuse="0.8 0.8 0.8" castshadow="true"/>
  <light name="fill" pos="-1 1 2" dir="0.5 -0.5 -1" directional="true" diffuse="0.3 0.3 0.3" castshadow="false"/>
  <geom name="floor" class="visual" type="plane" size="3 3 0.1" pos="0 0 ${-height}" rgba="0.82 0.82 0.8 1"/>
  <geom name="table" class="fixture" type="box" size="${halfX} ${halfY} ${thickness / 2}" pos="0 0 ${-thickness / 2}" rgba="0.62 0.5 0.38 1"/>
  ${leg(halfX - 0.05, halfY - 0.05)}${leg(-halfX + 0.05, halfY - 0.05)}${leg(halfX - 0.05, -halfY + 0.05)}${leg(-halfX + 0.05, -halfY + 0.05)}
  ${armBodyXml(ARM_PREFIX.left, ARM_BASES.left, '0.35 0.55 0.85 1')}
  ${armBodyXml(ARM_PREFIX.right, ARM_BASES.right, '0.85 0.55 0.3 1')}
  ${parts.objects}
</worldbody>
<actuator>
  ${armActuatorXml(ARM_PREFIX.left)}
  ${armActuatorXml(ARM_PREFIX.right)}
</actuator>
</mujoco>`;
}
