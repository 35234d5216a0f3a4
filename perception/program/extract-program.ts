/**
 * 3-D hand tracks → a robot keypose program. Per hand: the gripper pose per frame, aperture
 * changes, grasp/release events (which object, with objects carried along by the hand holding
 * them; grasps of a box made face-on and centred, as the fingers will make them), keyframes, the
 * keyposes with their gripper commands and object tags (approaches to grasps and departures from
 * releases straight along the gripper's approach axis); then sync labels between the arms
 * (sync-labels.ts) so that the cross-arm order of events is preserved.
 */
import { add, dot, poseCompose, poseInverse, quatConj, quatMul, quatNormalize, quatRotate, scale, sub, dist, type Pose, type Quat, type Vec3 } from '../../core/geometry.ts';
import { HAND_SIDES, type Hands, type HandSide } from '../../core/hands.ts';
import { PROGRAM_VERSION, type ArmName, type Keypose, type Program } from '../../core/program.ts';
import { YotoError } from '../../core/errors.ts';
import { aperture, apertureFromViews, gripperPose, palmLength, pinchPoint, DEFAULT_HAND_OFFSETS, type HandOffset } from './gripper-pose.ts';
import { detectApertureChanges, medianFilter, opensToRelease, settleGrasp, DEFAULT_GRIPPER_STATE, type ApertureChange, type GripperStateOptions } from './gripper-state.ts';
import { median, quantile } from '../../core/stats.ts';
import { arrivalFrame, findKeyframes, stopFrames, DEFAULT_KEYFRAMES, type Keyframe, type KeyframeOptions } from './keyframes.ts';
import { closingCentring, distanceToObject, faceAlignedOrientation, type ObjectShape } from './object-shapes.ts';
import { smoothPoses } from './smooth-poses.ts';
import { addSyncLabels } from './sync-labels.ts';
import type { HandAnalysis } from './hand-analysis.ts';

export type { HandAnalysis } from './hand-analysis.ts';

export interface ExtractOptions {
  /** Which robot arm each hand drives (default: left → left, right → right). */
  armFor?: Record<HandSide, ArmName>;
  offsets?: Record<HandSide, HandOffset>;
  gripper?: Partial<GripperStateOptions>;
  keyframes?: Partial<KeyframeOptions>;
  /** The task's objects at the demonstration's placement (for grasp detection and tagging). */
  objects?: ObjectShape[];
  task?: string;
  /** Cross-arm events closer than this (s) are synchronised. */
  syncWindow?: number;
  /**
   * true (default): the image-based aperture where both views saw the hand, else the 3-D one;
   * false: the 3-D one only; 'blend': the mean of the two where both exist (their errors differ:
   * the images' from a tip hidden in a view, the 3-D one from depth). On synthetic videos with
   * shape-fused tracks, 'blend' and true gave the same events on seed 102 and 'blend' fewer false
   * events on seed 101 — too little evidence to change the default.
   */
  imageAperture?: boolean | 'blend';
  /** Half-width (frames) of the centred pose smoothing window; 0 = none. */
  smoothing?: number;
  /** A hand resting longer than this (s) is taken to be waiting for the other hand. */
  waitTime?: number;
  /** Put the final approach to each grasp, and the first move away from each release, on the gripper's approach axis along its closing direction (default true). */
  straightApproach?: boolean;
}

export interface Extraction {
  program: Program;
  hands: Record<HandSide, HandAnalysis>;
  fps: number;
}

