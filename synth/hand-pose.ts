/**
 * Poses the flat WebXR hand skeleton: finger flexion as a function of the gripper opening, each
 * joint's transform composed along its chain (wrist → metacarpal → proximal → intermediate →
 * distal → tip), and the fixed hand-to-gripper offset that puts the grasp point between the
 * thumb and index tips on the gripper's TCP.
 */
import type { Pose, Quat, Vec3 } from '../core/geometry.ts';
import { cross, normalize, poseCompose, poseInverse, quatFromAxes, quatFromAxisAngle, quatMul, quatRotate, scale, sub, add, dot } from '../core/geometry.ts';
import type { ArmName } from '../core/program.ts';
import { DIGITS, HAND_JOINTS, digitChain, loadHandModel, type Digit, type HandModel } from './hand-model.ts';

const deg = (d: number): number => (d * Math.PI) / 180;

/**
 * Rotations of one digit's joints, degrees. `flex` per bone of the chain (metacarpal, proximal,
 * intermediate/distal…; the tip takes none): positive curls towards the palm. `spread` rotates the
 * first bone about its dorsal axis (abduction); `twist` rolls it about its own axis (the thumb's
 * opposition).
 */
export interface DigitPosture {
  flex: number[];
  spread?: number;
  twist?: number;
}
export type HandPosture = Record<Digit, DigitPosture>;

/** Relaxed open hand (gripper fully open). */
const OPEN: HandPosture = {
  thumb: { flex: [0, 5, 5], spread: 10, twist: 0 },
  'index-finger': { flex: [0, 5, 8, 5] },
  'middle-finger': { flex: [0, 6, 10, 5] },
  'ring-finger': { flex: [0, 8, 12, 6] },
  'pinky-finger': { flex: [0, 10, 14, 8] },
};

/** Pinch: thumb and index tips 4 cm apart (as the gripper around a 4 cm object), others curled. */
const PINCH: HandPosture = {
  thumb: { flex: [10, 30, 0], spread: 15, twist: 0 },
  'index-finger': { flex: [0, 30, 30, 15] },
  'middle-finger': { flex: [0, 50, 60, 35] },
  'ring-finger': { flex: [0, 60, 70, 40] },
  'pinky-finger': { flex: [0, 65, 75, 45] },
};

/** Closed: every finger curled, the thumb tip on the index finger's middle phalanx. */
const CLOSED: HandPosture = {
  thumb: { flex: [30, 10, 10], spread: 15, twist: 0 },
  'index-finger': { flex: [0, 60, 75, 45] },
  'middle-finger': { flex: [0, 75, 85, 50] },
  'ring-finger': { flex: [0, 80, 90, 55] },
  'pinky-finger': { flex: [0, 85, 90, 55] },
};

/** Gripper opening at which the hand is in the pinch posture (about the 4 cm objects' width). */
export const PINCH_OPENING = 0.45;

function lerpPosture(a: HandPosture, b: HandPosture, t: number): HandPosture {
  const mix = (x: number | undefined, y: number | undefined) => (x ?? 0) + ((y ?? 0) - (x ?? 0)) * t;
  const out = {} as HandPosture;
  for (const d of DIGITS) {
    out[d] = {
      flex: a[d].flex.map((f, i) => mix(f, b[d].flex[i])),
      spread: mix(a[d].spread, b[d].spread),
      twist: mix(a[d].twist, b[d].twist),
    };
  }
  return out;
}

/** Posture for a gripper opening in [0,1]: closed (0) → pinch (PINCH_OPENING) → open (1), linear between. */
export function postureForOpening(opening: number): HandPosture {
  const g = Math.min(1, Math.max(0, opening));
  return g >= PINCH_OPENING ? lerpPosture(PINCH, OPEN, (g - PINCH_OPENING) / (1 - PINCH_OPENING)) : lerpPosture(CLOSED, PINCH, g / PINCH_OPENING);
}

/** The rotation a joint applies to everything after it, in its own frame (−z along the bone, +y dorsal). */
function jointRotation(flexDeg: number, spreadDeg = 0, twistDeg = 0): Quat {
  // Flexion turns the bone's −z towards the palm (−y): a rotation about −x.
  const flex = quatFromAxisAngle([-1, 0, 0], deg(flexDeg));
  const spread = quatFromAxisAngle([0, 1, 0], deg(spreadDeg));
  const twist = quatFromAxisAngle([0, 0, -1], deg(twistDeg));
  return quatMul(quatMul(spread, twist), flex);
}

