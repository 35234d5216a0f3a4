/**
 * Keyframes of one hand's gripper trajectory: grasp/release events, motion stops (the hand comes
 * to rest: a keypose reached) and shape points where the path bends (from simplifying the 6-D
 * path within position and angle tolerances), merged when too close in time.
 */
import { dist, quatAngle, quatSlerp, sub, dot, add, scale, type Pose } from '../../core/geometry.ts';
import type { GraspEvent } from './gripper-state.ts';

export interface KeyframeOptions {
  /** Below this speed (m/s) the hand is at rest… */
  stopSpeed: number;
  /** …and below this angular speed (rad/s)… */
  stopAngularSpeed: number;
  /** …for at least this many frames. */
  minStopFrames: number;
  /** Path simplification tolerances. */
  positionTolerance: number;
  angleTolerance: number;
  /** Keyframes closer than this many frames are merged. */
  minGap: number;
}

export const DEFAULT_KEYFRAMES: KeyframeOptions = {
  stopSpeed: 0.02,
  stopAngularSpeed: 0.25,
  minStopFrames: 4,
  positionTolerance: 0.01,
  angleTolerance: (10 * Math.PI) / 180,
  minGap: 5,
};

export type KeyframeReason = 'grasp' | 'release' | 'stop' | 'shape' | 'end';
export interface Keyframe {
  frame: number;
  reason: KeyframeReason;
}

/**
 * Speeds (m/s, rad/s) by central differences `half` frames either side, lightly smoothed. A
 * wider baseline divides landmark noise (which otherwise reads as motion) without lag.
 */
export function speeds(poses: readonly (Pose | null)[], fps: number, half = 3): { linear: number[]; angular: number[] } {
  const n = poses.length;
  const lin = new Array<number>(n).fill(NaN);
  const ang = new Array<number>(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const a = poses[Math.max(0, i - half)];
    const b = poses[Math.min(n - 1, i + half)];
    const span = Math.min(n - 1, i + half) - Math.max(0, i - half);
    if (!a || !b || span === 0) continue;
    lin[i] = (dist(a.position, b.position) * fps) / span;
    ang[i] = (quatAngle(a.quaternion, b.quaternion) * fps) / span;
  }
  const smooth = (x: number[]) =>
    x.map((_, i) => {
      const w = [x[i - 1], x[i], x[i + 1]].filter((v) => v !== undefined && Number.isFinite(v));
      return w.length ? w.reduce((s, v) => s + v, 0) / w.length : NaN;
    });
  return { linear: smooth(lin), angular: smooth(ang) };
}

/** Frames where a rest interval begins (the hand has just arrived somewhere). */
export function stopFrames(poses: readonly (Pose | null)[], fps: number, o: KeyframeOptions = DEFAULT_KEYFRAMES): { start: number; end: number }[] {
  const { linear, angular } = speeds(poses, fps);
  const out: { start: number; end: number }[] = [];
  let start = -1;
  for (let i = 0; i <= poses.length; i++) {
    const still = i < poses.length && linear[i] < o.stopSpeed && angular[i] < o.stopAngularSpeed;
    if (still && start < 0) start = i;
    if (!still && start >= 0) {
      if (i - start >= o.minStopFrames) {
        // Noise can break one long rest into several: join rests when the hand stayed put between them.
        const prev = out.at(-1);
        const a = prev ? poses[prev.start] : null;
        let stayed = !!a;
        for (let j = prev?.end ?? 0; stayed && j <= start; j++) {
          const p = poses[j];
          if (p && a && dist(p.position, a.position) > 1.5 * o.positionTolerance) stayed = false;
        }
        if (prev && stayed) prev.end = i - 1;
        else out.push({ start, end: i - 1 });
      }
      start = -1;
    }
  }
  return out;
}

/**
 * Where the hand really arrived at a rest: speeds come from a window of frames and a threshold,
 * so a rest is detected a few frames after the hand got there. The arrival is the earliest frame
 * from which the hand stays within `tolerance` (m) of where it rests (the mean over the rest).
 */
export function arrivalFrame(poses: readonly (Pose | null)[], rest: { start: number; end: number }, tolerance = 0.005, lookBack = 15): number {
  const at = restPosition(poses, rest);
  if (!at) return rest.start;
  let f = rest.start;
  for (let i = rest.start - 1; i >= Math.max(0, rest.start - lookBack); i--) {
    const p = poses[i];
    if (!p || dist(p.position, at) > tolerance) break;
    f = i;
  }
  return f;
}

/** Mean position over a rest interval (null when the hand was never seen in it). */
export function restPosition(poses: readonly (Pose | null)[], rest: { start: number; end: number }): [number, number, number] | null {
  const sum = [0, 0, 0];
  let n = 0;
  for (let i = rest.start; i <= rest.end; i++) {
    const p = poses[i];
    if (!p) continue;
    for (let k = 0; k < 3; k++) sum[k] += p.position[k];
    n++;
  }
  return n ? [sum[0] / n, sum[1] / n, sum[2] / n] : null;
}

/**
 * Frames where the hand slows almost to a halt and speeds up again without resting (a keypose
 * passed through): clear local minima of the linear speed, well below the speeds around them.
 */
