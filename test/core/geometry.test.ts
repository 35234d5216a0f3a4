import { describe, expect, it } from 'vitest';
import {
  mat3ToQuat, quatAngle, quatConj, quatErrorWorld, quatFromAxisAngle, quatMul, quatRotate, quatSlerp, quatToMat3,
  poseCompose, poseInverse, transformPoint, type Quat, type Vec3,
} from '../../core/geometry.ts';
import { Rng } from '../../core/rng.ts';

const randQuat = (r: Rng): Quat => quatFromAxisAngle([r.normal(), r.normal(), r.normal()], r.uniform(-Math.PI, Math.PI));

describe('geometry', () => {
  it('rotates vectors like the rotation matrix does, and round-trips matrix ↔ quaternion', () => {
    const r = new Rng(1);
    for (let i = 0; i < 50; i++) {
      const q = randQuat(r);
      const v: Vec3 = [r.normal(), r.normal(), r.normal()];
      const m = quatToMat3(q);
      const mv = [m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2], m[6] * v[0] + m[7] * v[1] + m[8] * v[2]];
      const qv = quatRotate(q, v);
      for (let k = 0; k < 3; k++) expect(qv[k]).toBeCloseTo(mv[k], 12);
      expect(quatAngle(mat3ToQuat(m), q)).toBeLessThan(1e-7);
    }
  });

  it('a 90° turn about z sends x to y', () => {
    const v = quatRotate(quatFromAxisAngle([0, 0, 1], Math.PI / 2), [1, 0, 0]);
    expect(v[0]).toBeCloseTo(0, 12);
    expect(v[1]).toBeCloseTo(1, 12);
  });

  it('quatErrorWorld gives the rotation vector from a to b', () => {
    const r = new Rng(2);
    for (let i = 0; i < 20; i++) {
      const a = randQuat(r);
      const d = quatFromAxisAngle([r.normal(), r.normal(), r.normal()], r.uniform(0, 3));
      const b = quatMul(d, a);
      const e = quatErrorWorld(a, b);
      const back = quatMul(quatFromAxisAngle(e, Math.hypot(...e)), a);
      expect(quatAngle(back, b)).toBeLessThan(1e-7);
    }
  });

  it('slerp ends at its endpoints and halves the angle', () => {
    const a = quatFromAxisAngle([0, 1, 0], 0.2);
    const b = quatFromAxisAngle([0, 1, 0], 1.4);
    expect(quatAngle(quatSlerp(a, b, 0), a)).toBeLessThan(1e-7);
    expect(quatAngle(quatSlerp(a, b, 1), b)).toBeLessThan(1e-7);
    expect(quatAngle(quatSlerp(a, b, 0.5), quatFromAxisAngle([0, 1, 0], 0.8))).toBeLessThan(1e-7);
  });

  it('pose inverse undoes the pose', () => {
    const r = new Rng(3);
    const p = { position: [0.3, -0.2, 0.5] as Vec3, quaternion: randQuat(r) };
    const id = poseCompose(p, poseInverse(p));
    expect(Math.hypot(...id.position)).toBeLessThan(1e-12);
    expect(quatAngle(id.quaternion, [0, 0, 0, 1])).toBeLessThan(1e-7);
    const v: Vec3 = [1, 2, 3];
    const w = transformPoint(poseInverse(p), transformPoint(p, v));
    for (let k = 0; k < 3; k++) expect(w[k]).toBeCloseTo(v[k], 12);
    expect(quatAngle(quatConj(p.quaternion), poseInverse(p).quaternion)).toBeLessThan(1e-9);
  });
});

describe('Rng', () => {
  it('is reproducible per seed and differs across seeds', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const xa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xa);
  });
  it('normal() has mean 0 and std 1', () => {
    const r = new Rng(7);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });
});
