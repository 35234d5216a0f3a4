/**
 * Hand → parallel-gripper pose from the 21 landmarks of one frame.
 *
 * Position: the thumb–index pinch point (midpoint of the two tips), where a parallel gripper's
 * fingers meet; YOTO's mean of four fingertips drifts with the curl of the ring and middle
 * fingers. Orientation: a palm frame from the rigid part of the hand (wrist, index/middle/pinky
 * knuckles), which stays defined when thumb and index touch, composed with a per-hand offset
 * rotation that maps the palm frame to the gripper frame (z = approach, x = closing).
 */
import { add, cross, dist, normalize, quatFromAxes, quatMul, quatNormalize, quatRotate, scale, sub, type Pose, type Quat, type Vec3 } from '../../core/geometry.ts';
import { LM, type HandSide } from '../../core/hands.ts';
import { quantile } from '../../core/stats.ts';

export type Landmarks = readonly Vec3[];

/**
 * Where the gripper sits relative to the hand: a rotation from the palm frame to the gripper
 * frame and a translation in the palm frame, from the anchor: 'palm' = the palm centre (the
 * rigid part of the hand, robust to fingertip noise and occlusion), 'pinch' = the thumb–index
 * pinch point (follows the fingertips; better for hands whose grasp point moves with the object).
 */
export interface HandOffset extends Pose {
  anchor: 'palm' | 'pinch';
}

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

/** Wrist to middle knuckle (m): a rigid length of the hand, the scale for image apertures. */
export const palmLength = (lm: Landmarks): number => dist(lm[LM.wrist], lm[LM.middle_mcp]);

/**
 * Aperture from the images: the thumb–index distance over the wrist–middle-knuckle distance in
 * each view (averaged), times the hand's 3-D palm length. Fingertips are the landmarks stereo
 * triangulates worst (a tip hidden behind the hand in one view costs centimetres of depth); their
 * image positions relative to the palm are far steadier.
 */
export function apertureFromViews(views: readonly (readonly (readonly [number, number])[] | null)[], palm: number): number | null {
  let sum = 0;
  let n = 0;
  for (const v of views) {
    if (!v) continue;
    const d2 = (a: number, b: number) => Math.hypot(v[a][0] - v[b][0], v[a][1] - v[b][1]);
    const ref = d2(LM.wrist, LM.middle_mcp);
    if (ref < 5) continue; // hand too small or degenerate in this view
    sum += d2(LM.thumb_tip, LM.index_tip) / ref;
    n++;
  }
  return n ? (sum / n) * palm : null;
}

/** Centroid of the wrist and the four knuckles: the steadiest point of a tracked hand. */
export function palmCentre(lm: Landmarks): Vec3 {
  const ids = [LM.wrist, LM.index_mcp, LM.middle_mcp, LM.ring_mcp, LM.pinky_mcp];
  const c: Vec3 = [0, 0, 0];
  for (const i of ids) for (let k = 0; k < 3; k++) c[k] += lm[i][k] / ids.length;
  return c;
}

const anchorPoint = (lm: Landmarks, anchor: HandOffset['anchor']): Vec3 => (anchor === 'palm' ? palmCentre(lm) : pinchPoint(lm));

export function gripperPose(lm: Landmarks, offset: HandOffset): Pose {
  const palm = palmFrame(lm);
  return {
    position: add(anchorPoint(lm, offset.anchor), quatRotate(palm, offset.position)),
    quaternion: quatMul(palm, offset.quaternion),
  };
}

/**
 * Default palm → gripper offsets for a pinch grasp: the approach axis runs along the fingers,
 * and the fingers close across the palm (thumb and index oppose along the palm's width).
 */
export const PINCH_OFFSETS: Record<HandSide, HandOffset> = {
  // gripper x = palm b, gripper z = palm a, so gripper y = a × b = palm c.
  left: { anchor: 'pinch', position: [0, 0, 0], quaternion: quatFromAxes([0, 1, 0], [0, 0, 1], [1, 0, 0]) },
  right: { anchor: 'pinch', position: [0, 0, 0], quaternion: quatFromAxes([0, 1, 0], [0, 0, 1], [1, 0, 0]) },
};
/**
 * Default palm → gripper offsets, anchored at the palm centre: fitted (fitHandOffset, robust
 * refit) to MediaPipe's landmarks (lite model, `yoto hands`) of yoto's synthetic demonstrator
 * against the true gripper poses, on the training videos listed in DEFAULT_HAND_OFFSETS_FITTED_ON
 * (seeds 101 and 102 of every task; never on the evaluation seeds the bench scores; refit with
 * scripts/fit-gripper-offsets.ts whenever the landmark table changes), so they
 * absorb where MediaPipe puts a pinching hand's joints. A person whose grasp differs can fit
 * their own from a short recording with known gripper poses, or use PINCH_OFFSETS.
 */
