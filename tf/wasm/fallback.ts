/**
 * Kernels the wasm backend lacks but the cpu backend has (DepthwiseConv2dNativeBackpropFilter
 * and -Input, UnsortedSegmentSum behind gather/embedding gradients, Einsum, the Ragged ops):
 * registered for wasm as "copy the inputs to the cpu backend, run its kernel, copy the
 * outputs back". The copies cost O(size) and the cpu kernels are plain JS loops, so this is
 * for correctness; kernels that matter for speed get a real wasm version instead.
 */
import { findBackend, getKernel, getKernelsForBackend, type KernelBackend, type KernelConfig, type KernelFunc, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from './ops.ts';

/** Kernels with no numeric meaning on wasm (complex, strings, canvas) stay missing. */
const NOT_DELEGATED = new Set(['Complex', 'ComplexAbs', 'Real', 'Imag', 'FFT', 'IFFT', 'Draw', 'StaticRegexReplace', 'FromPixels']);

/** cpu-delegating configs for every cpu kernel that wasm has no kernel for. */
export function missingWasmKernels(): KernelConfig[] {
  const have = new Set(getKernelsForBackend('wasm').map((k) => k.kernelName));
  return getKernelsForBackend('cpu')
    .map((k) => k.kernelName)
    .filter((name) => !have.has(name) && !NOT_DELEGATED.has(name))
    .map((kernelName) => ({ kernelName, backendName: 'wasm', kernelFunc: viaCpu(kernelName) }));
}

export function viaCpu(kernelName: string): KernelFunc {
  return ({ inputs, backend: kb, attrs }) => {
    const wasm = kb as BackendWasm;
    const cpu = findBackend('cpu') as KernelBackend | null;
    const kernel = getKernel(kernelName, 'cpu');
    if (!cpu || !kernel) throw new Error(`${kernelName} on wasm needs the cpu backend, which is not registered`);
    // Some kernels (Einsum, Concat-like) take their inputs as an array: keep that form.
    const cpuInputs: NamedTensorInfoMap = (Array.isArray(inputs) ? [] : {}) as NamedTensorInfoMap;
    const written: TensorInfo[] = [];
    for (const [key, t] of Object.entries(inputs)) {
      if (t === undefined) continue;
      const info = { dataId: cpu.write(wasm.readSync(t.dataId), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
      (cpuInputs as Record<string, TensorInfo>)[key] = info;
      written.push(info);
    }
    try {
      const out = kernel.kernelFunc({ inputs: cpuInputs, backend: cpu, attrs });
      const outs = Array.isArray(out) ? out : [out];
      const back = outs.map((o) => {
        const w = wasm.makeOutput(o.shape, o.dtype, undefined, cpu.readSync(o.dataId));
        cpu.disposeData(o.dataId);
        return w;
      });
      return Array.isArray(out) ? back : back[0];
    } finally {
      for (const w of written) cpu.disposeData(w.dataId);
    }
  };
}
