/**
 * Tile for wasm. The backend's kernel computes an index per element (~7 M elements/s here) and
 * tf.layers.layerNormalization tiles its mean, variance, gamma and beta to the full
 * [batch, time, channels] shape in every call; this one copies whole contiguous blocks,
 * axis by axis from the innermost.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from './ops.ts';

type Numeric = Float32Array | Int32Array | Uint8Array;

export function tileValues(values: Numeric, shape: readonly number[], reps: readonly number[]): Numeric {
  let cur = values;
  const curShape = [...shape];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const r = reps[axis];
    if (r === 1) continue;
    let outer = 1;
    for (let i = 0; i < axis; i++) outer *= curShape[i];
    let inner = 1;
    for (let i = axis; i < curShape.length; i++) inner *= curShape[i];
    const next = new (cur.constructor as new (n: number) => Numeric)(outer * inner * r);
    for (let o = 0; o < outer; o++) {
      const base = o * inner * r;
      if (inner === 1) {
        next.fill(cur[o], base, base + r);
        continue;
      }
      const block = cur.subarray(o * inner, (o + 1) * inner);
      for (let k = 0; k < r; k++) next.set(block, base + k * inner);
    }
    curShape[axis] *= r;
    cur = next;
  }
  return cur;
}

export function tileConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: TensorInfo };
    const { reps } = args.attrs as unknown as { reps: number[] };
    if (x.dtype === 'string' || x.dtype === 'complex64') return original.kernelFunc(args);
    const values = tileValues(backend.readSync(x.dataId) as Numeric, x.shape, reps);
    return backend.makeOutput(
      x.shape.map((s, i) => s * reps[i]),
      x.dtype,
      undefined,
      values,
    );
  };
  return { ...original, kernelFunc };
}