/**
 * Joint poses in hand (armature) space, HAND_JOINTS order, for a posture. Every joint's pose is
 * its parent's posed pose times the rest offset between them times its own rotation.
 */
export function poseJoints(model: HandModel, posture: HandPosture): Pose[] {
  const index = new Map(HAND_JOINTS.map((n, i) => [n, i]));
  const out: Pose[] = new Array(HAND_JOINTS.length);
  const wrist = model.rest[0];
  out[0] = wrist;
  const mirror = model.side === 'left' ? 1 : -1;
  for (const d of DIGITS) {
    const p = posture[d];
    let parentRest = wrist;
    let parentPosed = wrist;
    digitChain(d).forEach((name, k) => {
      const i = index.get(name)!;
      const rest = model.rest[i];
      const offset = poseCompose(poseInverse(parentRest), rest);
      const isTip = name.endsWith('-tip');
      // Spread and twist act on the first bone; the left and right meshes are mirror images, so
      // the same anatomical motion has opposite signs about axes that flip under the mirror.
      const rot = isTip ? ([0, 0, 0, 1] as Quat) : jointRotation(p.flex[k] ?? 0, k === 0 ? mirror * (p.spread ?? 0) : 0, k === 0 ? mirror * (p.twist ?? 0) : 0);
      const posed = poseCompose(parentPosed, { position: offset.position, quaternion: quatMul(offset.quaternion, rot) });
      out[i] = posed;
      parentRest = rest;
      parentPosed = posed;
    });
  }
  return out;
}

const jointIndex = (name: string): number => HAND_JOINTS.indexOf(name);

/**
 * The hand's grasp frame in hand space, from the pinch posture: origin midway between the thumb
 * and index tips, x from thumb tip to index tip (the gripper's closing direction), z from the
 * wrist towards the grasp point (the approach direction), y = z × x, as the TCP frame.
 */
export function graspFrame(model: HandModel): Pose {
  const j = poseJoints(model, PINCH);
  const thumb = j[jointIndex('thumb-tip')].position;
  const indexTip = j[jointIndex('index-finger-tip')].position;
  const origin = scale(add(thumb, indexTip), 0.5);
  const x = normalize(sub(indexTip, thumb));
  const d = sub(origin, j[0].position);
  const z = normalize(sub(d, scale(x, dot(d, x))));
  return { position: origin, quaternion: quatFromAxes(x, cross(z, x), z) };
}

/** Half a turn about the TCP's z: the gripper is symmetric under it, the hand is not. */
export const HALF_TURN_Z: Quat = [0, 0, 1, 0];

/**
 * Hand (armature) pose in the world that puts the grasp frame on the TCP pose. `flip` applies the
 * gripper's half-turn symmetry first (thumb on the other side).
 */
export function handPoseForTcp(model: HandModel, tcp: Pose, flip: boolean): Pose {
  const t = flip ? poseCompose(tcp, { position: [0, 0, 0], quaternion: HALF_TURN_Z }) : tcp;
  return poseCompose(t, poseInverse(graspFrame(model)));
}

/** World poses of all 25 joints of one hand following a TCP at a gripper opening. */
export function handJointsWorld(side: ArmName, tcp: Pose, opening: number, flip: boolean): Pose[] {
  const model = loadHandModel(side);
  const base = handPoseForTcp(model, tcp, flip);
  return poseJoints(model, postureForOpening(opening)).map((p) => poseCompose(base, p));
}

/** The person's shoulders (world), standing at the table's near edge (−x): where the forearms point. */
export const SHOULDERS: Record<ArmName, Vec3> = { left: [-0.6, 0.2, 0.55], right: [-0.6, -0.2, 0.55] };

/**
 * Pose of the forearm drawn behind a hand: origin at the wrist joint, +z along the forearm towards
 * the elbow — between the hand's own wrist axis and the direction to the person's shoulder, so
 * the wrist bends no more than a real one would.
 */
export function forearmPose(side: ArmName, joints: Pose[]): Pose {
  const wrist = joints[0];
  const back = quatRotate(wrist.quaternion, [0, 0, 1]); // the wrist joint's −z points into the hand
  const toShoulder = normalize(sub(SHOULDERS[side], wrist.position));
  const z = normalize(add(scale(back, 0.45), scale(toShoulder, 0.55)));
  const ref: Vec3 = Math.abs(z[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  const x = normalize(cross(ref, z));
  return { position: wrist.position, quaternion: quatFromAxes(x, cross(z, x), z) };
}
