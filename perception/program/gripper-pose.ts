/**
 * Hand → parallel-gripper pose from the 21 landmarks of one frame.
 *
 * Position: the thumb–index pinch point (midpoint of the two tips), where a parallel gripper's
 * fingers meet; YOTO's mean of four fingertips drifts with the curl of the ring and middle
 * fingers. Orientation: a palm frame from the rigid part of the hand (wrist, index/middle/pinky
 * knuckles), which stays defined when thumb and index touch, composed with a per-hand offset
 * rotation that maps the palm frame to the gripper frame (z = approach, x = closing).
 */
import { add, cross, dist, normalize, quatFromAxes, quatMul, quatRotate, scale, sub, type Pose, type Quat, type Vec3 } from '../../core/geometry.ts';
import { LM, type HandSide } from '../../core/hands.ts';

export type Landmarks = readonly Vec3[];

/** Rotation from the palm frame to the gripper frame, plus a translation in the palm frame. */
export type HandOffset = Pose;

/**
 * Palm frame: a = wrist → middle knuckle (along the fingers), b = pinky knuckle → index knuckle
 * made orthogonal to a (across the palm, towards the thumb), c = a × b. For a left and a right
 * hand c points out of opposite faces of the palm, so offsets are per hand.
 */
export function palmFrame(lm: Landmarks): Quat {
  const a = normalize(sub(lm[LM.middle_mcp], lm[LM.wrist]));
  const across = sub(lm[LM.index_mcp], lm[LM.pinky_mcp]);
  const b = normalize(sub(across, scale(a, a[0] * across[0] + a[1] * across[1] + a[2] * across[2])));
  return quatFromAxes(a, b, cross(a, b));
}

export const pinchPoint = (lm: Landmarks): Vec3 => scale(add(lm[LM.thumb_tip], lm[LM.index_tip]), 0.5);

/** Thumb-tip to index-tip distance (m). */
export const aperture = (lm: Landmarks): number => dist(lm[LM.thumb_tip], lm[LM.index_tip]);

export function gripperPose(lm: Landmarks, offset: HandOffset): Pose {
  const palm = palmFrame(lm);
  return {
    position: add(pinchPoint(lm), quatRotate(palm, offset.position)),
    quaternion: quatMul(palm, offset.quaternion),
  };
}

/**
 * Default palm → gripper offsets for a pinch grasp: the approach axis runs along the fingers,
 * and the fingers close across the palm (thumb and index oppose along the palm's width).
 */
export const DEFAULT_HAND_OFFSETS: Record<HandSide, HandOffset> = {
  // gripper x = palm b, gripper z = palm a, so gripper y = a × b = palm c.
  left: { position: [0, 0, 0], quaternion: quatFromAxes([0, 1, 0], [0, 0, 1], [1, 0, 0]) },
  right: { position: [0, 0, 0], quaternion: quatFromAxes([0, 1, 0], [0, 0, 1], [1, 0, 0]) },
};

/**
 * Fit the palm → gripper offset from frames where the true gripper pose is known (e.g. a
 * calibration recording, or synthetic video): rotation = chordal mean of palm⁻¹·gripper,
 * translation = mean of the pinch-to-TCP vector in the palm frame.
 */
export function fitHandOffset(samples: { landmarks: Landmarks; gripper: Pose }[]): HandOffset {
  if (samples.length === 0) throw new Error('fitHandOffset: no samples');
  const acc: [number, number, number, number] = [0, 0, 0, 0];
  const t: Vec3 = [0, 0, 0];
  let ref: Quat | undefined;
  for (const s of samples) {
    const palm = palmFrame(s.landmarks);
    const inv: Quat = [-palm[0], -palm[1], -palm[2], palm[3]];
    let q = quatMul(inv, s.gripper.quaternion);
    ref ??= q;
    if (q[0] * ref[0] + q[1] * ref[1] + q[2] * ref[2] + q[3] * ref[3] < 0) q = [-q[0], -q[1], -q[2], -q[3]];
    for (let k = 0; k < 4; k++) acc[k] += q[k];
    const d = quatRotate(inv, sub(s.gripper.position, pinchPoint(s.landmarks)));
    for (let k = 0; k < 3; k++) t[k] += d[k] / samples.length;
  }
  const n = Math.hypot(...acc);
  return { position: t, quaternion: [acc[0] / n, acc[1] / n, acc[2] / n, acc[3] / n] };
}
