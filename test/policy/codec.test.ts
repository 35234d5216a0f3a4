/** Program ↔ action vector, 6-D rotations and normalization round-trip. */
import { describe, expect, it } from 'vitest';
import { quatAngle, quatNormalize, type Quat } from '../../core/geometry.ts';
import { Rng } from '../../core/rng.ts';
import { getScriptedProgram } from './scripted.ts';
import { actionDim, decodeProgram, encodeProgram, Normalizer, quatToRot6d, rot6dToQuat } from '../../policy/index.ts';

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