export function extractProgram(hands: Hands, o: ExtractOptions = {}): Extraction {
  const armFor = o.armFor ?? { left: 'left', right: 'right' };
  if (armFor.left === armFor.right) throw new YotoError('both hands are assigned to the same arm', 'arm assignment');
  const offsets = o.offsets ?? DEFAULT_HAND_OFFSETS;
  const gopt = { ...DEFAULT_GRIPPER_STATE, ...o.gripper };
  const kopt = { ...DEFAULT_KEYFRAMES, ...o.keyframes };
  const fps = hands.fps;
  const n = hands.frames.length;

  const base = Object.fromEntries(
    HAND_SIDES.map((h) => {
      const poses = smoothPoses(hands.frames.map((f) => (f[h]?.world ? gripperPose(f[h]!.world!, offsets[h]) : null)), o.smoothing ?? 3);
      // Image-based aperture where both views saw the hand (steadier), else the 3-D one.
      const palms = hands.frames.flatMap((f) => (f[h]?.world ? [palmLength(f[h]!.world!)] : []));
      const palm = palms.length ? quantile(palms, 0.5) : 0.09;
      const ap = hands.frames.map((f) => {
        const hf = f[h];
        if (!hf) return NaN;
        const fromViews = o.imageAperture === false ? null : apertureFromViews([hf.views.left?.landmarks ?? null, hf.views.right?.landmarks ?? null], palm);
        const from3d = hf.world ? aperture(hf.world) : null;
        if (o.imageAperture === 'blend' && fromViews !== null && from3d !== null) return (fromViews + from3d) / 2;
        return fromViews ?? from3d ?? NaN;
      });
      if (poses.every((p) => p === null)) throw new YotoError(`the ${h} hand is never seen in 3-D`, 'hands');
      // Grasp decisions need object positions, which depend on earlier grasps: decide them below.
      const changes = detectApertureChanges(ap, () => Infinity, { ...gopt, objectDistance: -Infinity });
      return [h, { poses, ap, changes }];
    }),
  ) as Record<HandSide, { poses: (Pose | null)[]; ap: number[]; changes: ApertureChange[] }>;

  // Chronological pass over both hands' aperture changes, carrying held objects with the hand.
  const objects = o.objects ?? [];
  const objectPose = new Map(objects.map((s) => [s.name, s.pose]));
  const held = new Map<HandSide, { object: string; grip: Pose; fix: GripFix } | undefined>();
  const carriedPose = (name: string, frame: number): Pose => {
    for (const h of HAND_SIDES) {
      const hold = held.get(h);
      const p = base[h].poses[frame];
      if (hold?.object === name && p) return poseCompose(fixGrip(p, hold.fix), hold.grip);
    }
    return objectPose.get(name)!;
  };
  const events: Record<HandSide, HandAnalysis['events']> = { left: [], right: [] };
  const widest = Object.fromEntries(HAND_SIDES.map((h) => [h, Math.max(...medianFilter(base[h].ap).filter(Number.isFinite))])) as Record<HandSide, number>;
  const rests = Object.fromEntries(HAND_SIDES.map((h) => [h, stopFrames(base[h].poses, fps, kopt).map((r) => ({ ...r, start: arrivalFrame(base[h].poses, r) }))])) as Record<HandSide, { start: number; end: number }[]>;
  // A hand that shaped its grip on the way and comes to rest on an object may close too little for
  // the aperture to show (the fingers hidden by what they hold): each rest with no close of its
  // own is a candidate grasp, decided like a close (near an object, not open) below.
  const restCloses = HAND_SIDES.flatMap((h) => {
    const a = medianFilter(base[h].ap);
    const settle = Math.round(gopt.settleTime * fps);
    return rests[h]
      .map((r) => ({ r, level: median(a.slice(r.start, Math.min(r.end, r.start + settle) + 1).filter(Number.isFinite)) }))
      .filter(({ r, level }) => Number.isFinite(level) && !base[h].changes.some((c) => c.kind === 'close' && c.start >= r.start - settle && c.start <= r.end + settle))
      .map(({ r, level }) => ({ h, c: { kind: 'close', start: r.start, end: r.start, from: level, to: level, grasp: false, atRest: true } satisfies ApertureChange }));
  });
  const all = [...HAND_SIDES.flatMap((h) => base[h].changes.map((c) => ({ h, c }))), ...restCloses].sort((a, b) => a.c.end - b.c.end);
  const lastRelease: Record<HandSide, number> = { left: -Infinity, right: -Infinity };
  // While holding: the lowest aperture since the grasp, and the opening under way (consecutive openings).
  const grip = new Map<HandSide, { since: number; lowest: number; opening?: { start: number; end: number } }>();
  const chainFrames = Math.round(gopt.chainTime * fps);
  for (const { h, c } of all) {
    const pose = base[h].poses[c.end] ?? base[h].poses[c.start];
    // The hand may be partly hidden right at the change (another hand, the object): look nearby.
    let lm = hands.frames[c.end][h]?.world;
    for (let d = 1; !lm && d <= 8; d++) lm = hands.frames[c.end - d]?.[h]?.world ?? hands.frames[c.end + d]?.[h]?.world;
    if (c.atRest && (held.get(h) || c.start - lastRelease[h] < fps)) continue; // holding, or resting on what it just let go
    // A close in the first frames after the hand was lost is the tracker locking on again: not a
    // squeeze of what it holds, nor a grasp right after it let go.
    const lockingOn = c.kind === 'close' && !c.atRest && [1, 2, 3, 4].some((k) => c.start - k >= 0 && !Number.isFinite(base[h].ap[c.start - k]));
    if (lockingOn && (held.get(h) || c.start - lastRelease[h] < fps)) continue;
    if (c.kind === 'close' && !held.get(h)) {
      let nearest: { name: string; d: number } | undefined;
      if (lm)
        for (const s of objects) {
          const d = distanceToObject(s, carriedPose(s.name, c.end), pinchPoint(lm));
          if (!nearest || d < nearest.d) nearest = { name: s.name, d };
        }
      const closedShut = c.to <= gopt.closedFraction * widest[h];
      c.grasp = (closedShut && !c.atRest) || (nearest !== undefined && nearest.d <= gopt.objectDistance && c.to <= gopt.graspFraction * widest[h]);
      if (c.atRest && c.grasp) base[h].changes.push(c);
      if (c.grasp) {
        const object = nearest && nearest.d <= 0.08 ? nearest.name : undefined;
        const poseAt = base[h].poses;
        const frame = settleGrasp(c.start, rests[h], fps, gopt, (f, r) => (poseAt[f] && poseAt[r] ? dist(poseAt[f]!.position, poseAt[r]!.position) : Infinity));
        if (frame > c.start) c.start = frame; // the change is commanded where the hand settled
        c.end = Math.max(c.end, frame);
        const measured = base[h].poses[frame] ?? pose;
        const shape = objects.find((x) => x.name === object);
        const objectNow = object ? carriedPose(object, frame) : undefined;
        // Face-on to a box, then centred: what the fingers will do to the object as they close.
        const aligned = shape && objectNow && measured && lm ? faceAlignedOrientation(shape, objectNow, measured, gopt.maxAlignment) : null;
        const alignment = aligned && measured ? quatNormalize(quatMul(quatConj(measured.quaternion), aligned)) : undefined;
        const at = measured && aligned ? { position: measured.position, quaternion: aligned } : measured;
        const centring = shape && objectNow && at && lm ? closingCentring(shape, objectNow, at, gopt.maxCentring) : 0;
        events[h].push({ kind: 'grasp', frame, object, ...(centring ? { centring } : {}), ...(alignment ? { alignment } : {}) });
        grip.set(h, { since: frame, lowest: c.to });
        if (object && measured && at && objectNow) {
          // The other hand lets go of it only later (handover): the object follows this hand from now.
          const fix = { centring, alignment };
          held.set(h, { object, grip: poseCompose(poseInverse(fixGrip(measured, fix)), objectNow), fix });
          for (const other of HAND_SIDES) if (other !== h && held.get(other)?.object === object) objectPose.set(object, objectNow);
        } else held.set(h, { object: '', grip: at ?? { position: [0, 0, 0], quaternion: [0, 0, 0, 1] }, fix: { centring: 0 } });
      }
    } else if (c.kind === 'close') {
      c.grasp = false; // already holding: a firmer squeeze (or the tracker losing a fingertip), not a new grasp
      const g = grip.get(h)!;
      g.lowest = Math.min(g.lowest, c.to);
      g.opening = undefined;
    } else if (c.kind === 'open' && held.get(h)) {
      const g = grip.get(h)!;
      if (!g.opening || c.start - g.opening.end > chainFrames) g.opening = { start: c.start, end: c.end };
      else g.opening.end = c.end;
      const hold = held.get(h)!;
      // Once the other hand has taken hold of the object (a handover), any opening (≥ minChange, as every change is) lets go.
      const handedOver = hold.object !== '' && HAND_SIDES.some((o2) => o2 !== h && held.get(o2)?.object === hold.object);
      if (!handedOver && !opensToRelease(c.to, g.lowest, widest[h], gopt)) continue;
      const frame = Math.max(g.opening.start, g.since + gopt.minDwell);
      if (hold.object && !handedOver) objectPose.set(hold.object, carriedPose(hold.object, base[h].poses[frame] ? frame : c.end));
      const opening = Math.round(Math.min(1, Math.max(0, c.to / widest[h])) * 100) / 100;
      events[h].push({ kind: 'release', frame, object: hold.object || undefined, opening });
      lastRelease[h] = frame;
      held.set(h, undefined);
      grip.delete(h);
    }
  }

  for (const h of HAND_SIDES) base[h].changes.sort((x, y) => x.start - y.start); // grasps found at rest joined them

  const analyses = Object.fromEntries(
    HAND_SIDES.map((h) => {
      const { poses, ap, changes } = base[h];
      const keyframes = findKeyframes(poses, events[h], fps, kopt);
      const keyposes = buildKeyposes(h, poses, changes, events[h], keyframes, widest[h], objects, objectPose, o.straightApproach ?? true);
      const stops = stopFrames(poses, fps, kopt);
      return [h, { hand: h, arm: armFor[h], poses, aperture: ap, changes, events: events[h], keyframes, keyposes, stops }];
    }),
  ) as Record<HandSide, HandAnalysis>;

  addSyncLabels(analyses, Math.round((o.syncWindow ?? 0.2) * fps), Math.round((o.waitTime ?? 1) * fps));

  const strip = (k: HandAnalysis['keyposes'][number]): Keypose => {
    const { frame: _f, reason: _r, ...rest } = k;
    return rest;
  };
  const arms = { left: [] as Keypose[], right: [] as Keypose[] };
  for (const h of HAND_SIDES) arms[analyses[h].arm] = analyses[h].keyposes.map(strip);
  void n;
  return { program: { version: PROGRAM_VERSION, task: o.task, frame: 'world', arms }, hands: analyses, fps };
}

