/**
 * Per-group sums over parameter slices, computed on the CPU from weight values: ‖x_g‖², and
 * ⟨x_g, d_g⟩, ‖d_g‖² against an update direction. HESSO's saliency and the zero-group test
 * are built from these; they run once per pruning period, so plain loops are fine.
 */
import type { ParamSlice } from './dependency-graph.ts';

/** Σ a·b over the slice `index` along `axis` of a row-major tensor of `shape`, for every index. */
export function axisDot(a: ArrayLike<number>, b: ArrayLike<number>, shape: readonly number[], axis: number): Float64Array {
  const n = shape[axis];
  let inner = 1;
  for (let k = axis + 1; k < shape.length; k++) inner *= shape[k];
  const out = new Float64Array(n);
  const total = a.length;
  for (let i = 0; i < total; i++) {
    const idx = Math.floor(i / inner) % n;
    out[idx] += a[i] * b[i];
  }
  return out;
}

/** Weight values by layer name and weight index. */
export type WeightValues = (layer: string, weight: number) => { values: ArrayLike<number>; shape: readonly number[] } | undefined;

/** Σ over each group's slices of a·b (a, b looked up per weight), one number per group. */
export function groupDots(groups: readonly (readonly ParamSlice[])[], a: WeightValues, b: WeightValues): Float64Array {
  const cache = new Map<string, Float64Array>();
  const out = new Float64Array(groups.length);
  groups.forEach((slices, g) => {
    for (const s of slices) {
      const key = `${s.layer}|${s.weight}|${s.axis}`;
      let v = cache.get(key);
      if (!v) {
        const x = a(s.layer, s.weight);
        const y = b(s.layer, s.weight);
        if (!x || !y) continue;
        v = axisDot(x.values, y.values, x.shape, s.axis);
        cache.set(key, v);
      }
      out[g] += v[s.index];
    }
  });
  return out;
}

/** Number of scalars each group's slices cover. */
export function groupSizes(groups: readonly (readonly ParamSlice[])[], shapeOf: (layer: string, weight: number) => readonly number[] | undefined): Float64Array {
  return Float64Array.from(groups, (slices) =>
    slices.reduce((n, s) => {
      const shape = shapeOf(s.layer, s.weight);
      return shape ? n + shape.reduce((a, d) => a * d, 1) / shape[s.axis] : n;
    }, 0),
  );
}
