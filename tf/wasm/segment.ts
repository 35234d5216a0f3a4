/**
 * UnsortedSegmentSum for wasm (missing there; it is the gradient of gather, so of every
 * Embedding layer). The cpu backend's version builds one mask per segment, O(segments × data):
 * ~12 s per step for a 1000-row embedding at batch 64. One pass here: out[id[i]] += x[i].
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from './ops.ts';
import { viaCpu } from './fallback.ts';

export function unsortedSegmentSumConfig(): KernelConfig {
  const name = 'UnsortedSegmentSum';
  const fallback = viaCpu(name);
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = args.attrs as { numSegments: number };
    const rows = segmentIds.shape.reduce((s, d) => s * d, 1);
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || segmentIds.dtype !== 'int32' || rows === 0) return fallback(args);
    const inner = x.shape.reduce((s, d) => s * d, 1) / rows;
    if (!Number.isInteger(inner)) return fallback(args);
    const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
    const out = backend.makeOutput(outShape, x.dtype);
    const o = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
    const xv = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
    const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
    o.fill(0);
    for (let i = 0; i < rows; i++) {
      const s = ids[i];
      if (s < 0 || s >= numSegments) continue; // as TensorFlow: out-of-range ids are dropped
      const src = i * inner;
      const dst = s * inner;
      for (let j = 0; j < inner; j++) o[dst + j] += xv[src + j];
    }
    return out;
  };
  return { kernelName: name, backendName: 'wasm', kernelFunc };
}
