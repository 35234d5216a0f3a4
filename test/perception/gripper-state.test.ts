import { describe, expect, it } from 'vitest';
import { cross, quatAngle, quatFromAxes, quatFromYaw, type Pose, type Vec3 } from '../../core/geometry.ts';
import { detectApertureChanges, hiddenChanges, opensToRelease, settleGrasp, DEFAULT_GRIPPER_STATE } from '../../perception/program/gripper-state.ts';
import { arrivalFrame } from '../../perception/program/keyframes.ts';
import { closingCentring, faceAlignedOrientation, type ObjectShape } from '../../perception/program/object-shapes.ts';
import { fitHandOffset, gripperPose, DEFAULT_HAND_OFFSETS } from '../../perception/program/gripper-pose.ts';
import { handLandmarks } from '../fixtures/hand-tracks.ts';

const level = (n: number, v: number) => new Array<number>(n).fill(v);
const ramp = (n: number, a: number, b: number) => Array.from({ length: n }, (_, i) => a + ((b - a) * (i + 1)) / n);

describe('gripper state from the aperture', () => {
  it('finds an opening hidden by a tracking gap, starting at the last frame seen', () => {
    const a = [...level(30, 0.03), ...level(20, NaN), ...level(30, 0.08)];
    expect(hiddenChanges(a)).toEqual([expect.objectContaining({ kind: 'open', start: 29, end: 50, hidden: true })]);
    // Through detectApertureChanges too, and no change where the levels either side agree.
    expect(detectApertureChanges(a, () => Infinity).map((c) => c.kind)).toEqual(['open']);
    expect(hiddenChanges([...level(30, 0.03), ...level(20, NaN), ...level(30, 0.035)])).toEqual([]);
    // Seen for two frames between two gaps: one opening, read across both gaps, not two.
    const twice = [...level(30, 0.03), ...level(10, NaN), 0.03, 0.03, ...level(10, NaN), ...level(30, 0.08)];
    expect(detectApertureChanges(twice, () => Infinity).map((x) => x.kind)).toEqual(['open']);
    // The hand's first frames back read as they did before it vanished (the tracker locking on
    // again); the level after the gap is read once it has settled.
    // Coming out from behind what hid it, the fingers read low a little longer.
    const back = [...level(30, 0.03), ...level(20, NaN), 0.03, 0.03, 0.03, 0.035, 0.035, 0.04, 0.04, 0.04, 0.04, ...level(30, 0.08)];
    expect(hiddenChanges(back)).toEqual([expect.objectContaining({ kind: 'open', start: 29, hidden: true })]);
  });

  it('a dip and rise within the dwell time counts by its net change', () => {
    // 6 cm → 4 cm → 9 cm in quick succession: one opening, not a flicker to drop.
    const a = [...level(30, 0.06), ...ramp(3, 0.06, 0.04), ...ramp(3, 0.04, 0.09), ...level(30, 0.09)];
    const c = detectApertureChanges(a, () => Infinity);
    expect(c.map((x) => x.kind)).toEqual(['open']);
    expect(c[0].to).toBeGreaterThan(0.085);
    // A pure glitch (down and back to the same level) still vanishes.
    const g = [...level(30, 0.06), ...ramp(3, 0.06, 0.035), ...ramp(3, 0.035, 0.06), ...level(30, 0.06)];
    expect(detectApertureChanges(g, () => Infinity)).toEqual([]);
    // Glitches spread over 5-frame ramps vanish too: a dip while open, a spike while holding.
    const dip = [...level(30, 0.08), ...ramp(5, 0.08, 0.03), ...level(2, 0.03), ...ramp(5, 0.03, 0.079), ...level(30, 0.08)];
    expect(detectApertureChanges(dip, () => 0)).toEqual([]);
    const spike = [...level(30, 0.09), ...ramp(8, 0.09, 0.02), ...level(30, 0.02), ...ramp(5, 0.02, 0.07), ...level(3, 0.07), ...ramp(5, 0.07, 0.021), ...level(30, 0.021)];
    expect(detectApertureChanges(spike, () => 0).map((x) => x.kind)).toEqual(['close']);
    // A grip held for longer than the dwell time is real: close and open both stand.
    const held = [...level(30, 0.08), ...ramp(5, 0.08, 0.03), ...level(12, 0.03), ...ramp(5, 0.03, 0.08), ...level(30, 0.08)];
    expect(detectApertureChanges(held, () => 0).map((x) => x.kind)).toEqual(['close', 'open']);
    // Right after a tracking gap a dip is the tracker locking on, and the opening out of it may be
    // the clearest sight of the release the gap hid: both stay.
    const relock = [...level(30, 0.03), ...level(20, NaN), ...level(3, 0.08), ...ramp(5, 0.08, 0.037), ...ramp(5, 0.037, 0.075), ...level(30, 0.075)];
    expect(detectApertureChanges(relock, () => Infinity).map((x) => x.kind)).toEqual(['open', 'close', 'open']);
  });

  it('a close that creeps back to where it started, before a deeper one, was not a grasp', () => {
    // 9 cm, foreshortened to 6.5 cm for a moment, slowly (and unsteadily: no single opening) back
    // to 9 cm, then the real close to 3 cm.
    const wobble = (x: number[]) => x.map((v, i) => v + 0.003 * Math.sin(i * 0.9));
    const a = [...level(20, 0.09), ...ramp(6, 0.09, 0.065), ...wobble(ramp(32, 0.065, 0.09)), ...level(4, 0.09), ...ramp(4, 0.09, 0.03), ...level(20, 0.03)];
    const c = detectApertureChanges(a, () => Infinity);
    expect(c.map((x) => x.kind)).toEqual(['close']);
    expect(c[0].start).toBeGreaterThanOrEqual(60);
    expect(c[0].to).toBeLessThan(0.035);
    // The same dip undone by a quick opening (9 frames: longer than a glitch) just before the close.
    const reopened = [...level(20, 0.09), ...ramp(6, 0.09, 0.065), ...level(20, 0.065), ...ramp(9, 0.065, 0.09), ...level(3, 0.09), ...ramp(4, 0.09, 0.03), ...level(20, 0.03)];
    const r = detectApertureChanges(reopened, () => Infinity);
    expect(r.map((x) => x.kind)).toEqual(['close']);
    expect(r[0].start).toBeGreaterThanOrEqual(55);
    // A re-grasp (close, open, close to the same level) keeps all three.
    const regrasp = [...level(20, 0.09), ...ramp(4, 0.09, 0.03), ...level(20, 0.03), ...ramp(4, 0.03, 0.09), ...level(20, 0.09), ...ramp(4, 0.09, 0.031), ...level(20, 0.031)];
    expect(detectApertureChanges(regrasp, () => Infinity).map((x) => x.kind)).toEqual(['close', 'open', 'close']);
    // A wide object let go of and a thin one grasped 2 s later: not a dip, all three stand.
    const twoObjects = [...level(20, 0.09), ...ramp(4, 0.09, 0.06), ...level(60, 0.06), ...ramp(4, 0.06, 0.09), ...level(60, 0.09), ...ramp(4, 0.09, 0.03), ...level(20, 0.03)];
    expect(detectApertureChanges(twoObjects, () => Infinity).map((x) => x.kind)).toEqual(['close', 'open', 'close']);
    // A hold whose reading wanders but stays low keeps its grasp: the later squeeze is not a new one.
    const held = [...level(20, 0.09), ...ramp(4, 0.09, 0.04), ...ramp(40, 0.04, 0.05), ...ramp(4, 0.05, 0.03), ...level(20, 0.03)];
    const h = detectApertureChanges(held, () => Infinity);
    expect(h[0]).toEqual(expect.objectContaining({ kind: 'close' }));
    expect(h[0].start).toBeLessThan(25);
  });

  it('a holding hand releases only when it opens most of the way to its widest', () => {
    // Lowest 2 cm since the grasp, widest 9 cm: 65% of the way is 6.55 cm.
    expect(opensToRelease(0.045, 0.02, 0.09)).toBe(false);
    expect(opensToRelease(0.07, 0.02, 0.09)).toBe(true);
    expect(opensToRelease(0.07, 0.02, 0.09, { ...DEFAULT_GRIPPER_STATE, releaseFraction: 0.9 })).toBe(false);
  });

  it('a grasp that starts while the hand still moves goes to where it comes to rest', () => {
    const rests = [{ start: 50, end: 90 }];
    expect(settleGrasp(40, rests, 30)).toBe(50); // moving at 40, at rest from 50
    expect(settleGrasp(60, rests, 30)).toBe(60); // already at rest
    expect(settleGrasp(10, rests, 30)).toBe(10); // the rest is more than settleTime away
    // A hand within a centimetre of where it stops is finishing its approach: it closes there.
    const near = (f: number, r: number) => Math.abs(r - f) * 0.001; // 1 mm per frame to go
    expect(settleGrasp(40, rests, 30, DEFAULT_GRIPPER_STATE, near)).toBe(40);
    expect(settleGrasp(20, rests, 30, DEFAULT_GRIPPER_STATE, near)).toBe(50); // still 3 cm away
  });

  it('the arrival at a rest is where the hand gets within tolerance of where it rests', () => {
    // Moving 1 cm/frame along x until frame 20, then still at x = 0.2.
    const poses: Pose[] = Array.from({ length: 40 }, (_, i) => ({ position: [Math.min(i, 20) * 0.01, 0, 0], quaternion: [0, 0, 0, 1] }));
    expect(arrivalFrame(poses, { start: 26, end: 39 })).toBe(20);
  });
});

