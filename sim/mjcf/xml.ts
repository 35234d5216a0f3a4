/** Tiny helpers for writing MJCF by code: numbers with fixed precision, attributes, escaping. */
import type { Quat, Vec3 } from '../../core/geometry.ts';
import { quatToWxyz } from '../../core/geometry.ts';

const fmt = (x: number): string => {
  if (!Number.isFinite(x)) throw new Error(`MJCF: non-finite number ${x}`);
  const s = x.toFixed(6).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
};

export const nums = (xs: readonly number[]): string => xs.map(fmt).join(' ');
export const vec = (v: Vec3): string => nums(v);
/** MJCF wants [w, x, y, z]; yoto's quaternions are [x, y, z, w]. */
export const quat = (q: Quat): string => nums(quatToWxyz(q));

export function attrs(a: Record<string, string | number | readonly number[] | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      const s = typeof v === 'number' ? fmt(v) : Array.isArray(v) ? nums(v) : String(v);
      if (/[<>"&]/.test(s)) throw new Error(`MJCF: attribute ${k} has characters that need escaping: ${s}`);
      return `${k}="${s}"`;
    })
    .join(' ');
}

/** A valid MJCF name: letters, digits, '_', '-', '.'; generated models never need more. */
export function checkName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(name)) throw new Error(`MJCF: invalid name "${name}"`);
  return name;
}
