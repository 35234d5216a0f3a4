/**
 * Calling wasm kernels from inside other wasm kernels, on TensorInfos: yoto's replacement
 * kernels are compositions of the backend's own fast kernels (Transpose, Reshape, Slice,
 * the plain 2-D XNNPACK matMul). Every TensorInfo these return is owned by the caller and
 * released with `free`.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { getKernel, util, type KernelFunc, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';

export type { BackendWasm };

/** The kernel registered for wasm under `name` right now (yoto's, once installed). */
export function wasmKernel(name: string): KernelFunc {
  const k = getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm kernel ${name} is not registered`);
  return k.kernelFunc;
}

export function call(backend: BackendWasm, name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
  const out = wasmKernel(name)({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`wasm kernel ${name} returned several outputs`);
  return out;
}

export function free(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

/** A new reference to the same data under another shape (no copy). */
export function reshape(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return call(backend, 'Reshape', { x }, { shape });
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return call(backend, 'Transpose', { x }, { perm });
}

/** A new reference to x itself, so every path returns something the caller frees. */
export function ref(backend: BackendWasm, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function size(shape: readonly number[]): number {
  return util.sizeFromShape(shape as number[]);
}

/** Float32 view of a tensor's wasm memory; stale once the heap grows, so take it last. */
export function f32(backend: BackendWasm, x: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(x) as Float32Array;
}
