/**
 * Which detected hand is which: MediaPipe's handedness labels are unreliable (they assume a
 * mirrored selfie image, and flip when a hand turns), so identities come from geometry.
 *
 * Per frame: detections of the two views are paired by stereo consistency (the pairing whose
 * triangulation has the least reprojection error); then each 3-D hand is given the identity of
 * the track it continues (nearest to where each hand last was, if seen recently), or, with no
 * recent track, by side: the person's left hand is the one further along world +y (the left
 * arm's side of the table). When one hand continues its track and the other does not (it comes
 * back after a while, or its estimate jumps), the tracked one keeps its identity even where it
 * has crossed to the other side. The model's labels are used only as a last resort, corrected for
 * mirroring by a vote over the frames where geometry decided.
 */
import type { Vec3 } from '../../core/geometry.ts';
import { dist } from '../../core/geometry.ts';
import type { HandSide } from '../../core/hands.ts';

export interface Detection {
  /** 21 landmarks, pixels in that view. */
  landmarks: [number, number][];
  /** The model's label ('Left' | 'Right') and score. */
  label: string;
  score: number;
  /** MediaPipe's metric hand shape in this view's camera axes (21 points, metres), if given. */
  shape?: Vec3[] | null;
}

export interface StereoHand {
  left: Detection;
  right: Detection;
  world: Vec3[];
  reprojectionError: number;
}

export type Triangulator = (left: Detection, right: Detection) => { world: Vec3[]; reprojectionError: number } | null;

export interface AssignOptions {
  /** Pairings with a larger mean reprojection error (px) are not the same hand. */
  maxReprojectionError: number;
  /** A track is "recent" for this many frames after it was last seen. */
  memory: number;
  /** Farthest a wrist can move between consecutive frames (m) and still continue its track. */
  maxJump: number;
}

export const DEFAULT_ASSIGN: AssignOptions = { maxReprojectionError: 12, memory: 15, maxJump: 0.15 };

/** Pair detections across views: the pairing with the least total reprojection error. */
export function pairViews(left: readonly Detection[], right: readonly Detection[], tri: Triangulator, o: AssignOptions = DEFAULT_ASSIGN): StereoHand[] {
  const cand: { i: number; j: number; hand: StereoHand }[] = [];
  left.forEach((l, i) =>
    right.forEach((r, j) => {
      const t = tri(l, r);
      if (t && t.reprojectionError <= o.maxReprojectionError) cand.push({ i, j, hand: { left: l, right: r, world: t.world, reprojectionError: t.reprojectionError } });
    }),
  );
  // At most two hands per view: the largest matching, and among those the least total error.
  let best: typeof cand = [];
  let bestCost = Infinity;
  for (const a of cand) {
    if (best.length === 0 || (best.length === 1 && a.hand.reprojectionError < bestCost)) {
      best = [a];
      bestCost = a.hand.reprojectionError;
    }
  }
  for (const a of cand)
    for (const b of cand) {
      if (b.i <= a.i || b.j === a.j) continue;
      const cost = a.hand.reprojectionError + b.hand.reprojectionError;
      if (best.length < 2 || cost < bestCost) {
        best = [a, b];
        bestCost = cost;
      }
    }
  return best.map((c) => c.hand);
}

export interface AssignedFrame {
  left: StereoHand | null;
  right: StereoHand | null;
  /** How identities were decided this frame. */
  by: 'track' | 'side' | 'label' | 'none';
}

/** Identities over a whole sequence of per-frame stereo hands. */
export function assignIdentities(frames: readonly StereoHand[][], o: AssignOptions = DEFAULT_ASSIGN): AssignedFrame[] {
  const last: Record<HandSide, { wrist: Vec3; frame: number } | undefined> = { left: undefined, right: undefined };
  const out: AssignedFrame[] = [];
  // Vote: does the model's label name the person's hand ('same') or its mirror image?
  let labelSame = 0;
  let labelMirror = 0;
  frames.forEach((hands, f) => {
    const recent = (h: HandSide) => last[h] !== undefined && f - last[h]!.frame <= o.memory;
    const cost = (h: HandSide, s: StereoHand) => (recent(h) ? dist(last[h]!.wrist, s.world[0]) : Infinity);
    let res: AssignedFrame = { left: null, right: null, by: 'none' };
    if (hands.length === 2) {
      const [a, b] = hands;
      const keep = cost('left', a) + cost('right', b);
      const swap = cost('left', b) + cost('right', a);
      if (Number.isFinite(Math.min(keep, swap)) && Math.min(keep, swap) < 2 * o.maxJump) res = keep <= swap ? { left: a, right: b, by: 'track' } : { left: b, right: a, by: 'track' };
      else {
        // One hand continues its track and the other does not (it is back after a while away, or
        // its estimate jumped): the hand still being tracked keeps its identity, whichever side of
        // the table it has crossed to, and the other is the other hand.
        const links = (['left', 'right'] as const).flatMap((h) => [a, b].map((s) => ({ h, s, c: cost(h, s) }))).sort((x, y) => x.c - y.c);
        const best = links[0];
        if (best.c < o.maxJump) {
          const other = best.s === a ? b : a;
          res = best.h === 'left' ? { left: best.s, right: other, by: 'track' } : { left: other, right: best.s, by: 'track' };
        }
      }
      if (res.by === 'none') res = a.world[0][1] >= b.world[0][1] ? { left: a, right: b, by: 'side' } : { left: b, right: a, by: 'side' };
    } else if (hands.length === 1) {
      const s = hands[0];
      const cl = cost('left', s);
      const cr = cost('right', s);
      if (Math.min(cl, cr) < o.maxJump) res = cl <= cr ? { left: s, right: null, by: 'track' } : { left: null, right: s, by: 'track' };
      else if (labelSame + labelMirror >= 10) {
        const personLeft = (s.left.label === 'Left') === labelSame >= labelMirror;
        res = personLeft ? { left: s, right: null, by: 'label' } : { left: null, right: s, by: 'label' };
      } else res = s.world[0][1] >= 0 ? { left: s, right: null, by: 'side' } : { left: null, right: s, by: 'side' };
    }
    for (const h of ['left', 'right'] as const) {
      const s = res[h];
      if (!s) continue;
      last[h] = { wrist: s.world[0], frame: f };
      if (res.by !== 'label') {
        const says = s.left.label.toLowerCase();
        if (says === h) labelSame++;
        else labelMirror++;
      }
    }
    out.push(res);
  });
  return out;
}