export const DEFAULT_HAND_OFFSETS: Record<HandSide, HandOffset> = {
  left: { anchor: 'palm', position: [0.0601, 0.0275, 0.0496], quaternion: quatNormalize([0.6609, -0.0720, 0.4006, -0.6305]) },
  right: { anchor: 'palm', position: [0.0585, 0.0302, -0.0481], quaternion: quatNormalize([0.6059, -0.4155, 0.0799, -0.6737]) },
};

/** The synthetic videos (`yoto synth --task T --seed S`) DEFAULT_HAND_OFFSETS were fitted on. */
export const DEFAULT_HAND_OFFSETS_FITTED_ON: readonly { task: string; seed: number }[] = ['lift-bar', 'drawer', 'handover'].flatMap((task) => [101, 102].map((seed) => ({ task, seed })));

/**
 * Fit the palm → gripper offset from frames where the true gripper pose is known (e.g. a
 * calibration recording, or synthetic video): rotation = chordal mean of palm⁻¹·gripper,
 * translation = mean of the anchor-to-TCP vector in the palm frame. Robust to frames where the
 * tracker confused the hands or lost the palm: after a first fit, frames whose predicted gripper
 * is more than `outlier` (m, default 3 cm) or 3 × the median miss away are dropped and the fit is
 * redone.
 */
export function fitHandOffset(samples: { landmarks: Landmarks; gripper: Pose }[], anchor: HandOffset['anchor'] = 'palm', outlier = 0.03): HandOffset {
  let kept = samples;
  let fit = meanHandOffset(kept, anchor, true);
  for (let pass = 0; pass < 2; pass++) {
    const miss = kept.map((s) => dist(gripperPose(s.landmarks, fit).position, s.gripper.position));
    const limit = Math.min(outlier, 3 * quantile(miss, 0.5)); // the upper middle of an even count
    const next = kept.filter((_, i) => miss[i] <= limit);
    if (next.length === kept.length || next.length < Math.max(3, samples.length / 4)) break;
    kept = next;
    fit = meanHandOffset(kept, anchor);
  }
  return fit;
}

/** Chordal-mean rotation and mean (or, robust to outliers, per-axis median) translation. */
function meanHandOffset(samples: { landmarks: Landmarks; gripper: Pose }[], anchor: HandOffset['anchor'], median = false): HandOffset {
  const ds: Vec3[] = [];
  if (samples.length === 0) throw new Error('fitHandOffset: no samples');
  const acc: [number, number, number, number] = [0, 0, 0, 0];
  const t: Vec3 = [0, 0, 0];
  let ref: Quat | undefined;
  for (const s of samples) {
    const palm = palmFrame(s.landmarks);
    const inv: Quat = [-palm[0], -palm[1], -palm[2], palm[3]];
    let q = quatMul(inv, s.gripper.quaternion);
    ref ??= q;
    // A parallel gripper is the same after a half turn about its approach axis: take the twin nearer the others.
    const twin = quatMul(q, [0, 0, 1, 0]);
    if (Math.abs(twin[0] * ref[0] + twin[1] * ref[1] + twin[2] * ref[2] + twin[3] * ref[3]) > Math.abs(q[0] * ref[0] + q[1] * ref[1] + q[2] * ref[2] + q[3] * ref[3])) q = twin;
    if (q[0] * ref[0] + q[1] * ref[1] + q[2] * ref[2] + q[3] * ref[3] < 0) q = [-q[0], -q[1], -q[2], -q[3]];
    for (let k = 0; k < 4; k++) acc[k] += q[k];
    const d = quatRotate(inv, sub(s.gripper.position, anchorPoint(s.landmarks, anchor)));
    ds.push(d);
    for (let k = 0; k < 3; k++) t[k] += d[k] / samples.length;
  }
  if (median)
    for (let k = 0; k < 3; k++) t[k] = quantile(ds.map((d) => d[k]), 0.5); // upper middle of an even count
  const n = Math.hypot(...acc);
  return { anchor, position: t, quaternion: [acc[0] / n, acc[1] / n, acc[2] / n, acc[3] / n] };
}
