import { Rng } from '../core/rng.ts';

/**
 * Down-sampling of point clouds stored flat (x0, y0, z0, x1, ...). Every function returns indices
 * into the input rather than new points, so the caller can carry per-point data (geom ids, pixels)
 * along, and every returned point is a real measured point (no centroids floating off surfaces).
 */

/**
 * Farthest-point sampling: start at a seeded random point, then repeatedly take the point farthest
 * from everything taken so far. Returns min(n, count) distinct indices in the order taken.
 * O(n · count) time, O(count) memory.
 */
export function farthestPointSample(points: ArrayLike<number>, count: number, n: number, rng: Rng): Int32Array {
  const k = Math.min(n, count);
  const out = new Int32Array(k);
  if (k === 0) return out;
  const minD2 = new Float64Array(count).fill(Infinity);
  let cur = rng.int(count);
  for (let s = 0; s < k; s++) {
    out[s] = cur;
    minD2[cur] = -1; // taken: never chosen again
    const cx = points[3 * cur];
    const cy = points[3 * cur + 1];
    const cz = points[3 * cur + 2];
    let best = -1;
    let bestD2 = -1;
    for (let i = 0; i < count; i++) {
      let m = minD2[i];
      if (m < 0) continue;
      const dx = points[3 * i] - cx;
      const dy = points[3 * i + 1] - cy;
      const dz = points[3 * i + 2] - cz;
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 < m) minD2[i] = m = d2;
      if (m > bestD2) {
        bestD2 = m;
        best = i;
      }
    }
    if (best < 0) return out.subarray(0, s + 1);
    cur = best;
  }
  return out;
}

/**
 * Voxel-grid sampling: one point per occupied cubic voxel of side `voxelSize` — the point nearest
 * the voxel's centre. Indices come in order of first occupancy, so the result is deterministic.
 */
export function voxelGridSample(points: ArrayLike<number>, count: number, voxelSize: number): Int32Array {
  if (!(voxelSize > 0)) throw new Error(`voxelGridSample: voxel size must be positive, got ${voxelSize}`);
  if (count === 0) return new Int32Array(0);
  let lo0 = Infinity, lo1 = Infinity, lo2 = Infinity;
  for (let i = 0; i < count; i++) {
    lo0 = Math.min(lo0, points[3 * i]);
    lo1 = Math.min(lo1, points[3 * i + 1]);
    lo2 = Math.min(lo2, points[3 * i + 2]);
  }
  const best = new Map<number, { index: number; d2: number }>();
  const order: number[] = [];
  const dim = 2 ** 17; // voxels per axis before keys could collide (ample for metre-scale scenes)
  for (let i = 0; i < count; i++) {
    const fx = (points[3 * i] - lo0) / voxelSize;
    const fy = (points[3 * i + 1] - lo1) / voxelSize;
    const fz = (points[3 * i + 2] - lo2) / voxelSize;
    const ix = Math.floor(fx);
    const iy = Math.floor(fy);
    const iz = Math.floor(fz);
    const key = (iz * dim + iy) * dim + ix;
    const d2 = (fx - ix - 0.5) ** 2 + (fy - iy - 0.5) ** 2 + (fz - iz - 0.5) ** 2;
    const cur = best.get(key);
    if (!cur) {
      best.set(key, { index: i, d2 });
      order.push(key);
    } else if (d2 < cur.d2) {
      cur.index = i;
      cur.d2 = d2;
    }
  }
  return Int32Array.from(order, (key) => best.get(key)!.index);
}

/** A seeded uniform subset of `n` of the given indices (all of them when n ≥ length), order kept. */
export function randomSubset(indices: Int32Array, n: number, rng: Rng): Int32Array {
  if (n >= indices.length) return indices.slice();
  const pool = indices.slice();
  // Partial Fisher-Yates: the first n slots end up a uniform random n-subset.
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(pool.length - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.subarray(0, n).sort();
}

/** Exactly `n` indices: repeats the given ones cyclically when there are fewer (none → empty). */
export function padIndices(indices: Int32Array, n: number): Int32Array {
  if (indices.length === 0 || indices.length === n) return indices;
  if (indices.length > n) return indices.subarray(0, n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = indices[i % indices.length];
  return out;
}
