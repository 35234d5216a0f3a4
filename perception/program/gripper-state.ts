/**
 * Gripper open/close events from the thumb–index aperture. A human hand holding a 6 cm cube
 * keeps its fingers 6 cm apart, so "closed" is not a fixed aperture: a grasp is a clear drop of
 * the aperture to a plateau that ends either nearly closed or at an object; a release is a clear
 * rise. Hysteresis (the change must exceed `minChange`) and a minimum dwell between events keep
 * jitter from producing events.
 */
export interface GripperStateOptions {
  /** Smallest aperture change that counts as opening or closing (m). */
  minChange: number;
  /** Frames the aperture must stay on its new level before the next event. */
  minDwell: number;
  /** Apertures below this fraction of the video's widest are "closed" without an object nearby. */
  closedFraction: number;
  /** A closing that ends within this distance (m) of an object's surface is a grasp. */
  objectDistance: number;
}

export const DEFAULT_GRIPPER_STATE: GripperStateOptions = { minChange: 0.015, minDwell: 6, closedFraction: 0.3, objectDistance: 0.02 };

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
}

/** Centred moving median: removes single-frame landmark glitches without delaying edges. */
export function medianFilter(x: readonly number[], half = 2): number[] {
  return x.map((_, i) => {
    const w = x.slice(Math.max(0, i - half), Math.min(x.length, i + half + 1)).filter(Number.isFinite).sort((a, b) => a - b);
    return w.length ? w[Math.floor(w.length / 2)] : NaN;
  });
}

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
      } else if (prev && i - prev.end < o.minDwell && prev.kind !== kind) {
        // Flicker back within the dwell time: drop both.
        changes.pop();
      } else changes.push({ kind, start: i, end, from: a[i], to: a[end], grasp });
    }
    i = Math.max(end, i + 1);
  }
  return changes.map((c) => refineStart(a, c));
}

/**
 * Noise makes a run of same-signed steps begin early or late; the moment the fingers really
 * start moving is better read where the aperture has covered 15% of the way between the
 * plateaus on either side.
 */
function refineStart(a: readonly number[], c: ApertureChange): ApertureChange {
  const med = (xs: number[]) => {
    const v = xs.filter(Number.isFinite).sort((p, q) => p - q);
    return v.length ? v[Math.floor(v.length / 2)] : NaN;
  };
  const pre = med(a.slice(Math.max(0, c.start - 8), c.start + 1));
  const post = med(a.slice(c.end, c.end + 9));
  if (!Number.isFinite(pre) || !Number.isFinite(post)) return c;
  const thr = pre + 0.15 * (post - pre);
  for (let f = Math.max(0, c.start - 5); f <= c.end; f++) {
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