describe('grasp centring and offset fitting', () => {
  const cube: ObjectShape = { name: 'cube', pose: { position: [0.3, 0.1, 0.03], quaternion: [0, 0, 0, 1] }, geoms: [{ type: 'box', size: [0.03, 0.03, 0.03], local: { position: [0, 0, 0], quaternion: [0, 0, 0, 1] } }] };
  // Top-down gripper (z down), closing along world x (its x axis is world −x).
  const down: Pose['quaternion'] = [0, 0.7071068, 0.7071068, 0];
  it('shifts a grasp along the closing axis to centre the object between the fingers', () => {
    const g: Pose = { position: [0.315, 0.1, 0.05], quaternion: down };
    const d = closingCentring(cube, cube.pose, g, 0.025);
    // The cube's centre is 1.5 cm away along world −x, i.e. +1.5 cm along the gripper's x.
    expect(d).toBeCloseTo(0.015, 4);
    expect(closingCentring(cube, cube.pose, g, 0.01)).toBe(0); // beyond the allowed shift
    const bar: ObjectShape = { ...cube, geoms: [{ ...cube.geoms[0], size: [0.2, 0.03, 0.03] }] };
    expect(closingCentring(bar, bar.pose, g, 0.025)).toBe(0); // 40 cm along the closing axis: cannot be centred
  });

  // A gripper frame from its closing axis x and approach axis z.
  const frame = (x: Vec3, z: Vec3): Pose['quaternion'] => quatFromAxes(x, cross(z, x), z);
  const yaw = (8 * Math.PI) / 180;

  it('centres only across the faces the fingers close on: a long bar, closing axis a few degrees off', () => {
    // A 40 cm bar along world y; the gripper 14 cm from its middle, 1 cm off its centre line,
    // top-down, closing 8° off the bar's width. The bar's middle (14 cm along the bar) must not
    // count: the fingers meet the bar's sides, so the shift is 1 cm / cos 8° back across it.
    const bar: ObjectShape = { name: 'bar', pose: { position: [0, 0, 0.02], quaternion: [0, 0, 0, 1] }, geoms: [{ type: 'box', size: [0.02, 0.2, 0.02], local: { position: [0, 0, 0], quaternion: [0, 0, 0, 1] } }] };
    const g: Pose = { position: [0.01, 0.14, 0.03], quaternion: frame([Math.cos(yaw), Math.sin(yaw), 0], [0, 0, -1]) };
    expect(closingCentring(bar, bar.pose, g, 0.025)).toBeCloseTo(-0.01 / Math.cos(yaw), 4);
  });

  it('turns a grasp of a box face-on when it is a few degrees off, and leaves a grasp across an edge alone', () => {
    // The cube turned 10° about z; a top-down gripper turned 3° and tipped 5°.
    const c10: ObjectShape = { ...cube, pose: { ...cube.pose, quaternion: quatFromYaw((10 * Math.PI) / 180) } };
    const at = (yawDeg: number, tipDeg: number): Pose => {
      const y = (yawDeg * Math.PI) / 180;
      const t = (tipDeg * Math.PI) / 180;
      const x: Vec3 = [Math.cos(y) * Math.cos(t), Math.sin(y) * Math.cos(t), Math.sin(t)];
      return { position: [0.3, 0.1, 0.05], quaternion: frame(x, cross([-Math.sin(y), Math.cos(y), 0], x)) };
    };
    const faceOn = frame([Math.cos((10 * Math.PI) / 180), Math.sin((10 * Math.PI) / 180), 0], [0, 0, -1]);
    const q = faceAlignedOrientation(c10, c10.pose, at(3, 5), (20 * Math.PI) / 180);
    expect(q).not.toBeNull();
    expect(quatAngle(q!, faceOn)).toBeLessThan(1e-6);
    expect(faceAlignedOrientation(c10, c10.pose, at(55, 0), (20 * Math.PI) / 180)).toBeNull(); // 45° off any face
    const ball: ObjectShape = { ...cube, geoms: [{ type: 'sphere', size: [0.03, 0, 0], local: cube.geoms[0].local }] };
    expect(faceAlignedOrientation(ball, ball.pose, at(3, 5), (20 * Math.PI) / 180)).toBeNull();
  });

  it("the grasp's depth does not leak into the centring when the gripper is yawed", () => {
    // A horizontal grasp 2 cm deep into a cube's −y half, the approach yawed 8°: the closing line
    // through the TCP meets the x faces at x = ±3 cm; their midpoint is 1 cm / cos 8° back.
    const g: Pose = { position: [0.31, 0.08, 0.03], quaternion: frame([Math.cos(yaw), -Math.sin(yaw), 0], [Math.sin(yaw), Math.cos(yaw), 0]) };
    expect(closingCentring(cube, cube.pose, g, 0.025)).toBeCloseTo(-0.01 / Math.cos(yaw), 4);
  });

  it('fitHandOffset recovers an offset despite frames with the hands confused', () => {
    const tcp = (i: number): Pose => ({ position: [0.1 + 0.01 * i, 0.02 * Math.sin(i), 0.2], quaternion: down });
    const samples = Array.from({ length: 60 }, (_, i) => ({ landmarks: handLandmarks(tcp(i), 0.05, 'left'), gripper: tcp(i) }));
    // A quarter of the frames carry the other hand's landmarks.
    for (let i = 0; i < 15; i++) samples[i * 4].landmarks = handLandmarks({ position: [0.1, -0.2, 0.2], quaternion: down }, 0.05, 'right');
    const fit = fitHandOffset(samples);
    for (let i = 1; i < 60; i += 4) expect(gripperPose(samples[i].landmarks, fit).position.map((v, k) => Math.abs(v - tcp(i).position[k]))).toEqual([expect.closeTo(0, 3), expect.closeTo(0, 3), expect.closeTo(0, 3)]);
    expect(fit.position.map((v, k) => Math.abs(v - DEFAULT_HAND_OFFSETS.left.position[k]) < 0.002)).toEqual([true, true, true]);
  });
});
