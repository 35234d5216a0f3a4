/**
 * Fast matrix products on the wasm backend. Its BatchMatMul reaches XNNPACK (~17 GFLOP/s here)
 * only for a single 2-D product without transpose flags; anything else runs a naive loop
 * (~0.5-1 GFLOP/s), and every backward pass asks for transposed products. These kernels turn
 * each product into plain 2-D ones: transposes become explicit Transpose kernels (on whichever
 * operand is cheapest, using C = (op(B)^T op(A)^T)^T when that moves less data), and a batch
 * that shares one operand is folded into a single taller product.
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { type BackendWasm, call, free, reshape, size, transpose } from './ops.ts';

/** Below this many multiply-adds per batch item, a per-item loop costs more than the naive kernel. */
const LOOP_MIN_MACS = 32 * 32 * 32;

export interface MatMulKernels {
  batchMatMul: KernelConfig;
  fusedMatMul: KernelConfig;
}

/** Builds the replacements around the original kernels, which stay the fast 2-D path. */
export function matMulKernels(original: { batchMatMul: KernelConfig; fusedMatMul: KernelConfig }): MatMulKernels {
  const origBmm = original.batchMatMul.kernelFunc;
  const origFused = original.fusedMatMul.kernelFunc;

  /** a [M,K] · b [K,N] through XNNPACK. */
  const plain = (backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo =>
    origBmm({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;

  /** op(a)·op(b) for 2-D a, b, choosing which operands to transpose. */
  const product2d = (backend: BackendWasm, a: TensorInfo, b: TensorInfo, ta: boolean, tb: boolean): TensorInfo => {
    if (!ta && !tb) return plain(backend, a, b);
    const m = ta ? a.shape[1] : a.shape[0];
    const n = tb ? b.shape[0] : b.shape[1];
    const direct = (ta ? size(a.shape) : 0) + (tb ? size(b.shape) : 0);
    const flipped = (ta ? 0 : size(a.shape)) + (tb ? 0 : size(b.shape)) + m * n;
    if (direct <= flipped) {
      const a2 = ta ? transpose(backend, a, [1, 0]) : a;
      const b2 = tb ? transpose(backend, b, [1, 0]) : b;
      const c = plain(backend, a2, b2);
      if (ta) free(backend, a2);
      if (tb) free(backend, b2);
      return c;
    }
    // C = (op(B)^T · op(A)^T)^T: op(B)^T is B itself when tb, op(A)^T is A itself when ta.
    const bt = tb ? b : transpose(backend, b, [1, 0]);
    const at = ta ? a : transpose(backend, a, [1, 0]);
    const ct = plain(backend, bt, at);
    if (!tb) free(backend, bt);
    if (!ta) free(backend, at);
    const c = transpose(backend, ct, [1, 0]);
    free(backend, ct);
    return c;
  };

  const batchMatMul: KernelFunc = ({ inputs, backend: kb, attrs }) => {
    const backend = kb as BackendWasm;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA: ta, transposeB: tb } = attrs as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return origBmm({ inputs, backend, attrs });
    const ra = a.shape.length;
    const rb = b.shape.length;
    const [ka, m] = ta ? [a.shape[ra - 2], a.shape[ra - 1]] : [a.shape[ra - 1], a.shape[ra - 2]];
    const [kbb, n] = tb ? [b.shape[rb - 1], b.shape[rb - 2]] : [b.shape[rb - 2], b.shape[rb - 1]];
    if (ka !== kbb) {
      throw new Error(`Error in matMul: inner shapes (${ka}) and (${kbb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${ta} and transposeB=${tb} must match.`);
    }
    const k = ka;
    const batchA = size(a.shape.slice(0, -2));
    const batchB = size(b.shape.slice(0, -2));
    const outShape = [...backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
    if (size(outShape) === 0 || k === 0) return origBmm({ inputs, backend, attrs });

    let c: TensorInfo;
    if (batchB === 1) {
      // Every item shares b: stack the items of a into one tall [batch·M, K] product.
      const a3 = reshape(backend, a, ta ? [batchA, k, m] : [batchA, m, k]);
      const a3n = ta ? transpose(backend, a3, [0, 2, 1]) : a3;
      if (ta) free(backend, a3);
      const a2 = reshape(backend, a3n, [batchA * m, k]);
      free(backend, a3n);
      const b2 = reshape(backend, b, tb ? [n, k] : [k, n]);
      c = product2d(backend, a2, b2, false, tb);
      free(backend, a2, b2);
    } else if (batchA === 1) {
      // Every item shares a: C_i^T = op(B_i)^T · op(A)^T, stacked into one [batch·N, K] product.
      const b3 = reshape(backend, b, tb ? [batchB, n, k] : [batchB, k, n]);
      const b3t = tb ? b3 : transpose(backend, b3, [0, 2, 1]); // [batch, N, K]
      if (!tb) free(backend, b3);
      const b2 = reshape(backend, b3t, [batchB * n, k]);
      free(backend, b3t);
      const a2 = reshape(backend, a, ta ? [k, m] : [m, k]);
      const ct2 = product2d(backend, b2, a2, false, !ta); // [batch·N, M]
      free(backend, a2, b2);
      const ct3 = reshape(backend, ct2, [batchB, n, m]);
      free(backend, ct2);
      c = transpose(backend, ct3, [0, 2, 1]);
      free(backend, ct3);
    } else if (batchA === batchB && m * n * k >= LOOP_MIN_MACS) {
      c = loopBatches(backend, a, b, batchA, m, n, k, ta, tb, product2d);
    } else if (batchA !== batchB) {
      // Both operands broadcast (e.g. [2,1,·,·] with [1,3,·,·]): the stock kernel sizes its
      // output by the larger batch only, so tile both to the full batch shape first.
      const batchShape = outShape.slice(0, -2);
      const at = tileTo(backend, a, batchShape);
      const bt = tileTo(backend, b, batchShape);
      const out = batchMatMul({ inputs: { a: at, b: bt }, backend, attrs }) as TensorInfo;
      free(backend, at, bt);
      return out;
    } else {
      return origBmm({ inputs, backend, attrs });
    }
    const out = reshape(backend, c, outShape);
    free(backend, c);
    return out;
  };

  // _FusedMatMul (tf.layers Dense forward) gets 3-D operands; only its flags are made explicit.
  const fusedMatMul: KernelFunc = ({ inputs, backend: kb, attrs }) => {
    const backend = kb as BackendWasm;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA: ta, transposeB: tb } = attrs as { transposeA: boolean; transposeB: boolean };
    if ((!ta && !tb) || a.dtype !== 'float32' || a.shape.length !== 3 || b.shape.length !== 3) {
      return origFused({ inputs, backend, attrs });
    }
    const a2 = ta ? transpose(backend, a, [0, 2, 1]) : a;
    const b2 = tb ? transpose(backend, b, [0, 2, 1]) : b;
    const out = origFused({ inputs: { ...inputs, a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    if (ta) free(backend, a2);
    if (tb) free(backend, b2);
    return out;
  };

  return {
    batchMatMul: { ...original.batchMatMul, kernelFunc: batchMatMul },
    fusedMatMul: { ...original.fusedMatMul, kernelFunc: fusedMatMul },
  };
}

/** x with its batch dimensions broadcast (tiled) to `batchShape`. */
function tileTo(backend: BackendWasm, x: TensorInfo, batchShape: number[]): TensorInfo {
  const batch = x.shape.slice(0, -2);
  const padded = [...new Array<number>(batchShape.length - batch.length).fill(1), ...batch];
  const x4 = reshape(backend, x, [...padded, ...x.shape.slice(-2)]);
  const reps = [...batchShape.map((s, i) => s / padded[i]), 1, 1];
  const out = call(backend, 'Tile', { x: x4 }, { reps });
  free(backend, x4);
  return out;
}

/** Independent items: slice each, multiply on the fast path, stack. */
function loopBatches(
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  batch: number,
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
  product2d: (backend: BackendWasm, a: TensorInfo, b: TensorInfo, ta: boolean, tb: boolean) => TensorInfo,
): TensorInfo {
  const aShape = ta ? [k, m] : [m, k];
  const bShape = tb ? [n, k] : [k, n];
  const a3 = reshape(backend, a, [batch, ...aShape]);
  const b3 = reshape(backend, b, [batch, ...bShape]);
  const parts: TensorInfo[] = [];
  for (let i = 0; i < batch; i++) {
    const ai = sliceItem(backend, a3, i, aShape);
    const bi = sliceItem(backend, b3, i, bShape);
    const ci = product2d(backend, ai, bi, ta, tb);
    free(backend, ai, bi);
    parts.push(reshape(backend, ci, [1, m, n]));
    free(backend, ci);
  }
  free(backend, a3, b3);
  const out = callConcat(backend, parts);
  free(backend, ...parts);
  return out;
}

function sliceItem(backend: BackendWasm, x3: TensorInfo, i: number, shape: number[]): TensorInfo {
  const s = callSlice(backend, x3, [i, 0, 0], [1, shape[0], shape[1]]);
  const r = reshape(backend, s, shape);
  free(backend, s);
  return r;
}

function callSlice(backend: BackendWasm, x: TensorInfo, begin: number[], sz: number[]): TensorInfo {
  return call(backend, 'Slice', { x }, { begin, size: sz });
}

function callConcat(backend: BackendWasm, parts: TensorInfo[]): TensorInfo {
  // Concat takes its inputs as an array; the engine passes them the same way.
  return call(backend, 'Concat', parts as unknown as Record<string, TensorInfo>, { axis: 0 });
}
