/**
 * Reductions (Sum, Min, Mean, Prod) over outer axes on wasm. The backend's kernels reduce
 * innermost axes only and move the others there with their own per-element Transpose, which
 * dominates: a bias gradient (Sum over the 16384 rows of a [16384, 256] gradient) took ~120 ms
 * where reducing the inner axis of the transposed matrix takes ~5 ms. These transpose with
 * wasm-transpose.ts first, then let the original kernel reduce the innermost axes.
 */
import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { type BackendWasm, free, reshape } from './ops.ts';
import { fastTranspose } from './transpose.ts';

/**
 * Kernels whose attrs are { axis, keepDims } and which the wasm backend implements that way. Not
 * Max: its axes are `reductionIndices`, and the backend's own Max over an outer axis measured
 * faster than transposing first (8 vs 17 ms for [64, 128, 256] over axis 1).
 */
export const REDUCTIONS = ['Sum', 'Min', 'Mean', 'Prod'] as const;

export function innerReductionConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = util.parseAxisParam(axis, x.shape);
    const perm = backend_util.getAxesPermutation(axes, x.shape.length);
    if (perm === null) return original.kernelFunc(args);
    const t = fastTranspose(backend, x, perm);
    if (t === null) return original.kernelFunc(args);
    const inner = backend_util.getInnerMostAxes(axes.length, x.shape.length);
    const r = original.kernelFunc({ ...args, inputs: { x: t }, attrs: { ...args.attrs, axis: inner, keepDims: false } }) as TensorInfo;
    free(backend, t);
    if (!keepDims) return r;
    // The kept axes are in their original order, so putting back size-1 axes is a reshape.
    const out = reshape(backend, r, backend_util.expandShapeToKeepDim(r.shape, axes));
    free(backend, r);
    return out;
  };
  return { ...original, kernelFunc };
}
