import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../core/geometry.ts';
import { assignIdentities, pairViews, type Detection, type Triangulator } from '../../perception/hands/assign-hands.ts';

/**
 * Two hands moving over a table; each view sees both, in varying order, with the model's labels
 * mirrored (as MediaPipe's are for non-selfie images) and swapped outright on some frames.
 * The "triangulator" knows which detections belong together through a hidden id in the score.
 */
const N = 60;
const wrist = (hand: 'left' | 'right', f: number): Vec3 => (hand === 'left' ? [0.05 * Math.sin(f / 9), 0.2 - 0.003 * f, 0.1] : [0.05 * Math.cos(f / 7), -0.2 + 0.003 * f, 0.12]);
const det = (hand: 'left' | 'right', f: number, view: number): Detection => {
  const w = wrist(hand, f);
  const mirrored = hand === 'left' ? 'Right' : 'Left';
  const swapped = f >= 20 && f < 30; // labels flip for a while
  const label = swapped ? (mirrored === 'Left' ? 'Right' : 'Left') : mirrored;
  return { landmarks: Array.from({ length: 21 }, () => [w[0] * 1000 + view * 40, w[1] * 1000] as [number, number]), label, score: hand === 'left' ? 0.91 : 0.92 };
};
const tri: Triangulator = (l, r) =>
  l.score === r.score ? { world: Array.from({ length: 21 }, () => [l.landmarks[0][0] / 1000, l.landmarks[0][1] / 1000, 0.1] as Vec3), reprojectionError: 1 } : { world: [], reprojectionError: 99 };

describe('hand identity across views and time', () => {
  it('pairs detections across views by stereo consistency, whatever their order', () => {
    const f = 5;
    const pairs = pairViews([det('left', f, 0), det('right', f, 0)], [det('right', f, 1), det('left', f, 1)], tri);
    expect(pairs).toHaveLength(2);
    for (const p of pairs) expect(p.left.score).toBe(p.right.score);
  });

  it('repairs swapped and mirrored labels with geometry and continuity', () => {
    const frames = Array.from({ length: N }, (_, f) => {
      const views = f % 2 ? [det('right', f, 0), det('left', f, 0)] : [det('left', f, 0), det('right', f, 0)];
      const other = [det('left', f, 1), det('right', f, 1)];
      // One hand leaves the view for a few frames.
      const l = f >= 40 && f < 44 ? views.filter((d) => d.score !== 0.91) : views;
      return pairViews(l, other, tri);
    });
    const assigned = assignIdentities(frames);
    assigned.forEach((a, f) => {
      if (a.left) expect(a.left.left.score, `frame ${f}`).toBe(0.91);
      if (a.right) expect(a.right.left.score, `frame ${f}`).toBe(0.92);
      if (!(f >= 40 && f < 44)) expect(a.left && a.right).toBeTruthy();
    });
    expect(assigned[0].by).toBe('side');
    expect(assigned[25].by).toBe('track');
  });

  it('a hand that comes back is not given the identity of the one still tracked, even across the table', () => {
    // The right hand reaches over to the left hand's side (+y) while the left hand is out of view;
    // when the left hand returns, lower in y than the right, the side rule alone would swap them.
    const right = (f: number): Vec3 => [0, -0.2 + 0.02 * f, 0.1];
    const left: Vec3 = [-0.2, 0.1, 0.1];
    const d = (w: Vec3, id: number, view: number): Detection => ({ landmarks: Array.from({ length: 21 }, () => [w[0] * 1000 + view * 40, w[1] * 1000] as [number, number]), label: 'Left', score: id });
    const frames = Array.from({ length: 40 }, (_, f) => {
      const views = [0, 1].map((v) => [d(right(f), 0.92, v), ...(f < 5 || f >= 30 ? [d(left, 0.91, v)] : [])]);
      return pairViews(views[0], views[1], tri);
    });
    const assigned = assignIdentities(frames);
    expect(right(30)[1]).toBeGreaterThan(left[1]);
    assigned.forEach((a, f) => {
      expect(a.right?.left.score, `frame ${f}`).toBe(0.92);
      if (f < 5 || f >= 30) expect(a.left?.left.score, `frame ${f}`).toBe(0.91);
    });
  });

  it('nor when the returning hand was first placed far from where it is (both tracks recent)', () => {
    // As above, but the left hand's first frames back are misplaced 35 cm away (a bad pairing):
    // when it is then seen where it is, neither assignment continues both tracks.
    const right = (f: number): Vec3 => [0, -0.2 + 0.02 * f, 0.1];
    const left = (f: number): Vec3 => (f < 30 ? [-0.5, 0.3, 0.1] : [-0.2, 0.1, 0.1]);
    const d = (w: Vec3, id: number, view: number): Detection => ({ landmarks: Array.from({ length: 21 }, () => [w[0] * 1000 + view * 40, w[1] * 1000] as [number, number]), label: 'Left', score: id });
    const frames = Array.from({ length: 40 }, (_, f) => {
      const views = [0, 1].map((v) => [d(right(f), 0.92, v), ...(f < 5 || f >= 28 ? [d(left(f), 0.91, v)] : [])]);
      return pairViews(views[0], views[1], tri);
    });
    const assigned = assignIdentities(frames);
    assigned.forEach((a, f) => {
      expect(a.right?.left.score, `frame ${f}`).toBe(0.92);
      if (f < 5 || f >= 28) expect(a.left?.left.score, `frame ${f}`).toBe(0.91);
    });
  });
});
