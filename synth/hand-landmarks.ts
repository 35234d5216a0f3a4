/**
 * MediaPipe's 21 hand landmarks from the 25 WebXR hand joints of the rendered mesh.
 *
 * Every landmark is an exact joint position of the posed skeleton (what the skinned mesh is drawn
 * from); what is approximate is the anatomical match between the two conventions:
 * - WRIST ← `wrist`: WebXR's wrist joint sits at the distal radius/ulna, near MediaPipe's wrist point.
 * - THUMB_CMC ← `thumb-metacarpal` (the base of the thumb's metacarpal, i.e. the CMC joint);
 *   THUMB_MCP ← `thumb-phalanx-proximal`; THUMB_IP ← `thumb-phalanx-distal`; THUMB_TIP ← `thumb-tip`.
 * - <FINGER>_MCP ← `<finger>-phalanx-proximal` (base of the proximal phalanx = the MCP joint),
 *   _PIP ← `-phalanx-intermediate`, _DIP ← `-phalanx-distal`, _TIP ← `-tip`.
 * - The four finger metacarpal joints (near the wrist, inside the palm) have no MediaPipe
 *   counterpart and are left out.
 * Joints lie on the bone axes inside the mesh, as MediaPipe's annotations roughly do; the tips are
 * the ends of the distal bones, a few millimetres inside the fingertip skin.
 */
import type { Pose, Vec3 } from '../core/geometry.ts';
import { HAND_JOINTS } from './hand-model.ts';

/** Landmark names (core/hands.ts, MediaPipe's WRIST, THUMB_CMC, … PINKY_TIP in lower case). */
export { LANDMARKS } from '../core/hands.ts';

const fingers = ['index-finger', 'middle-finger', 'ring-finger', 'pinky-finger'];

/** The WebXR joint behind each MediaPipe landmark, in LANDMARKS order. */
export const LANDMARK_JOINTS: readonly string[] = [
  'wrist',
  'thumb-metacarpal', 'thumb-phalanx-proximal', 'thumb-phalanx-distal', 'thumb-tip',
  ...fingers.flatMap((f) => [`${f}-phalanx-proximal`, `${f}-phalanx-intermediate`, `${f}-phalanx-distal`, `${f}-tip`]),
];

const jointIdx = LANDMARK_JOINTS.map((n) => {
  const i = HAND_JOINTS.indexOf(n);
  if (i < 0) throw new Error(`unknown hand joint ${n}`);
  return i;
});

/** 21 landmark positions (MediaPipe order) from the 25 posed joints (HAND_JOINTS order). */
export function landmarksFromJoints(joints: Pose[]): Vec3[] {
  return jointIdx.map((i) => [...joints[i].position] as Vec3);
}