/** Commanded opening after a change: closed on a grasp, otherwise the new aperture as a fraction of the widest. */
function levelAfter(c: ApertureChange, widest: number): number {
  if (c.kind === 'close' && c.grasp) return 0;
  return Math.round(Math.min(1, Math.max(0, c.to / widest)) * 100) / 100;
}

function buildKeyposes(
  h: HandSide,
  poses: (Pose | null)[],
  changes: ApertureChange[],
  events: HandAnalysis['events'],
  keyframes: Keyframe[],
  widest: number,
  objects: ObjectShape[],
  finalObjectPose: Map<string, Pose>,
  straight: boolean,
): HandAnalysis['keyposes'] {
  // Each aperture change is commanded at the last keyframe at or before its start (the pose
  // where the hand stopped to change its grip); a change far from any keyframe gets its own.
  const frames = keyframes.map((k) => ({ ...k }));
  for (const c of changes) {
    const at = Math.max(-Infinity, ...frames.filter((k) => k.frame <= c.start + 3).map((k) => k.frame)); // frames gets appended to: not in order
    if (c.start - at > 15) frames.push({ frame: c.start, reason: c.kind === 'close' && c.grasp ? 'grasp' : 'shape' });
  }
  frames.sort((a, b) => a.frame - b.frame);
  let level = 1;
  let holding: string | undefined;
  let fix: GripFix = { centring: 0 };
  const out: HandAnalysis['keyposes'] = [];
  const shifts = new Map<number, Vec3>();
  for (let i = 0; i < frames.length; i++) {
    const k = frames[i];
    const next = frames[i + 1]?.frame ?? Infinity;
    const ev = events.find((e) => e.frame >= k.frame - 3 && e.frame < next - 3);
    // While an object is held the gripper stays shut: the aperture's wobbles are not commands.
    if (ev?.kind === 'grasp') level = 0;
    else if (holding === undefined || ev?.kind === 'release')
      for (const c of changes) if (c.start >= k.frame - 3 && c.start < next - 3) level = levelAfter(c, widest);
    if (ev?.kind === 'release' && ev.opening !== undefined) level = Math.max(level, ev.opening);
    const measured = poses[k.frame] ?? nearestPose(poses, k.frame);
    if (!measured) continue;
    if (ev?.kind === 'grasp') {
      holding = ev.object ?? '';
      fix = { centring: ev.centring ?? 0, alignment: ev.alignment };
    }
    // While holding, the gripper is where the object sits centred between its fingers.
    const pose = holding === undefined ? measured : fixGrip(measured, fix);
    if (ev?.kind === 'grasp') shifts.set(out.length, sub(pose.position, measured.position));
    out.push({ frame: k.frame, reason: k.reason, name: `${k.reason}-${k.frame}`, position: pose.position, quaternion: pose.quaternion, gripper: level, object: holding || undefined });
    if (ev?.kind === 'release') {
      holding = undefined;
      fix = { centring: 0 };
    }
  }
  tagObjects(out, events, objects, finalObjectPose);
  alignApproaches(out, shifts, straight);
  if (straight) alignDepartures(out);
  void h;
  return out;
}

