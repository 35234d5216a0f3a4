/**
 * One 6-DoF arm with UR5e kinematics (Universal Robots' public dimensions, the same chain as
 * MuJoCo Menagerie's ur5e) and a parallel two-finger gripper, written as MJCF from code. The
 * workcell instantiates this template twice with different name prefixes and base poses.
 *
 * Gripper frame (the `tcp` site): z is the approach direction (out of the palm, along the
 * fingers), x is the closing direction (the fingers slide along ±x), y = z × x.
 */
import type { Pose } from '../../core/geometry.ts';
import { attrs, quat, vec } from './xml.ts';

export const ARM_JOINTS = ['shoulder_pan', 'shoulder_lift', 'elbow', 'wrist_1', 'wrist_2', 'wrist_3'] as const;

/** Finger travel per side (m): gripper 1 = fully open = 2 × this gap between the pads. */
export const FINGER_TRAVEL = 0.045;
/** Distance from the TCP to the fingertips along the approach axis (m). */
export const TCP_TO_TIP = 0.015;

/** Joint limits (rad). Narrower than the real UR5e's ±2π to keep IK in one elbow-up branch. */
export const JOINT_RANGES: Record<(typeof ARM_JOINTS)[number], [number, number]> = {
  shoulder_pan: [-Math.PI, Math.PI],
  shoulder_lift: [-Math.PI, 0],
  elbow: [-Math.PI, Math.PI],
  wrist_1: [-2 * Math.PI, 2 * Math.PI],
  wrist_2: [-2 * Math.PI, 2 * Math.PI],
  wrist_3: [-2 * Math.PI, 2 * Math.PI],
};

/** Servo gains per joint: stiff shoulder/elbow, softer wrist, as on the real arm's size classes. */
const SERVO: Record<(typeof ARM_JOINTS)[number], { kp: number; kv: number; force: number }> = {
  shoulder_pan: { kp: 3000, kv: 300, force: 150 },
  shoulder_lift: { kp: 3000, kv: 300, force: 150 },
  elbow: { kp: 3000, kv: 300, force: 150 },
  wrist_1: { kp: 800, kv: 60, force: 28 },
  wrist_2: { kp: 800, kv: 60, force: 28 },
  wrist_3: { kp: 800, kv: 60, force: 28 },
};

export interface ArmNames {
  prefix: string;
  joints: string[];
  actuators: string[];
  fingerJoints: [string, string];
  fingerActuators: [string, string];
  tcpSite: string;
  baseBody: string;
  /** Bodies of the gripper (palm and fingers), for contact queries. */
  gripperBodies: string[];
}

export function armNames(prefix: string): ArmNames {
  return {
    prefix,
    joints: ARM_JOINTS.map((j) => `${prefix}${j}`),
    actuators: ARM_JOINTS.map((j) => `${prefix}${j}_servo`),
    fingerJoints: [`${prefix}finger_a`, `${prefix}finger_b`],
    fingerActuators: [`${prefix}finger_a_servo`, `${prefix}finger_b_servo`],
    tcpSite: `${prefix}tcp`,
    baseBody: `${prefix}base`,
    gripperBodies: [`${prefix}gripper`, `${prefix}finger_a_link`, `${prefix}finger_b_link`],
  };
}

const inertial = (mass: number, pos: [number, number, number], i: number) =>
  `<inertial ${attrs({ mass, pos, diaginertia: [i, i, i] })}/>`;

const hinge = (name: string, axis: [number, number, number], range: [number, number]) =>
  `<joint ${attrs({ name, type: 'hinge', axis, range, armature: 0.1, damping: 1, limited: 'true' })}/>`;

