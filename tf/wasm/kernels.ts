/**
 * Installs, once per process, yoto's wasm kernels: fast matrix products (wasm-matmul.ts),
 * convolution gradients through im2col + the fast product and a guard against a native
 * forward-convolution heap overflow (wasm-conv.ts), block-copy Tile (wasm-tile.ts),
 * copy-free Identity and Cast (wasm-identity.ts), Tanh and Softplus through the vectorised
 * Sigmoid (wasm-activations.ts), depthwise gradients (wasm-depthwise.ts), UnsortedSegmentSum
 * (wasm-segment.ts), and
 * cpu-delegating fallbacks for any other kernel the cpu backend has and wasm lacks
 * (wasm-fallback.ts).
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { matMulKernels } from './matmul.ts';
import { conv2dBackpropFilterConfig, conv2dBackpropInputConfig, conv2dForwardConfig, depthwiseForwardConfig } from './conv.ts';
import { tileConfig } from './tile.ts';
import { castConfig, identityConfig } from './identity.ts';
import { softplusConfig, tanhConfig } from './activations.ts';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise.ts';
import { unsortedSegmentSumConfig } from './segment.ts';
import { missingWasmKernels } from './fallback.ts';
import { transposeConfig } from './transpose.ts';
import { innerReductionConfig, REDUCTIONS } from './reduce.ts';

/** The kernel configs yoto replaced or added, with what was registered before (null: none). */
const installed: { mine: KernelConfig; stock: KernelConfig | null }[] = [];
let registered = false;

export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  const mm = matMulKernels({ batchMatMul: original('BatchMatMul'), fusedMatMul: original('_FusedMatMul') });
  replace(mm.batchMatMul);
  replace(mm.fusedMatMul);
  replace(conv2dBackpropFilterConfig());
  replace(conv2dBackpropInputConfig(original('Conv2DBackpropInput')));
  replace(tileConfig(original('Tile')));
  replace(identityConfig(original('Identity')));
  replace(castConfig(original('Cast')));
  replace(tanhConfig(original('Tanh')));
  replace(softplusConfig(original('Softplus')));
  replace(conv2dForwardConfig(original('Conv2D')));
  replace(conv2dForwardConfig(original('FusedConv2D')));
  replace(depthwiseForwardConfig(original('DepthwiseConv2dNative')));
  replace(depthwiseForwardConfig(original('FusedDepthwiseConv2D')));
  replace(depthwiseBackpropFilterConfig());
  replace(depthwiseBackpropInputConfig());
  replace(unsortedSegmentSumConfig());
  replace(transposeConfig(original('Transpose')));
  for (const r of REDUCTIONS) replace(innerReductionConfig(original(r)));
  // Last: whatever wasm still lacks runs on the cpu backend's kernel.
  for (const k of missingWasmKernels()) replace(k);
}

/** Names of the wasm kernels yoto registered (replaced or added). */
export function yotoWasmKernelNames(): string[] {
  return installed.map((k) => k.mine.kernelName);
}

/**
 * Runs `f` with tfjs's own wasm kernels (kernels wasm lacks stay missing), for before/after
 * measurements; yoto's are restored afterwards, even if `f` throws.
 */
export async function withStockWasmKernels<T>(f: () => Promise<T> | T): Promise<T> {
  if (!registered) return f();
  for (const k of installed) swap(k.mine.kernelName, k.stock);
  try {
    return await f();
  } finally {
    for (const k of installed) swap(k.mine.kernelName, k.mine);
  }
}

function original(name: string): KernelConfig {
  const k = getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm backend has no ${name} kernel to wrap`);
  return k;
}

function replace(config: KernelConfig): void {
  installed.push({ mine: config, stock: getKernel(config.kernelName, 'wasm') ?? null });
  swap(config.kernelName, config);
}

function swap(name: string, config: KernelConfig | null): void {
  if (getKernel(name, 'wasm')) unregisterKernel(name, 'wasm');
  if (config) registerKernel(config);
}
