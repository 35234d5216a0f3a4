/**
 * 3-D hand tracks → a robot keypose program. Per hand: the gripper pose per frame, aperture
 * changes, grasp/release events (which object, with objects carried along by the hand holding
 * them), keyframes, the keyposes with their gripper commands and object tags; then sync labels
 * between the arms at gripper events so that the cross-arm order of events is preserved.
 */
import { add, dot, poseCompose, poseInverse, quatRotate, scale, sub, dist, type Pose, type Vec3 } from '../../core/geometry.ts';
import { HAND_SIDES, type Hands, type HandSide } from '../../core/hands.ts';
import { PROGRAM_VERSION, type ArmName, type Keypose, type Program } from '../../core/program.ts';
import { YotoError } from '../../core/errors.ts';
import { aperture, apertureFromViews, gripperPose, palmLength, pinchPoint, DEFAULT_HAND_OFFSETS, type HandOffset } from './gripper-pose.ts';
import { detectApertureChanges, medianFilter, opensToRelease, settleGrasp, DEFAULT_GRIPPER_STATE, type ApertureChange, type GripperStateOptions } from './gripper-state.ts';
import { arrivalFrame, findKeyframes, stopFrames, DEFAULT_KEYFRAMES, type Keyframe, type KeyframeOptions } from './keyframes.ts';
import { closingCentring, distanceToObject, type ObjectShape } from './object-shapes.ts';
import { smoothPoses } from './smooth-poses.ts';

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
}

