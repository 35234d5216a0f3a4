/**
 * Sync labels between the two arms' keyposes, from the timing of the demonstration: at each
 * gripper event and at the end of each long rest, the cross-arm order the video showed becomes a
 * pair of keyposes that wait for each other (the executor lets an arm leave a labelled keypose
 * only once the other has reached, gripped at and held its keypose with the same label).
 */
import { HAND_SIDES, type HandSide } from '../../core/hands.ts';
import type { HandAnalysis } from './hand-analysis.ts';

/** What labelling needs of one hand's analysis; `keyposes` is labelled in place (wait copies inserted). */
export type SyncHand = Pick<HandAnalysis, 'events' | 'keyposes' | 'stops' | 'poses'>;

/**
 * Sync labels at gripper events: when one arm changes its grip at time t, the other arm must
 * have reached the keypose it had reached by t in the demonstration (or its simultaneous event,
 * within `window` frames) before the grip changes, and stays there until it has. When a keypose
 * is paired more than once, the arm gets a copy of it to wait at for each further pairing. A long
 * rest is also a wait: the resting arm leaves only once the other has reached the keypose it had
 * reached when the hand started moving again in the demonstration.
 */
export function addSyncLabels(a: Record<HandSide, SyncHand>, window: number, waitFrames: number): void {
  type K = SyncHand['keyposes'][number];
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
      if (together) continue;
      // …and afterwards: the other hand stays where it had got to until this grip has changed
      // (as in "keep holding the cube until the other hand has let go").
      const next = a[other].keyposes.filter((k) => k.frame <= e.frame).at(-1);
      const here = a[h].keyposes[at];
      if (!next) continue;
      const [l2, r2] = h === 'left' ? [here, next] : [next, here];
      if (!pairs.some((p) => p.l === l2 && p.r === r2)) pairs.push({ frame: e.frame + 0.5, l: l2, r: r2 });
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
  // Labels go in time order on both arms. A keypose paired again (the arm waits at one place
  // while the other does several things, as in "hold the cube out until the other hand has
  // taken it") gets one wait copy per further pairing, each waiting for the next thing.
  const last = { left: { index: -1, origin: undefined as K | undefined }, right: { index: -1, origin: undefined as K | undefined } };
  const slot = (h: HandSide, k: K): { index: number; copy: boolean } | null => {
    const kps = a[h].keyposes;
    if (k === last[h].origin) return { index: last[h].index + 1, copy: true };
    const i = kps.indexOf(k);
    return i > last[h].index ? { index: i, copy: false } : null; // else it would reorder the arms' events
  };
  let n = 0;
  for (const p of pairs) {
    const at = { left: slot('left', p.l), right: slot('right', p.r) };
    if (!at.left || !at.right) continue;
    const label = `s${++n}`;
    for (const h of HAND_SIDES) {
      const kps = a[h].keyposes;
      const { index, copy } = at[h]!;
      if (copy) {
        const prev = kps[index - 1];
        kps.splice(index, 0, { ...prev, name: `wait-${prev.frame}`, reason: 'wait', sync: undefined });
      }
      kps[index].sync = label;
      last[h] = { index, origin: h === 'left' ? p.l : p.r };
    }
  }
  for (const h of HAND_SIDES) for (const k of a[h].keyposes) if (k.sync === undefined) delete k.sync;
}
