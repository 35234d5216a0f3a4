/**
 * Gripper open/close events from the thumb–index aperture. A human hand holding a 6 cm cube
 * keeps its fingers 6 cm apart, so "closed" is not a fixed aperture: a grasp is a clear drop of
 * the aperture to a plateau that ends either nearly closed or at an object; a release is a clear
 * rise. Hysteresis (the change must exceed `minChange`) and a minimum dwell between events keep
 * jitter from producing events.
 */
import { quantile } from '../../core/stats.ts';

export interface GripperStateOptions {
  /** Smallest aperture change that counts as opening or closing (m). */
  minChange: number;
  /** Frames the aperture must stay on its new level before the next event. */
  minDwell: number;
  /** Apertures below this fraction of the video's widest are "closed" without an object nearby. */
  closedFraction: number;
  /** A closing that ends within this distance (m) of an object's surface is a grasp… */
  objectDistance: number;
  /** …if it ends below this fraction of the video's widest aperture (a hand relaxing near an object is not grasping it). */
  graspFraction: number;
  /**
   * While an object is held, an opening is a release only once the aperture has come this
   * fraction of the way back from its lowest level since the grasp to the video's widest.
   * Fingertips around an object are often hidden by it, so the measured aperture of a holding
   * hand wanders by centimetres; a hand letting go opens wide.
   */
  releaseFraction: number;
  /** Openings that follow each other within this time (s), with no closing between, are one opening. */
  chainTime: number;
  /** Grasps happen at rest: one that starts while the hand still moves is moved to where it comes to rest, if within this time (s). */
  settleTime: number;
  /** …unless it is already this close (m) to where it comes to rest. */
  settleDistance: number;
  /** A dip undone before a deeper close (see dropRecoveredDips) is dropped only if that close starts within this many frames of the dip's end. */
  dipFrames: number;
  /** Largest shift (m) along the closing axis that centres a grasped object between the fingers (0 = never). */
  maxCentring: number;
  /** Largest turn (rad) that makes a grasp of a box face-on (see faceAlignedOrientation; 0 = never). */
  maxAlignment: number;
}

export const DEFAULT_GRIPPER_STATE: GripperStateOptions = { minChange: 0.015, minDwell: 6, closedFraction: 0.3, objectDistance: 0.02, graspFraction: 0.75, releaseFraction: 0.65, chainTime: 1, settleTime: 1, settleDistance: 0.02, dipFrames: 45, maxCentring: 0.025, maxAlignment: (20 * Math.PI) / 180 };

export interface ApertureChange {
  kind: 'close' | 'open';
  /** Frame where the aperture starts to change. */
  start: number;
  /** Frame where it settles. */
  end: number;
  from: number;
  to: number;
  /** For a close: does it grasp something (near an object or nearly shut)? */
  grasp: boolean;
  /** The hand was not seen while it changed: the levels either side of a tracking gap differ. */
  hidden?: boolean;
  /** No change was seen: a hand coming to rest, a candidate grasp with its fingers already shaped. */
  atRest?: boolean;
}

/** Centred moving median: removes single-frame landmark glitches without delaying edges. */
export function medianFilter(x: readonly number[], half = 2): number[] {
  return x.map((_, i) => {
    // The upper middle of an even window: quantile's nearest rank at 0.5.
    return quantile(x.slice(Math.max(0, i - half), Math.min(x.length, i + half + 1)).filter(Number.isFinite), 0.5);
  });
}

/** Longest change (frames from its first to its last step) that a quick change back cancels as a glitch. */
const FLICKER = 3;

/** Frames after a tracking gap over which the level the gap left is read. */
const AFTER_GAP = 15;

/**
 * Segment the aperture signal into plateaus and monotone transitions, then keep the
 * transitions whose size exceeds `minChange`. `nearObject(frame)` returns the distance (m)
 * from the pinch point to the nearest object surface at that frame.
 */
