/**
 * The gradient of BatchMatMul with broadcast batch dimensions. tfjs-core's returns the
 * gradient at the broadcast shape (e.g. [batch, K, N] for a shared [K, N] operand), which the
 * engine rejects ("gradient of input 'b' has shape ..."), so x·W with x [B, T, K] and W [K, N]
 * could not train. Same products as tfjs-core, then summed over the broadcast dimensions.
 * When b is a plain matrix shared by every batch item (a Dense layer on [B, T, K] input), its
 * gradient is one tall 2-D product over the flattened batch instead of B products and a sum.
 */
import { backend_util, matMul, registerGradient, reshape, sum, type GradConfig, type Tensor } from '@tensorflow/tfjs-core';

export const batchMatMulGradConfig: GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const d = dy as Tensor;
    const { transposeA: ta, transposeB: tb } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const da = () =>
      !ta && !tb ? matMul(d, b, false, true)
      : !ta && tb ? matMul(d, b, false, false)
      : ta && !tb ? matMul(b, d, false, true)
      : matMul(b, d, true, true);
    const db = () =>
      b.rank === 2 && a.rank > 2 && !ta ? sharedOperandGrad(a, d, tb)
      : !ta && !tb ? matMul(a, d, true, false)
      : !ta && tb ? matMul(d, a, true, false)
      : ta && !tb ? matMul(a, d, false, false)
      : matMul(d, a, true, true);
    return { a: () => reduceTo(da(), a.shape), b: () => reduceTo(db(), b.shape) };
  },
};

/** d(loss)/d(b) for a [..., M, K] · op(b) with 2-D b: aᵀ·dy over all rows at once. */
function sharedOperandGrad(a: Tensor, dy: Tensor, tb: boolean): Tensor {
  const k = a.shape[a.rank - 1];
  const n = dy.shape[dy.rank - 1];
  const a2 = reshape(a, [-1, k]);
  const d2 = reshape(dy, [-1, n]);
  return tb ? matMul(d2, a2, true, false) : matMul(a2, d2, true, false);
}

/** Sums g over the batch dimensions that `shape` broadcast, then gives it `shape`. */
export function reduceTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((s, i) => s === shape[i])) return g;
  const gBatch = g.shape.slice(0, -2);
  const batch = shape.slice(0, -2);
  const padded = [...new Array<number>(Math.max(0, gBatch.length - batch.length)).fill(1), ...batch];
  const axes = backend_util.getReductionAxes(padded, gBatch);
  return reshape(axes.length > 0 ? sum(g, axes) : g, shape as number[]);
}

let registered = false;
export function registerMatMulGrad(): void {
  if (registered) return;
  registered = true;
  registerGradient(batchMatMulGradConfig);
}
