/**
 * Identity and same-dtype Cast for wasm without copying. The stock kernels copy the whole
 * tensor; tfjs calls them for every clone and cast (tf.layers casts inputs, the gradient tape
 * clones), which cost ~8% of a Conv1D training step. Tensors are immutable, so sharing the
 * data with a reference count is what the cpu backend does too.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from './ops.ts';
import { ref } from './ops.ts';

export function identityConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original.kernelFunc(args);
    return ref(args.backend as BackendWasm, x);
  };
  return { ...original, kernelFunc };
}

export function castConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as { dtype: string };
    if (x.dtype !== dtype || x.dtype === 'string') return original.kernelFunc(args);
    return ref(args.backend as BackendWasm, x);
  };
  return { ...original, kernelFunc };
}
