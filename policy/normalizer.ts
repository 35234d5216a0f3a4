/**
 * Per-dimension affine normalization to [−1, 1] from the training data's limits (Diffusion
 * Policy's 'limits' mode). A dimension that never varies maps to 0 and decodes to its constant.
 * Saved with the policy, so a policy carries the statistics it was trained with.
 */
import { z } from 'zod';

export const NormalizerSchema = z.strictObject({
  scale: z.array(z.number()),
  offset: z.array(z.number()),
});
export type NormalizerParams = z.infer<typeof NormalizerSchema>;

export class Normalizer {
  readonly scale: Float64Array;
  readonly offset: Float64Array;

  constructor(p: NormalizerParams) {
    this.scale = Float64Array.from(p.scale);
    this.offset = Float64Array.from(p.offset);
  }

  get dim(): number {
    return this.scale.length;
  }

  /** Limits of rows of width `dim`; `margin` widens each range by that fraction on both sides. */
  static fit(data: ArrayLike<number>, dim: number, margin = 0): Normalizer {
    const lo = new Float64Array(dim).fill(Infinity);
    const hi = new Float64Array(dim).fill(-Infinity);
    for (let i = 0; i < data.length; i++) {
      const j = i % dim;
      const v = data[i];
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
    const scale: number[] = [];
    const offset: number[] = [];
    for (let j = 0; j < dim; j++) {
      const range = hi[j] - lo[j];
      if (!(range > 1e-6)) {
        // scale 0 marks a constant: offset holds the value itself.
        scale.push(0);
        offset.push(Number.isFinite(lo[j]) ? (lo[j] + hi[j]) / 2 : 0);
      } else {
        const pad = range * margin;
        const s = 2 / (range + 2 * pad);
        scale.push(s);
        offset.push(-1 - s * (lo[j] - pad));
      }
    }
    return new Normalizer({ scale, offset });
  }

  toJSON(): NormalizerParams {
    return { scale: Array.from(this.scale), offset: Array.from(this.offset) };
  }

  /** In place over rows of width dim. */
  normalize(x: Float32Array): Float32Array {
    const d = this.dim;
    for (let i = 0; i < x.length; i++) {
      const s = this.scale[i % d];
      x[i] = s === 0 ? 0 : x[i] * s + this.offset[i % d];
    }
    return x;
  }

  unnormalize(x: ArrayLike<number>): Float64Array {
    const d = this.dim;
    return Float64Array.from(x, (v, i) => {
      const s = this.scale[i % d];
      return s === 0 ? this.offset[i % d] : (v - this.offset[i % d]) / s;
    });
  }
}