export function detectApertureChanges(
  apertureSignal: readonly number[],
  nearObject: (frame: number) => number,
  o: GripperStateOptions = DEFAULT_GRIPPER_STATE,
): ApertureChange[] {
  const a = medianFilter(apertureSignal);
  const n = a.length;
  const widest = Math.max(...a.filter(Number.isFinite));
  const changes: ApertureChange[] = [];
  // Per-frame slope sign with a dead band, so slow drift and noise read as "flat".
  const band = o.minChange / 12;
  let i = 0;
  while (i < n - 1) {
    if (!Number.isFinite(a[i])) {
      i++;
      continue;
    }
    // Find a run of frames moving the same way.
    let j = i;
    const dir = Math.sign(a[i + 1] - a[i]);
    if (dir === 0 || Math.abs(a[i + 1] - a[i]) < band / 4) {
      i++;
      continue;
    }
    let still = 0;
    while (j < n - 1 && Number.isFinite(a[j + 1])) {
      const step = a[j + 1] - a[j];
      if (Math.sign(step) === dir && Math.abs(step) >= band / 4) still = 0;
      else if (++still > 2) break;
      j++;
    }
    const end = j - Math.min(still, 2);
    const delta = a[end] - a[i];
    if (Math.abs(delta) >= o.minChange) {
      const kind = delta < 0 ? 'close' : 'open';
      const grasp = kind === 'close' && (a[end] <= o.closedFraction * widest || nearObject(end) <= o.objectDistance);
      const prev = changes.at(-1);
      if (prev && prev.kind === kind && i - prev.end <= o.minDwell) {
        // A pause inside one motion: merge into one change.
        prev.end = end;
        prev.to = a[end];
        prev.grasp = kind === 'close' && (a[end] <= o.closedFraction * widest || nearObject(end) <= o.objectDistance);
      } else if (prev && i - prev.end < o.minDwell && prev.kind !== kind && prev.end - prev.start <= FLICKER) {
        // Flicker back within the dwell time: only the net change counts (a glitch, or a real
        // change that began with one). A change that took longer than `FLICKER` frames is one of its own.
        changes.pop();
        const net = a[end] - prev.from;
        if (Math.abs(net) >= o.minChange) {
          const k = net < 0 ? 'close' : 'open';
          changes.push({ kind: k, start: prev.start, end, from: prev.from, to: a[end], grasp: k === 'close' && (a[end] <= o.closedFraction * widest || nearObject(end) <= o.objectDistance) });
        }
      } else changes.push({ kind, start: i, end, from: a[i], to: a[end], grasp });
    }
    i = Math.max(end, i + 1);
  }
  return dropRecoveredDips([...changes.map((c, j) => refineStart(a, c, changes[j - 1]?.end ?? 0)), ...hiddenChanges(a, o)].sort((x, y) => x.start - y.start), o);
}

/**
 * A close whose aperture comes back to where it started (creeping back, or opening again) before
 * a clearly deeper close, was not a grip change: a hand turning in front of the cameras reads
 * narrower for a moment (the fingers foreshortened). Held objects do not give the fingers back
 * their opening, so only the deeper close stands. Tolerance: a quarter of the dip; "deeper": by
 * half of `minChange`, so a re-grasp (close, open, close to the same level) keeps all three; and
 * only a brief dip (the deeper close within `dipFrames` of it), so a held object let go of and
 * another grasped later keep theirs. Brief excursions either way (see `briefExcursion`) go too.
 */
export function dropRecoveredDips(changes: readonly ApertureChange[], o: GripperStateOptions = DEFAULT_GRIPPER_STATE): ApertureChange[] {
  const out: ApertureChange[] = [];
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i];
    // Right after a gap the excursion may be the very change the gap hid, read unsteadily as the
    // tracker locks on: it stays (the hidden change's level is read over the same frames).
    const afterGap = changes[i - 1]?.hidden && c.start - changes[i - 1].end < AFTER_GAP;
    if (!afterGap && briefExcursion(c, changes[i + 1], o)) {
      i++; // the excursion and its return
      continue;
    }
    if (c.kind === 'close' && !c.hidden) {
      const back = c.from - 0.25 * (c.from - c.to);
      const deeper = (x?: ApertureChange) => x?.kind === 'close' && !x.hidden && x.from >= back && x.to < c.to - o.minChange / 2 && x.start - c.end <= o.dipFrames;
      if (deeper(changes[i + 1])) continue;
      const reopen = changes[i + 1];
      if (reopen?.kind === 'open' && !reopen.hidden && reopen.to >= back && deeper(changes[i + 2])) {
        i++; // the dip and the opening that undid it
        continue;
      }
    }
    out.push(c);
  }
  return out;
}

/**
 * A change undone within the dwell time, each way no longer than the dwell time, back to within a
 * quarter of where it started: a landmark glitch spread over a few frames (a fingertip mistaken
 * for a knuckle, a tip sliding along the object's edge), not a grip. No hand grasps and lets go,
 * or lets go and grasps again, within a fifth of a second.
 */
function briefExcursion(c: ApertureChange, back: ApertureChange | undefined, o: GripperStateOptions): boolean {
  if (!back || c.hidden || back.hidden || back.kind === c.kind) return false;
  const brief = c.end - c.start <= o.minDwell && back.end - back.start <= o.minDwell && back.start - c.end < o.minDwell;
  return brief && Math.abs(back.to - c.from) <= 0.25 * Math.abs(c.from - c.to);
}