/** The arm's <body> subtree (goes inside <worldbody>). */
export function armBodyXml(prefix: string, base: Pose, color: string): string {
  const n = armNames(prefix);
  const r = (j: (typeof ARM_JOINTS)[number]) => JOINT_RANGES[j];
  const link = `class="arm_link" rgba="${color}"`;
  const dark = `class="arm_link" rgba="0.18 0.18 0.2 1"`;
  return `
<body name="${n.baseBody}" pos="${vec(base.position)}" quat="${quat(base.quaternion)}">
  <geom ${dark} type="cylinder" size="0.075 0.045" pos="0 0 0.045"/>
  <body name="${prefix}shoulder_link" pos="0 0 0.163" gravcomp="1">
    ${inertial(3.7, [0, 0, 0], 0.0102)}
    ${hinge(n.joints[0], [0, 0, 1], r('shoulder_pan'))}
    <geom ${link} type="cylinder" size="0.06 0.07" pos="0 0 -0.02"/>
    <geom ${dark} type="cylinder" size="0.06 0.07" quat="0.7071068 0.7071068 0 0" pos="0 0.06 0"/>
    <body name="${prefix}upper_arm_link" pos="0 0.138 0" quat="0.7071068 0 0.7071068 0" gravcomp="1">
      ${inertial(8.393, [0, 0, 0.2125], 0.1338)}
      ${hinge(n.joints[1], [0, 1, 0], r('shoulder_lift'))}
      <geom ${link} type="capsule" size="0.054" fromto="0 0 0 0 0 0.425"/>
      <geom ${dark} type="cylinder" size="0.058 0.06" quat="0.7071068 0.7071068 0 0" pos="0 -0.04 0.425"/>
      <body name="${prefix}forearm_link" pos="0 -0.131 0.425" gravcomp="1">
        ${inertial(2.275, [0, 0, 0.196], 0.0312)}
        ${hinge(n.joints[2], [0, 1, 0], r('elbow'))}
        <geom ${link} type="capsule" size="0.042" fromto="0 0 0 0 0 0.392"/>
        <body name="${prefix}wrist_1_link" pos="0 0 0.392" quat="0.7071068 0 0.7071068 0" gravcomp="1">
          ${inertial(1.219, [0, 0.127, 0], 0.0025)}
          ${hinge(n.joints[3], [0, 1, 0], r('wrist_1'))}
          <geom ${dark} type="cylinder" size="0.04 0.05" quat="0.7071068 0.7071068 0 0" pos="0 0.08 0"/>
          <body name="${prefix}wrist_2_link" pos="0 0.127 0" gravcomp="1">
            ${inertial(1.219, [0, 0, 0.1], 0.0025)}
            ${hinge(n.joints[4], [0, 0, 1], r('wrist_2'))}
            <geom ${link} type="cylinder" size="0.04 0.05" pos="0 0 0.07"/>
            <body name="${prefix}wrist_3_link" pos="0 0 0.1" gravcomp="1">
              ${inertial(0.1889, [0, 0.07, 0], 0.0001)}
              ${hinge(n.joints[5], [0, 1, 0], r('wrist_3'))}
              <geom ${dark} type="cylinder" size="0.04 0.035" quat="0.7071068 0.7071068 0 0" pos="0 0.065 0"/>
              ${gripperXml(prefix, n)}
            </body>
          </body>
        </body>
      </body>
    </body>
  </body>
</body>`;
}

/** Parallel gripper on the tool flange: palm, two sliding fingers with friction pads, the TCP site. */
function gripperXml(prefix: string, n: ArmNames): string {
  const fingerLen = 0.055; // fingers span z ∈ [0.07, 0.125] in the gripper frame
  const tcpZ = 0.07 + fingerLen - TCP_TO_TIP;
  const finger = (name: string, sign: 1 | -1) => `
    <body name="${name}_link" pos="0 0 0.07" gravcomp="1">
      ${inertial(0.05, [sign * 0.008, 0, fingerLen / 2], 2e-5)}
      <joint ${attrs({ name, type: 'slide', axis: [sign, 0, 0], range: [0, FINGER_TRAVEL], damping: 5, armature: 0.01, limited: 'true' })}/>
      <geom class="finger" type="box" ${attrs({ size: [0.008, 0.01, fingerLen / 2], pos: [sign * 0.008, 0, fingerLen / 2] })} rgba="0.25 0.25 0.28 1"/>
    </body>`;
  return `
<body name="${prefix}gripper" pos="0 0.1 0" quat="-0.7071068 0.7071068 0 0" gravcomp="1">
  ${inertial(0.4, [0, 0, 0.04], 0.0005)}
  <geom class="arm_link" type="cylinder" size="0.038 0.012" pos="0 0 0.012" rgba="0.18 0.18 0.2 1"/>
  <geom class="palm" type="box" size="0.07 0.022 0.023" pos="0 0 0.047" rgba="0.3 0.3 0.33 1"/>
  ${finger(n.fingerJoints[0], 1)}
  ${finger(n.fingerJoints[1], -1)}
  <site name="${n.tcpSite}" pos="0 0 ${tcpZ}" size="0.006" rgba="1 0.3 0.1 0.6" group="4"/>
</body>`;
}

/** Servo actuators for the arm joints and fingers (go inside <actuator>). */
export function armActuatorXml(prefix: string): string {
  const n = armNames(prefix);
  const servos = ARM_JOINTS.map((j, i) => {
    const s = SERVO[j];
    return `<general ${attrs({
      name: n.actuators[i],
      joint: n.joints[i],
      gaintype: 'fixed',
      biastype: 'affine',
      gainprm: [s.kp],
      biasprm: [0, -s.kp, -s.kv],
      forcerange: [-s.force, s.force],
      forcelimited: 'true',
      ctrlrange: JOINT_RANGES[j],
      ctrllimited: 'true',
    })}/>`;
  });
  const fingers = n.fingerJoints.map(
    (joint, i) =>
      `<general ${attrs({
        name: n.fingerActuators[i],
        joint,
        biastype: 'affine',
        gainprm: [600],
        biasprm: [0, -600, -20],
        forcerange: [-25, 25],
        forcelimited: 'true',
        ctrlrange: [0, FINGER_TRAVEL],
        ctrllimited: 'true',
      })}/>`,
  );
  return [...servos, ...fingers].join('\n  ');
}