/**
 * The final approach to a grasp (keyposes back to the last rest before it, within 15 cm) takes
 * the grasp's orientation, so the fingers come down square to the object, and the grasp's
 * centring shift (see closingCentring), so the approach lines up with where the grasp will be.
 * With `straight`, it also loses its sideways offset along the grasp's closing axis: the tracker
 * places an open hand up to 2–3 cm off along that axis (MediaPipe's landmarks shift with the
 * hand's opening), and open fingers sweeping sideways knock the object away or push it out of
 * the other hand. (Projecting onto the approach axis in every direction instead turned the axis's
 * few degrees of tilt into a centimetre of error 10 cm up, and replayed worse on the training
 * videos, before grasps were made face-on.)
 */
function alignApproaches(kps: HandAnalysis['keyposes'], shifts: Map<number, Vec3>, straight: boolean): void {
  kps.forEach((g, gi) => {
    if (g.reason !== 'grasp') return;
    const shift = shifts.get(gi) ?? [0, 0, 0];
    for (let i = gi - 1; i >= 0; i--) {
      const k = kps[i];
      if (k.reason === 'grasp' || k.reason === 'release' || dist(k.position, g.position) > 0.15) break;
      k.position = add(k.position, shift);
      k.quaternion = g.quaternion;
      if (straight) {
        // Open fingers come in along the approach axis, never sweeping sideways along the closing axis into the object.
        const x = quatRotate(g.quaternion, [1, 0, 0]);
        k.position = sub(k.position, scale(x, dot(sub(k.position, g.position), x)));
      }
      if (k.reason === 'stop') break; // the pre-grasp pose: where the final approach starts
    }
  });
}

