/**
 * What the policy sees: the depth camera's point cloud (a subset of `points` of its points) and
 * the arms' state as one proprio vector — per arm (left, right): TCP position (3), TCP
 * orientation as 6-D rotation (6), gripper opening (1), index of the keypose it is on (1); then
 * the 12 joint angles. The same function serves the dataset's frames and the live simulator.
 */
import { ARMS } from '../core/program.ts';
import type { Quat } from '../core/geometry.ts';
import type { Rng } from '../core/rng.ts';
import { quatToRot6d } from './rotation6d.ts';

export const PROPRIO_DIM = 2 * (3 + 6 + 1 + 1) + 12;

export interface ArmState {
  position: readonly number[];
  quaternion: Quat;
  gripper: number;
  keypose: number;
  joints: readonly number[];
}

/** Writes one proprio row at `offset`. */
export function proprioRow(arms: Record<'left' | 'right', ArmState>, out: Float32Array, offset = 0): void {
  let o = offset;
  for (const a of ARMS) {
    const s = arms[a];
    for (let i = 0; i < 3; i++) out[o++] = s.position[i];
    for (const v of quatToRot6d(s.quaternion)) out[o++] = v;
    out[o++] = s.gripper;
    out[o++] = s.keypose;
  }
  for (const a of ARMS) for (let i = 0; i < 6; i++) out[o++] = arms[a].joints[i];
}

/**
 * `n` of the cloud's `total` points into out (n × 3 at `offset`): a random subset without
 * repetition when `rng` is given (training augmentation), else evenly strided (inference).
 */
export function selectPoints(cloud: ArrayLike<number>, cloudOffset: number, total: number, n: number, out: Float32Array, offset: number, rng?: Rng, scratch?: Int32Array): void {
  if (rng) {
    const idx = scratch && scratch.length >= total ? scratch : new Int32Array(total);
    for (let i = 0; i < total; i++) idx[i] = i;
    for (let i = 0; i < n; i++) {
      const j = i + rng.int(total - i);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      const s = cloudOffset + 3 * idx[i];
      out[offset + 3 * i] = cloud[s];
      out[offset + 3 * i + 1] = cloud[s + 1];
      out[offset + 3 * i + 2] = cloud[s + 2];
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const s = cloudOffset + 3 * Math.floor((i * total) / n);
    out[offset + 3 * i] = cloud[s];
    out[offset + 3 * i + 1] = cloud[s + 1];
    out[offset + 3 * i + 2] = cloud[s + 2];
  }
}
