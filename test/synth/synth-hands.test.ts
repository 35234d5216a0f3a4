import { describe, it, expect } from 'vitest';
import { dist, dot, normalize, quatFromAxisAngle, quatMul, quatRotate, sub, type Pose, type Quat } from '../../core/geometry.ts';
import { LANDMARKS } from '../../core/hands.ts';
import { Rng } from '../../core/rng.ts';
import { HAND_JOINTS, DIGITS, digitChain, loadHandModel } from '../../synth/hand-model.ts';
import { LANDMARK_JOINTS, landmarksFromJoints } from '../../synth/hand-landmarks.ts';
import { PINCH_OPENING, handJointsWorld, poseJoints, postureForOpening, forearmPose } from '../../synth/hand-pose.ts';

const idx = (n: string): number => HAND_JOINTS.indexOf(n);

function randomTcp(rng: Rng): Pose {
  const axis = normalize([rng.normal(), rng.normal(), rng.normal()]);
  const q = quatFromAxisAngle(axis, rng.uniform(0, Math.PI));
  return { position: [rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3), rng.uniform(0, 0.3)], quaternion: q };
}

describe('hand model (generic-hand GLB)', () => {
  it('has all 25 WebXR joints for both hands, a hand-sized skeleton, and mirror-image sides', () => {
    for (const side of ['left', 'right'] as const) {
      const m = loadHandModel(side);
      expect(m.rest).toHaveLength(25);
      const len = dist(m.rest[idx('wrist')].position, m.rest[idx('middle-finger-tip')].position);
      expect(len).toBeGreaterThan(0.15); // an adult hand, in metres
      expect(len).toBeLessThan(0.22);
    }
    // Mirror images have opposite handedness: the triple product of (index, pinky, thumb) from the wrist flips sign.
    const chirality = (side: 'left' | 'right') => {
      const r = loadHandModel(side).rest;
      const w = r[idx('wrist')].position;
      const a = sub(r[idx('index-finger-phalanx-proximal')].position, w);
      const b = sub(r[idx('pinky-finger-phalanx-proximal')].position, w);
      const c = sub(r[idx('thumb-tip')].position, w);
      return Math.sign(dot(c, [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]));
    };
    expect(chirality('left')).toBe(-chirality('right'));
  });

  it('maps MediaPipe landmarks to distinct joints in MediaPipe order', () => {
    expect(LANDMARK_JOINTS).toHaveLength(LANDMARKS.length);
    expect(new Set(LANDMARK_JOINTS).size).toBe(21);
    expect(LANDMARK_JOINTS[0]).toBe('wrist');
    expect(LANDMARK_JOINTS[4]).toBe('thumb-tip');
    expect(LANDMARK_JOINTS[8]).toBe('index-finger-tip');
    expect(LANDMARK_JOINTS[20]).toBe('pinky-finger-tip');
  });
});

describe('hand posing', () => {
  it('keeps every bone length whatever the opening (chains are rigid)', () => {
    const m = loadHandModel('right');
    for (const g of [0, 0.2, PINCH_OPENING, 0.8, 1]) {
      const j = poseJoints(m, postureForOpening(g));
      for (const d of DIGITS) {
        let parent = 'wrist';
        for (const n of digitChain(d)) {
          const rest = dist(m.rest[idx(parent)].position, m.rest[idx(n)].position);
          expect(Math.abs(dist(j[idx(parent)].position, j[idx(n)].position) - rest)).toBeLessThan(1e-9);
          parent = n;
        }
      }
    }
  });

  it('curls the fingers as the gripper closes: fingertips approach the wrist, thumb and index close in', () => {
    for (const side of ['left', 'right'] as const) {
      const m = loadHandModel(side);
      const at = (g: number) => poseJoints(m, postureForOpening(g));
      const reach = (j: Pose[], tip: string) => dist(j[idx('wrist')].position, j[idx(tip)].position);
      const gap = (j: Pose[]) => dist(j[idx('thumb-tip')].position, j[idx('index-finger-tip')].position);
      const open = at(1), pinch = at(PINCH_OPENING), closed = at(0);
      for (const tip of ['middle-finger-tip', 'ring-finger-tip', 'pinky-finger-tip']) {
        expect(reach(pinch, tip)).toBeLessThan(reach(open, tip) - 0.01);
        expect(reach(closed, tip)).toBeLessThan(reach(pinch, tip));
      }
      // Thumb–index aperture follows the gripper's (9 cm open): wide open, ≈4 cm at the pinch.
      expect(gap(open)).toBeGreaterThan(0.07);
      expect(gap(pinch)).toBeGreaterThan(0.03);
      expect(gap(pinch)).toBeLessThan(0.05);
    }
  });

  it('puts the grasp point between thumb and index tips on the TCP, thumb→index along the TCP x (or −x when flipped)', () => {
    const rng = new Rng(7);
    for (let k = 0; k < 20; k++) {
      const tcp = randomTcp(rng);
      for (const side of ['left', 'right'] as const) {
        for (const flip of [false, true]) {
          const j = handJointsWorld(side, tcp, PINCH_OPENING, flip);
          const lm = landmarksFromJoints(j);
          const thumb = lm[4], index = lm[8];
          const mid: [number, number, number] = [(thumb[0] + index[0]) / 2, (thumb[1] + index[1]) / 2, (thumb[2] + index[2]) / 2];
          expect(dist(mid, tcp.position)).toBeLessThan(1e-9);
          const x = quatRotate(tcp.quaternion, [1, 0, 0]);
          expect(dot(normalize(sub(index, thumb)), x)).toBeCloseTo(flip ? -1 : 1, 9);
          // The wrist sits behind the grasp point along the approach axis (−z of the TCP).
          const z = quatRotate(tcp.quaternion, [0, 0, 1]);
          expect(dot(sub(lm[0], tcp.position), z)).toBeLessThan(-0.05);
        }
      }
    }
  });

  it('moves the hand rigidly with the TCP', () => {
    const rng = new Rng(3);
    const tcp = randomTcp(rng);
    const turn: Quat = quatFromAxisAngle([0.3, -0.5, 0.8], 0.7);
    const moved: Pose = { position: [tcp.position[0] + 0.1, tcp.position[1], tcp.position[2] - 0.05], quaternion: quatMul(turn, tcp.quaternion) };
    const a = landmarksFromJoints(handJointsWorld('left', tcp, 0.3, false));
    const b = landmarksFromJoints(handJointsWorld('left', moved, 0.3, false));
    for (let i = 0; i < 21; i++)
      for (let j = i + 1; j < 21; j++) expect(Math.abs(dist(a[i], a[j]) - dist(b[i], b[j]))).toBeLessThan(1e-9);
  });

  it('points the forearm away from the fingers, towards the person', () => {
    const tcp: Pose = { position: [0, 0.15, 0.05], quaternion: [1, 0, 0, 0] }; // pointing down
    const j = handJointsWorld('left', tcp, 1, false);
    const f = forearmPose('left', j);
    const along = quatRotate(f.quaternion, [0, 0, 1]);
    expect(along[2]).toBeGreaterThan(0.3); // up, away from fingers that point down
    expect(along[0]).toBeLessThan(0); // towards the person at −x
  });
});
