/**
 * Transpose for wasm. The backend's kernel computes an index per element (~30 M elements/s
 * here): transposing one [16384, 256] activation costs ~130 ms, and every backward pass of a
 * Dense layer over many rows (the PointNet of policy/model.ts: batch × points rows) transposes
 * its input for the weight gradient. This one merges axes that stay adjacent, and when what is
 * left swaps the last two axes (of a batch of matrices) copies 32 × 32 tiles on the wasm heap;
 * anything else goes to the original kernel.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from './ops.ts';

const TILE = 32;

/**
 * `shape` and `perm` with runs of input axes that stay adjacent and in order under `perm`
 * merged into one axis, and axes of size 1 dropped: the same permutation of the same memory.
 */
export function simplifyPermutation(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((a) => shape[a] !== 1);
  // Runs in output order whose input axes are consecutive.
  const runs: number[][] = [];
  for (const a of kept) {
    const last = runs.at(-1);
    if (last && last[last.length - 1] === a - 1) last.push(a);
    else runs.push([a]);
  }
  const byInput = [...runs].sort((x, y) => x[0] - y[0]);
  const merged = byInput.map((r) => r.reduce((s, a) => s * shape[a], 1));
  return { shape: merged, perm: runs.map((r) => byInput.indexOf(r)) };
}

/** out[b][j][i] = x[b][i][j] for `batch` row-major [rows, cols] matrices. */
export function transposeMatrices<T extends Float32Array | Int32Array>(x: T, out: T, batch: number, rows: number, cols: number): void {
  const n = rows * cols;
  for (let b = 0; b < batch; b++) {
    const o = b * n;
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(rows, i0 + TILE);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(cols, j0 + TILE);
        for (let i = i0; i < i1; i++) {
          const src = o + i * cols;
          for (let j = j0; j < j1; j++) out[o + j * rows + i] = x[src + j];
        }
      }
    }
  }
}

/**
 * The fast path as a plain function: x transposed by `perm`, or null when the permutation is
 * not (after simplification) a batch of matrix transposes or the dtype is not 4-byte numeric.
 * The returned TensorInfo is owned by the caller.
 */
export function fastTranspose(backend: BackendWasm, x: TensorInfo, perm: readonly number[]): TensorInfo | null {
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return null;
  const outShape = perm.map((a) => x.shape[a]);
  const s = simplifyPermutation(x.shape, perm);
  let batch = 1;
  let rows: number;
  let cols: number;
  if (s.perm.length <= 1) {
    rows = 1;
    cols = s.shape[0] ?? 1;
  } else if (s.perm.length === 2 && s.perm[0] === 1) {
    [rows, cols] = s.shape;
  } else if (s.perm.length === 3 && s.perm[0] === 0 && s.perm[1] === 2 && s.perm[2] === 1) {
    [batch, rows, cols] = s.shape;
  } else {
    return null;
  }
  const out = backend.makeOutput(outShape, x.dtype);
  // Views last: allocating the output may grow the heap and detach older views.
  const src = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  if (rows === 1 || cols === 1) dst.set(src);
  else if (src instanceof Float32Array) transposeMatrices(src, dst as Float32Array, batch, rows, cols);
  else transposeMatrices(src, dst as Int32Array, batch, rows, cols);
  return out;
}

export function transposeConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { perm } = args.attrs as unknown as { perm: number[] };
    return fastTranspose(args.backend as BackendWasm, x, perm) ?? original.kernelFunc(args);
  };
  return { ...original, kernelFunc };
}