export function speedMinima(poses: readonly (Pose | null)[], fps: number, o: KeyframeOptions = DEFAULT_KEYFRAMES): number[] {
  const { linear } = speeds(poses, fps);
  const out: number[] = [];
  const w = Math.max(3, Math.round(fps / 6));
  const around = Math.round(fps * 0.7);
  for (let i = w; i < linear.length - w; i++) {
    const v = linear[i];
    if (!Number.isFinite(v) || v > 3 * o.stopSpeed) continue;
    let isMin = true;
    for (let j = i - w; j <= i + w && isMin; j++) if (linear[j] < v) isMin = false;
    if (!isMin) continue;
    const before = Math.max(...linear.slice(Math.max(0, i - around), i).filter(Number.isFinite));
    const after = Math.max(...linear.slice(i + 1, i + 1 + around).filter(Number.isFinite));
    if (v < 0.35 * Math.min(before, after)) out.push(cornerNear(poses, i, w * 2));
  }
  return out;
}

/**
 * Smoothing and an asymmetric speed profile (fast in, slow out) shift the speed minimum away from
 * the keypose; the corner of the path — the point farthest from the chord across the window —
 * marks it better when the path turns there.
 */
function cornerNear(poses: readonly (Pose | null)[], m: number, w: number): number {
  const a = poses[Math.max(0, m - w)];
  const b = poses[Math.min(poses.length - 1, m + w)];
  if (!a || !b) return m;
  const chord = sub(b.position, a.position);
  const len2 = dot(chord, chord);
  if (len2 < 1e-8) return m;
  let best = m;
  let bestD = 0.005;
  for (let i = Math.max(0, m - w); i <= Math.min(poses.length - 1, m + w); i++) {
    const p = poses[i];
    if (!p) continue;
    const s = Math.min(1, Math.max(0, dot(sub(p.position, a.position), chord) / len2));
    const d = dist(p.position, add(a.position, scale(chord, s)));
    if (d > bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/** Ramer–Douglas–Peucker on a pose path: frames where it leaves the straight/slerp chord. */
export function shapePoints(poses: readonly (Pose | null)[], from: number, to: number, o: KeyframeOptions = DEFAULT_KEYFRAMES): number[] {
  const a = poses[from];
  const b = poses[to];
  if (!a || !b || to - from < 2) return [];
  const chord = sub(b.position, a.position);
  const len2 = dot(chord, chord);
  let worst = -1;
  let worstScore = 1;
  for (let i = from + 1; i < to; i++) {
    const p = poses[i];
    if (!p) continue;
    const s = len2 > 1e-12 ? Math.min(1, Math.max(0, dot(sub(p.position, a.position), chord) / len2)) : (i - from) / (to - from);
    const dp = dist(p.position, add(a.position, scale(chord, s)));
    const dr = quatAngle(p.quaternion, quatSlerp(a.quaternion, b.quaternion, s));
    const score = Math.max(dp / o.positionTolerance, dr / o.angleTolerance);
    if (score > worstScore) {
      worstScore = score;
      worst = i;
    }
  }
  if (worst < 0) return [];
  return [...shapePoints(poses, from, worst, o), worst, ...shapePoints(poses, worst, to, o)];
}

const PRIORITY: Record<KeyframeReason, number> = { grasp: 4, release: 4, stop: 3, end: 2, shape: 1 };

/** All keyframes of one hand, in time order. The hand's first rest (where it starts) is not one. */
export function findKeyframes(poses: readonly (Pose | null)[], events: readonly GraspEvent[], fps: number, o: KeyframeOptions = DEFAULT_KEYFRAMES): Keyframe[] {
  const valid = poses.map((p, i) => (p ? i : -1)).filter((i) => i >= 0);
  if (valid.length < 2) return [];
  const first = valid[0];
  const last = valid[valid.length - 1];
  const stops = stopFrames(poses, fps, o).filter((s) => s.start > first + 1);
  const minima = speedMinima(poses, fps, o).filter((f) => f > first + 1 && !stops.some((s) => f >= s.start - o.minGap && f <= s.end + o.minGap));
  let kf: Keyframe[] = [
    ...events.map((e) => ({ frame: e.frame, reason: e.kind })),
    ...stops.map((s) => ({ frame: s.start, reason: 'stop' as const })),
    ...minima.map((f) => ({ frame: f, reason: 'stop' as const })),
  ];
  if (!stops.some((s) => s.end >= last - 1)) kf.push({ frame: last, reason: 'end' });
  kf.sort((x, y) => x.frame - y.frame || PRIORITY[y.reason] - PRIORITY[x.reason]);
  kf = mergeClose(kf, o.minGap);
  // Shape points between consecutive keyframes (and from the start of motion to the first).
  const anchors = [first, ...kf.map((k) => k.frame)];
  const shapes: Keyframe[] = [];
  for (let i = 0; i + 1 < anchors.length; i++)
    for (const f of shapePoints(poses, anchors[i], anchors[i + 1], o)) shapes.push({ frame: f, reason: 'shape' });
  return mergeClose([...kf, ...shapes].sort((x, y) => x.frame - y.frame), o.minGap);
}

function mergeClose(kf: Keyframe[], minGap: number): Keyframe[] {
  const out: Keyframe[] = [];
  for (const k of kf) {
    const prev = out.at(-1);
    if (prev && k.frame - prev.frame < minGap) {
      if (PRIORITY[k.reason] > PRIORITY[prev.reason]) out[out.length - 1] = k;
    } else out.push(k);
  }
  return out;
}
