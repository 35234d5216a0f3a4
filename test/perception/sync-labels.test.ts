import { describe, expect, it } from 'vitest';
import type { HandSide } from '../../core/hands.ts';
import { addSyncLabels, type SyncHand } from '../../perception/program/sync-labels.ts';

type K = SyncHand['keyposes'][number];
const kp = (reason: string, frame: number, gripper = 1): K => ({ name: `${reason}-${frame}`, reason, frame, position: [0, 0, 0], quaternion: [0, 0, 0, 1], gripper });
const hand = (keyposes: K[], events: SyncHand['events'], stops: SyncHand['stops'], frames = 560): SyncHand => ({ keyposes, events, stops, poses: new Array(frames).fill(null) });

/**
 * Does the executor's sync make arm `b` finish keypose `ib` (reach it, grip, hold) before arm `a`
 * starts moving to keypose `ia`? Only if `a` waits at a label before `ia` that `b` reaches at or
 * after `ib`.
 */
function finishesBefore(arms: Record<HandSide, SyncHand>, b: HandSide, ib: number, a: HandSide, ia: number): boolean {
  return arms[a].keyposes.some((k, i) => i < ia && k.sync !== undefined && arms[b].keyposes.findIndex((o) => o.sync === k.sync) >= ib);
}

describe('sync labels between the arms', () => {
  // A handover as the videos show it: the left hand brings the cube over and rests holding it
  // out (frames 200–320) while the right hand, which had been resting at its pre-take pose
  // (58–250), comes in, grasps at 283; the left lets go at 301; the right carries the cube off.
  const handover = (): Record<HandSide, SyncHand> => ({
    left: hand(
      [kp('stop', 38), kp('grasp', 80, 0), kp('stop', 140, 0), kp('stop', 200, 0), kp('release', 301, 0.85), kp('stop', 375, 0.85)],
      [{ kind: 'grasp', frame: 80 }, { kind: 'release', frame: 301 }],
      [{ start: 200, end: 320 }],
    ),
    right: hand(
      [kp('stop', 58), kp('shape', 253), kp('grasp', 283, 0), kp('shape', 315, 0), kp('shape', 340, 0), kp('release', 475, 0.84), kp('stop', 520, 0.84)],
      [{ kind: 'grasp', frame: 283 }, { kind: 'release', frame: 475 }],
      [{ start: 58, end: 250 }],
    ),
  });

  it('a hand holding an object out lets go only after the other hand has grasped it, however many waits come first', () => {
    const arms = handover();
    addSyncLabels(arms, 6, 30);
    const L = arms.left.keyposes;
    const R = arms.right.keyposes;
    const release = L.findIndex((k) => k.reason === 'release');
    const grasp = R.findIndex((k) => k.reason === 'grasp');
    // The left arm's rest is paired three times (with the right's rest, its approach and its
    // grasp): the resting keypose is labelled and then copied to wait at, once per pairing.
    expect(L.filter((k) => k.frame === 200).length).toBe(3);
    expect(finishesBefore(arms, 'right', grasp, 'left', release)).toBe(true);
    // …and the right arm does not carry it off before the left has let go.
    expect(finishesBefore(arms, 'left', release, 'right', R.findIndex((k) => k.frame === 340))).toBe(true);
  });

  it('labels are unique per arm and in the same order on both arms', () => {
    const arms = handover();
    addSyncLabels(arms, 6, 30);
    const labels = (h: HandSide) => arms[h].keyposes.flatMap((k) => (k.sync ? [k.sync] : []));
    expect(new Set(labels('left')).size).toBe(labels('left').length);
    expect(labels('left')).toEqual(labels('right'));
    expect(labels('left').length).toBeGreaterThanOrEqual(4);
    // Wait copies keep the pose and gripper of the keypose they follow.
    for (const h of ['left', 'right'] as const)
      arms[h].keyposes.forEach((k, i) => {
        if (k.reason !== 'wait') return;
        const prev = arms[h].keyposes[i - 1];
        expect([k.frame, k.gripper, k.position]).toEqual([prev.frame, prev.gripper, prev.position]);
      });
  });

  it("the other hand stays where it had got to until a grip change it was waiting for has happened", () => {
    // Drawer: the left hand pulls the drawer open (grasp 95, pulled at 198) and holds it there while
    // the right hand, already carrying the cube, lets it go into the drawer at 218; only then does
    // the left hand move on (220), still holding the handle.
    const arms = {
      left: hand([kp('stop', 33), kp('grasp', 95, 0), kp('shape', 198, 0), kp('stop', 220, 0), kp('release', 337, 0.95)], [{ kind: 'grasp', frame: 95 }, { kind: 'release', frame: 337 }], []),
      right: hand([kp('stop', 41), kp('grasp', 85, 0), kp('stop', 157, 0), kp('release', 218, 0.9), kp('stop', 248, 0.9)], [{ kind: 'grasp', frame: 85 }, { kind: 'release', frame: 218 }], []),
    };
    addSyncLabels(arms, 6, 30);
    const rRelease = arms.right.keyposes.findIndex((k) => k.reason === 'release');
    expect(finishesBefore(arms, 'left', 2, 'right', rRelease)).toBe(true); // the drawer is open before the cube is let go…
    expect(finishesBefore(arms, 'right', rRelease, 'left', arms.left.keyposes.findIndex((k) => k.frame === 220))).toBe(true); // …and stays open until it has been
  });

  it('a two-handed grasp waits for both hands at the grasp', () => {
    const arms = {
      left: hand([kp('stop', 40), kp('grasp', 76, 0), kp('stop', 160, 0)], [{ kind: 'grasp', frame: 76 }], []),
      right: hand([kp('stop', 41), kp('grasp', 78, 0), kp('stop', 161, 0)], [{ kind: 'grasp', frame: 78 }], []),
    };
    addSyncLabels(arms, 6, 30);
    expect(finishesBefore(arms, 'right', 1, 'left', 2)).toBe(true);
    expect(finishesBefore(arms, 'left', 1, 'right', 2)).toBe(true);
  });
});
