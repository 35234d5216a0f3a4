import { describe, expect, it } from 'vitest';
import type { Mat3, Vec3 } from '../../core/geometry.ts';
import { addTrack, emptyAnatomy } from '../../bench/error-anatomy.ts';

// A camera looking along world −x (optical axis = third column of worldFromCamera).
const R: Mat3 = [0, 0, -1, -1, 0, 0, 0, 1, 0];

describe('error anatomy (extract bench)', () => {
  it('splits an error into depth and across, slow and fast', () => {
    // A steady 10 mm error in depth, plus ±3 mm alternating across: slow 10, fast 3.
    const errors: Vec3[] = Array.from({ length: 40 }, (_, i) => [-0.01, 0, i % 2 ? 0.003 : -0.003]);
    const a = emptyAnatomy();
    addTrack(a, errors, R);
    const mid = (xs: number[]) => xs[20];
    expect(mid(a.depth)).toBeCloseTo(0.01, 6);
    expect(mid(a.across)).toBeCloseTo(0.003, 6);
    expect(mid(a.slow)).toBeCloseTo(0.01, 3);
    expect(mid(a.fast)).toBeCloseTo(0.003, 3);
    expect(a.total).toHaveLength(40);
  });

  it('skips frames without an estimate', () => {
    const a = emptyAnatomy();
    addTrack(a, [null, [0.001, 0, 0], null], R);
    expect(a.total).toEqual([0.001]);
    expect(a.fast[0]).toBe(0);
  });
});