/**
 * The mirror of the approach: the first move away from a release (keyposes up to the first rest
 * after it, within 15 cm) keeps the release's orientation and no sideways offset along its
 * closing axis, so the open fingers lift off the object they let go of rather than sweep into it
 * (the tracker moves an opening hand along that axis, as it does an open one).
 */
function alignDepartures(kps: HandAnalysis['keyposes']): void {
  kps.forEach((r, ri) => {
    if (r.reason !== 'release') return;
    const x = quatRotate(r.quaternion, [1, 0, 0]);
    for (let i = ri + 1; i < kps.length; i++) {
      const k = kps[i];
      if (k.reason === 'grasp' || k.reason === 'release' || k.gripper === 0 || dist(k.position, r.position) > 0.15) break;
      k.quaternion = r.quaternion;
      k.position = sub(k.position, scale(x, dot(sub(k.position, r.position), x)));
      if (k.reason === 'stop') break;
    }
  });
}

/** How a measured grasp is corrected (see the grasp events): turned face-on, then centred. */
interface GripFix {
  centring: number;
  alignment?: Quat;
}

/** A measured gripper pose turned by the fix's alignment (in the gripper frame), then moved by its centring along the closing axis (x). */
function fixGrip(p: Pose, fix: GripFix): Pose {
  const q = fix.alignment ? quatNormalize(quatMul(p.quaternion, fix.alignment)) : p.quaternion;
  return fix.centring || fix.alignment ? { position: add(p.position, quatRotate(q, [fix.centring, 0, 0])), quaternion: q } : p;
}

function nearestPose(poses: (Pose | null)[], f: number): Pose | null {
  for (let d = 1; d < 30; d++) {
    if (poses[f - d]) return poses[f - d];
    if (poses[f + d]) return poses[f + d];
  }
  return null;
}

/**
 * Object tags: keyposes approaching a grasp act on the grasped object; keyposes bringing a held
 * object to its release point (and retreating from it) act on the object nearest to where it is
 * released — the place target — so augmentation moves them with the target.
 */
function tagObjects(kps: HandAnalysis['keyposes'], events: HandAnalysis['events'], objects: ObjectShape[], finalObjectPose: Map<string, Pose>): void {
  let segStart = 0;
  for (const e of events) {
    const idx = kps.findIndex((k) => k.frame >= e.frame - 8);
    if (idx < 0) continue;
    if (e.kind === 'grasp' && e.object) for (let i = segStart; i <= idx; i++) kps[i].object ??= e.object;
    if (e.kind === 'release') {
      const at = kps[idx];
      let target: string | undefined;
      let best = 0.15;
      for (const s of objects) {
        if (s.name === e.object) continue;
        const d = distanceToObject(s, finalObjectPose.get(s.name) ?? s.pose, at.position);
        if (d < best) {
          best = d;
          target = s.name;
        }
      }
      if (target) {
        // Back from the release to the highest keypose of the transport, and forward to the end.
        let j = idx;
        while (j > 0 && kps[j - 1].object === e.object && dist(kps[j - 1].position, at.position) < 0.25 && kps[j - 1].reason !== 'grasp') j--;
        for (let i = j; i < kps.length; i++) kps[i].object = target;
      }
    }
    segStart = idx + 1;
  }
  for (const k of kps) if (k.object === undefined) delete k.object;
}
