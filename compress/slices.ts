/**
 * Parameter slices by weight: which indices along which axes of each weight a set of groups
 * covers, and the two things done with them — scale them in place (zeroing, HESSO's
 * projection) or cut them out (subnet construction).
 */
import { tf } from '../tf/index.ts';
import type { ParamSlice, Zig } from './dependency-graph.ts';

/** layer name → weight index → axis → indices. */
export type SliceIndex = Map<string, Map<number, Map<number, Set<number>>>>;

export function indexSlices(slices: Iterable<ParamSlice>): SliceIndex {
  const out: SliceIndex = new Map();
  for (const s of slices) {
    let byWeight = out.get(s.layer);
    if (!byWeight) out.set(s.layer, (byWeight = new Map()));
    let byAxis = byWeight.get(s.weight);
    if (!byAxis) byWeight.set(s.weight, (byAxis = new Map()));
    let set = byAxis.get(s.axis);
    if (!set) byAxis.set(s.axis, (set = new Set()));
    set.add(s.index);
  }
  return out;
}

/** Slices of the given groups: what they own, and (for removal) what consumes them. */
export function groupSlices(zigs: readonly Zig[], withConsumed: boolean): SliceIndex {
  return indexSlices(zigs.flatMap((z) => (withConsumed ? [...z.owned, ...z.consumed] : z.owned)));
}

/**
 * A weight times per-index factors along some axes (factors multiply where axes cross).
 * `factors` maps axis → (index → factor); indices not listed keep factor 1.
 */
export function scaleAlongAxes(t: tf.Tensor, factors: Map<number, Map<number, number>>): tf.Tensor {
  if (factors.size === 0) return tf.clone(t);
  return tf.tidy(() => {
    let out = t;
    for (const [axis, byIndex] of factors) {
      const v = new Float32Array(t.shape[axis]).fill(1);
      for (const [i, f] of byIndex) v[i] *= f;
      const shape = t.shape.map((d, k) => (k === axis ? d : 1));
      out = tf.mul(out, tf.tensor(v, shape));
    }
    return out;
  });
}

/** The weight without the given indices along each axis. */
export function cutAlongAxes(t: tf.Tensor, removed: Map<number, Set<number>>): tf.Tensor {
  if (removed.size === 0) return tf.clone(t);
  return tf.tidy(() => {
    let out = t;
    for (const [axis, set] of removed) {
      const keep: number[] = [];
      for (let i = 0; i < t.shape[axis]; i++) if (!set.has(i)) keep.push(i);
      out = tf.gather(out, tf.tensor1d(keep, 'int32'), axis);
    }
    // A fresh tensor from the values: on the wasm backend a gather result used as a Dense bias
    // makes _FusedMatMul fail ("only supports rank-1 bias but got rank 4", tfjs 4.22).
    return tf.tensor(out.dataSync(), out.shape, out.dtype);
  });
}

/** Shape of a weight once the given indices are cut. */
export function cutShape(shape: readonly number[], removed: Map<number, Set<number>> | undefined): number[] {
  return shape.map((d, axis) => d - (removed?.get(axis)?.size ?? 0));
}

/** Sets the owned trainable slices of these groups to exactly zero, in place. */
export function zeroSlicesInPlace(model: tf.LayersModel, index: SliceIndex): void {
  for (const [layerName, byWeight] of index) {
    const layer = model.getLayer(layerName);
    for (const [w, byAxis] of byWeight) {
      const lv = layer.weights[w];
      if (!lv.trainable) continue;
      const factors = new Map<number, Map<number, number>>();
      for (const [axis, set] of byAxis) factors.set(axis, new Map([...set].map((i) => [i, 0])));
      const next = scaleAlongAxes(lv.read(), factors);
      lv.write(next);
      next.dispose();
    }
  }
}