/** Median (upper middle) of the finite values: a level read through tracking dropouts. */
function finiteMedian(xs: readonly number[]): number {
  return quantile(xs.filter(Number.isFinite), 0.5);
}

/**
 * A grip can change while the hand is out of sight (behind the other hand, the object, or lost
 * by the tracker): where the levels before and after a gap differ by more than `minChange`, a
 * change starts at the last frame seen before the gap.
 */
export function hiddenChanges(a: readonly number[], o: GripperStateOptions = DEFAULT_GRIPPER_STATE): ApertureChange[] {
  const out: ApertureChange[] = [];
  for (let g = 1; g < a.length; g++) {
    if (Number.isFinite(a[g]) || !Number.isFinite(a[g - 1])) continue;
    let e = g;
    while (e < a.length && !Number.isFinite(a[e])) e++;
    if (e >= a.length) break;
    const from = finiteMedian(a.slice(Math.max(0, g - 6), g));
    // A hand coming back into view reads unsteadily while the tracker locks on again (and while
    // it comes out from behind what hid it): skip its first frames, then take a longer look.
    let k = e;
    while (k < a.length && Number.isFinite(a[k])) k++; // the end of the hand's next visible run
    const to = finiteMedian(k - e > 4 ? a.slice(e + 3, Math.min(e + AFTER_GAP, k)) : a.slice(e, k));
    if (Math.abs(to - from) >= o.minChange) out.push({ kind: to < from ? 'close' : 'open', start: g - 1, end: e, from, to, grasp: false, hidden: true });
    g = e;
  }
  return out;
}

/** Is an opening of a holding hand to `level` a release (see `releaseFraction`)? */
export const opensToRelease = (level: number, lowest: number, widest: number, o: GripperStateOptions = DEFAULT_GRIPPER_STATE): boolean =>
  level - lowest >= o.minChange && level >= lowest + o.releaseFraction * (widest - lowest);

/**
 * The frame a grasp is commanded at, given the hand's rest intervals: a grasp that begins while
 * the hand still moves (fingertips hidden by the object as the hand closes in often read as an
 * early closing) goes to the start of the rest that follows within `settleTime`, unless the hand
 * is already within `settleDistance` of where it comes to rest (`distanceToRest(frame, restStart)`):
 * a hand finishing its approach closes as it settles, as a gripper would. Releases stay where the
 * opening starts: a hand may rest long before letting go (waiting for the other hand to take
 * over), and moving a release earlier would drop the object.
 */
export function settleGrasp(
  frame: number,
  rests: readonly { start: number; end: number }[],
  fps: number,
  o: GripperStateOptions = DEFAULT_GRIPPER_STATE,
  distanceToRest: (frame: number, restStart: number) => number = () => Infinity,
): number {
  if (rests.some((r) => r.start <= frame + 2 && r.end >= frame)) return frame;
  const next = rests.find((r) => r.start > frame && r.start <= frame + Math.round(o.settleTime * fps));
  if (!next || distanceToRest(frame, next.start) <= o.settleDistance) return frame;
  return next.start;
}

/**
 * Noise makes a run of same-signed steps begin early or late; the moment the fingers really
 * start moving is better read where the aperture has covered 15% of the way between the
 * plateaus on either side.
 */
function refineStart(a: readonly number[], c: ApertureChange, notBefore = 0): ApertureChange {
  const pre = finiteMedian(a.slice(Math.max(0, c.start - 8), c.start + 1));
  const post = finiteMedian(a.slice(c.end, c.end + 9));
  if (!Number.isFinite(pre) || !Number.isFinite(post)) return c;
  const thr = pre + 0.15 * (post - pre);
  for (let f = Math.max(0, notBefore, c.start - 5); f <= c.end; f++) {
    if (c.kind === 'close' ? a[f] <= thr : a[f] >= thr) return { ...c, start: f };
  }
  return c;
}

export interface GraspEvent {
  kind: 'grasp' | 'release';
  frame: number;
}

/**
 * Grasp/release events from aperture changes: a grasping close starts a hold, the next open
 * ends it. Closes that grasp nothing (pre-shaping the hand) and opens while not holding are not
 * events; they only change the commanded opening.
 */
export function graspEvents(changes: readonly ApertureChange[]): GraspEvent[] {
  const out: GraspEvent[] = [];
  let holding = false;
  for (const c of changes) {
    if (c.kind === 'close' && c.grasp && !holding) {
      out.push({ kind: 'grasp', frame: c.start });
      holding = true;
    } else if (c.kind === 'open' && holding) {
      out.push({ kind: 'release', frame: c.start });
      holding = false;
    }
  }
  return out;
}
