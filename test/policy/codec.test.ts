/** Program ↔ action vector, 6-D rotations and normalization round-trip. */
import { describe, expect, it } from 'vitest';
import { quatAngle, quatNormalize, type Quat } from '../../core/geometry.ts';
import { Rng } from '../../core/rng.ts';
import { getScriptedProgram } from './scripted.ts';
import { actionDim, chunkDim, chunkTargets, decodeChunk, decodeProgram, encodeProgram, Normalizer, quatToRot6d, rot6dToQuat } from '../../policy/index.ts';

describe('rotation 6-D', () => {
  it('round-trips random rotations and repairs perturbed ones', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const q = quatNormalize([rng.normal(), rng.normal(), rng.normal(), rng.normal()] as Quat);
      expect(quatAngle(rot6dToQuat(quatToRot6d(q)), q)).toBeLessThan(1e-6);
      const r = quatToRot6d(q).map((v) => v * 1.3 + 0.01 * rng.normal());
      expect(quatAngle(rot6dToQuat(r), q)).toBeLessThan(0.05);
    }
  });
});

describe('program codec', () => {
  it('a scripted program survives encode → decode, structure included', () => {
    const p = getScriptedProgram('handover');
    const v = encodeProgram(p);
    expect(v.length).toBe(actionDim(p));
    const back = decodeProgram(p, v);
    for (const a of ['left', 'right'] as const) {
      back.arms[a].forEach((k, i) => {
        const o = p.arms[a][i];
        expect(k.sync).toBe(o.sync);
        expect(k.object).toBe(o.object);
        expect(k.gripper).toBeCloseTo(o.gripper, 6);
        k.position.forEach((x, j) => expect(x).toBeCloseTo(o.position[j], 6));
        expect(quatAngle(k.quaternion, o.quaternion)).toBeLessThan(1e-3);
      });
    }
  });
});

describe('Normalizer', () => {
  it('maps the data into [−1, 1] (margin shrinks it), round-trips, and constants decode to themselves', () => {
    const data = Float32Array.from([0, 5, 2, 1, 5, 4, 1, 5, 3]); // dim 3, middle column constant
    const n = Normalizer.fit(data, 3);
    const x = n.normalize(Float32Array.from(data));
    expect(Math.min(...x)).toBeCloseTo(-1, 6);
    expect(Math.max(...x)).toBeCloseTo(1, 6);
    expect([x[1], x[4], x[7]]).toEqual([0, 0, 0]);
    const back = n.unnormalize([0.3, 0.9, -0.2]);
    const again = n.normalize(Float32Array.from(back));
    expect(again[0]).toBeCloseTo(0.3, 6);
    expect(back[1]).toBe(5);
    const m = Normalizer.fit(data, 3, 0.1);
    const y = m.normalize(Float32Array.from(data));
    expect(Math.max(...y)).toBeLessThan(0.9);
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    expect(new Normalizer(json).unnormalize([0.5])).toEqual(m.unnormalize([0.5]));
  });
});

describe('action chunk codec', () => {
  // Two episodes (3 and 2 frames); frame f's commands: left at x = f, right at x = −f, gripper f / 10.
  const ends = [3, 5];
  const tcp = new Float32Array(5 * 14);
  const grip = new Float32Array(5 * 2);
  const rng = new Rng(8);
  const quats: Quat[] = [];
  for (let f = 0; f < 5; f++) {
    const q = quatNormalize([rng.normal(), rng.normal(), rng.normal(), rng.normal()] as Quat);
    quats.push(q);
    tcp.set([f, 0.1, 0.2, ...q], f * 14);
    tcp.set([-f, -0.1, 0.2, ...q], f * 14 + 7);
    grip.set([f / 10, 1 - f / 10], f * 2);
  }

  it("each frame's row is its next steps, padded with its own episode's last frame", () => {
    const H = 3;
    const rows = chunkTargets(tcp, grip, ends, H);
    expect(rows.length).toBe(5 * chunkDim(H));
    const frameAt = (f: number, k: number) => decodeChunk(rows.subarray(f * chunkDim(H), (f + 1) * chunkDim(H)), H).left[k].pose.position[0];
    expect([0, 1, 2].map((k) => frameAt(0, k))).toEqual([0, 1, 2]);
    expect([0, 1, 2].map((k) => frameAt(1, k))).toEqual([1, 2, 2]); // not frame 3: that is the next episode
    expect([0, 1, 2].map((k) => frameAt(3, k))).toEqual([3, 4, 4]);
    expect([0, 1, 2].map((k) => frameAt(4, k))).toEqual([4, 4, 4]);
  });

  it('decodes poses, openings and rotations of both arms', () => {
    const H = 2;
    const rows = chunkTargets(tcp, grip, ends, H);
    const c = decodeChunk(rows.subarray(3 * chunkDim(H), 4 * chunkDim(H)), H);
    expect(c.right[1].pose.position).toEqual([-4, expect.closeTo(-0.1, 6), expect.closeTo(0.2, 6)]);
    expect(c.left[0].gripper).toBeCloseTo(0.3, 6);
    expect(c.right[0].gripper).toBeCloseTo(0.7, 6);
    expect(quatAngle(c.left[1].pose.quaternion, quats[4])).toBeLessThan(1e-4);
    const wild = new Float32Array(chunkDim(1)).fill(2);
    expect(decodeChunk(wild, 1).left[0].gripper).toBe(1);
  });
});