export interface HandAnalysis {
  hand: HandSide;
  arm: ArmName;
  poses: (Pose | null)[];
  aperture: number[];
  changes: ApertureChange[];
  /** `opening`: for a release, the commanded opening after it (the widest the hand opened to, as a fraction). */
  /** `centring`: for a grasp, the shift (m) along the gripper's closing axis that centres the object between the fingers. */
  events: { kind: 'grasp' | 'release'; frame: number; object?: string; opening?: number; centring?: number }[];
  keyframes: Keyframe[];
  keyposes: (Keypose & { frame: number; reason: string })[];
  /** Rest intervals [start, end] (frames). */
  stops: { start: number; end: number }[];
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
      const palms = hands.frames.flatMap((f) => (f[h]?.world ? [palmLength(f[h]!.world!)] : [])).sort((a, b) => a - b);
      const palm = palms[Math.floor(palms.length / 2)] ?? 0.09;
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
  const held = new Map<HandSide, { object: string; grip: Pose; centring: number } | undefined>();
  const carriedPose = (name: string, frame: number): Pose => {
    for (const h of HAND_SIDES) {
      const hold = held.get(h);
      const p = base[h].poses[frame];
      if (hold?.object === name && p) return poseCompose(shiftAlongClosing(p, hold.centring), hold.grip);
    }
    return objectPose.get(name)!;
  };
  const events: Record<HandSide, HandAnalysis['events']> = { left: [], right: [] };
  const all = HAND_SIDES.flatMap((h) => base[h].changes.map((c) => ({ h, c }))).sort((a, b) => a.c.end - b.c.end);
  const widest = Object.fromEntries(HAND_SIDES.map((h) => [h, Math.max(...medianFilter(base[h].ap).filter(Number.isFinite))])) as Record<HandSide, number>;
  const rests = Object.fromEntries(HAND_SIDES.map((h) => [h, stopFrames(base[h].poses, fps, kopt).map((r) => ({ ...r, start: arrivalFrame(base[h].poses, r) }))])) as Record<HandSide, { start: number; end: number }[]>;
  // While holding: the lowest aperture since the grasp, and the opening under way (consecutive openings).
  const grip = new Map<HandSide, { since: number; lowest: number; opening?: { start: number; end: number } }>();
  const chainFrames = Math.round(gopt.chainTime * fps);
  for (const { h, c } of all) {
    const pose = base[h].poses[c.end] ?? base[h].poses[c.start];
    // The hand may be partly hidden right at the change (another hand, the object): look nearby.
    let lm = hands.frames[c.end][h]?.world;
    for (let d = 1; !lm && d <= 8; d++) lm = hands.frames[c.end - d]?.[h]?.world ?? hands.frames[c.end + d]?.[h]?.world;
    if (c.kind === 'close' && !held.get(h)) {
      let nearest: { name: string; d: number } | undefined;
      if (lm)
        for (const s of objects) {
          const d = distanceToObject(s, carriedPose(s.name, c.end), pinchPoint(lm));
          if (!nearest || d < nearest.d) nearest = { name: s.name, d };
        }
      const closedShut = c.to <= gopt.closedFraction * widest[h];
      c.grasp = closedShut || (nearest !== undefined && nearest.d <= gopt.objectDistance && c.to <= gopt.graspFraction * widest[h]);
      if (c.grasp) {
        const object = nearest && nearest.d <= 0.08 ? nearest.name : undefined;
        const frame = settleGrasp(c.start, rests[h], fps, gopt);
        if (frame > c.start) c.start = frame; // the change is commanded where the hand settled
        c.end = Math.max(c.end, frame);
        const at = base[h].poses[frame] ?? pose;
        const shape = objects.find((x) => x.name === object);
        const objectNow = object ? carriedPose(object, frame) : undefined;
        const centring = shape && objectNow && at && lm ? closingCentring(shape, objectNow, at, gopt.maxCentring) : 0;
        events[h].push({ kind: 'grasp', frame, object, ...(centring ? { centring } : {}) });
        grip.set(h, { since: frame, lowest: c.to });
        if (object && at && objectNow) {
          // The other hand lets go of it only later (handover): the object follows this hand from now.
          held.set(h, { object, grip: poseCompose(poseInverse(shiftAlongClosing(at, centring)), objectNow), centring });
          for (const other of HAND_SIDES) if (other !== h && held.get(other)?.object === object) objectPose.set(object, objectNow);
        } else held.set(h, { object: '', grip: at ?? { position: [0, 0, 0], quaternion: [0, 0, 0, 1] }, centring: 0 });
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
      if (!opensToRelease(c.to, g.lowest, widest[h], gopt)) continue;
      const hold = held.get(h)!;
      const frame = Math.max(g.opening.start, g.since + gopt.minDwell);
      if (hold.object) {
        const stillHeldByOther = HAND_SIDES.some((o2) => o2 !== h && held.get(o2)?.object === hold.object);
        if (!stillHeldByOther) objectPose.set(hold.object, carriedPose(hold.object, base[h].poses[frame] ? frame : c.end));
      }
      const opening = Math.round(Math.min(1, Math.max(0, c.to / widest[h])) * 100) / 100;
      events[h].push({ kind: 'release', frame, object: hold.object || undefined, opening });
      held.set(h, undefined);
      grip.delete(h);
    }
  }

  const analyses = Object.fromEntries(
    HAND_SIDES.map((h) => {
      const { poses, ap, changes } = base[h];
      const keyframes = findKeyframes(poses, events[h], fps, kopt);
      const keyposes = buildKeyposes(h, poses, changes, events[h], keyframes, widest[h], objects, objectPose);
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
): HandAnalysis['keyposes'] {
  // Each aperture change is commanded at the last keyframe at or before its start (the pose
  // where the hand stopped to change its grip); a change far from any keyframe gets its own.
  const frames = keyframes.map((k) => ({ ...k }));
  for (const c of changes) {
    const at = frames.filter((k) => k.frame <= c.start + 3).at(-1);
    if (!at || c.start - at.frame > 15) frames.push({ frame: c.start, reason: c.kind === 'close' && c.grasp ? 'grasp' : 'shape' });
  }
  frames.sort((a, b) => a.frame - b.frame);
  let level = 1;
  let holding: string | undefined;
  let centring = 0;
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
      centring = ev.centring ?? 0;
    }
    // While holding, the gripper is where the object sits centred between its fingers.
    const pose = holding === undefined ? measured : shiftAlongClosing(measured, centring);
    if (ev?.kind === 'grasp') shifts.set(out.length, sub(pose.position, measured.position));
    out.push({ frame: k.frame, reason: k.reason, name: `${k.reason}-${k.frame}`, position: pose.position, quaternion: pose.quaternion, gripper: level, object: holding || undefined });
    if (ev?.kind === 'release') {
      holding = undefined;
      centring = 0;
    }
  }
  tagObjects(out, events, objects, finalObjectPose);
  alignApproaches(out, shifts);
  void h;
  return out;
}

/**
 * The final approach to a grasp (keyposes back to the last rest before it, within 15 cm) takes
 * the grasp's orientation, so the fingers come down square to the object, and the grasp's
 * centring shift (see closingCentring), so the approach lines up with where the grasp will be.
 * (Projecting the approach onto the grasp's approach axis instead turned the axis's few degrees
 * of tilt into a centimetre of sideways error 10 cm up, and replayed worse on the training videos.)
 */
function alignApproaches(kps: HandAnalysis['keyposes'], shifts: Map<number, Vec3>): void {
  kps.forEach((g, gi) => {
    if (g.reason !== 'grasp') return;
    const shift = shifts.get(gi) ?? [0, 0, 0];
    for (let i = gi - 1; i >= 0; i--) {
      const k = kps[i];
      if (k.reason === 'grasp' || k.reason === 'release' || dist(k.position, g.position) > 0.15) break;
      k.position = add(k.position, shift);
      k.quaternion = g.quaternion;
      if (k.reason === 'stop') break; // the pre-grasp pose: where the final approach starts
    }
  });
}

/** A gripper pose moved by `d` metres along its closing axis (x). */
function shiftAlongClosing(p: Pose, d: number): Pose {
  return d ? { position: add(p.position, quatRotate(p.quaternion, [d, 0, 0])), quaternion: p.quaternion } : p;
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

/**
 * Sync labels at gripper events: when one arm changes its grip at time t, the other arm must
 * have reached the keypose it had reached by t in the demonstration (or its simultaneous event,
 * within `window` frames), and waits there. When that keypose already carries a label, the arm
 * gets a copy of it to wait at (as in "hold the cube until the other hand has let go"). A long
 * rest is also a wait: the resting arm leaves only once the other has reached the keypose it had
 * reached when the hand started moving again in the demonstration.
 */
function addSyncLabels(a: Record<HandSide, HandAnalysis>, window: number, waitFrames: number): void {
  type K = HandAnalysis['keyposes'][number];
  const pairs: { frame: number; l: K; r: K }[] = [];
  const lastBy = (kps: K[], frame: number) => kps.filter((k) => k.frame <= frame + window).at(-1);
  for (const h of HAND_SIDES) {
    const other = h === 'left' ? 'right' : 'left';
    for (const e of a[h].events) {
      const at = a[h].keyposes.findIndex((k) => k.frame >= e.frame - 3);
      if (at < 0) continue;
      // Both hands acting together (a two-handed grasp): both finish before either moves on.
      // Otherwise the other hand's progress is a precondition: wait for it before this grip changes.
      const together = a[other].events.some((o) => Math.abs(o.frame - e.frame) <= window);
      const mine = together || at === 0 ? a[h].keyposes[at] : a[h].keyposes[at - 1];
      const theirs = together ? a[other].keyposes.find((k) => k.frame >= e.frame - window - 3) : lastBy(a[other].keyposes, e.frame - window);
      if (!mine || !theirs) continue;
      const [l, r] = h === 'left' ? [mine, theirs] : [theirs, mine];
      if (!pairs.some((p) => p.l === l && p.r === r)) pairs.push({ frame: e.frame, l, r });
    }
    // A long rest ends when the other hand has done something: leave only after it has.
    for (const st of a[h].stops) {
      if (st.end - st.start < waitFrames || st.end >= a[h].poses.length - 2) continue;
      const mine = a[h].keyposes.filter((k) => k.frame <= st.end).at(-1);
      const theirs = a[other].keyposes.filter((k) => k.frame <= st.end).at(-1);
      if (!mine || !theirs || mine.frame < st.start - 3) continue;
      const [l, r] = h === 'left' ? [mine, theirs] : [theirs, mine];
      if (!pairs.some((p) => p.l === l && p.r === r)) pairs.push({ frame: st.end, l, r });
    }
  }
  pairs.sort((x, y) => x.frame - y.frame);
  let lastL = -1;
  let lastR = -1;
  let n = 0;
  const slot = (kps: K[], k: K, last: number): number => {
    const i = kps.indexOf(k);
    if (i < last) return -1; // would reorder the arms' events
    if (i > last || !kps[i].sync) return i;
    const copy: K = { ...kps[i], name: `wait-${kps[i].frame}`, reason: 'wait', sync: undefined };
    kps.splice(i + 1, 0, copy);
    return i + 1;
  };
  for (const p of pairs) {
    const L = a.left.keyposes;
    const R = a.right.keyposes;
    const li = L.indexOf(p.l);
    const ri = R.indexOf(p.r);
    if (li < lastL || ri < lastR) continue;
    const l = slot(L, p.l, lastL);
    const r = slot(R, p.r, lastR);
    if (l < 0 || r < 0) continue;
    const label = `s${++n}`;
    L[l].sync = label;
    R[r].sync = label;
    lastL = l;
    lastR = r;
  }
  for (const h of HAND_SIDES) for (const k of a[h].keyposes) if (k.sync === undefined) delete k.sync;
}
