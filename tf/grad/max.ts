/**
 * The gradient of Max (global max-pooling's backward). tfjs-core's masks dy with
 * equal(x, broadcast max); the wasm backend's Equal has no fast broadcasting path, so one
 * PointNet max-pool backward at batch 128 × 256 points × 256 channels took 1.5 s. The same
 * mask as 1 − step(max − x) is three fast kernels (ties pass the gradient to every maximum,
 * as tfjs-core's does). Any backend.
 */
import { backend_util, mul, registerGradient, reshape, step, sub, util, type GradConfig, type Tensor } from '@tensorflow/tfjs-core';

export const maxGradConfig: GradConfig = {
  kernelName: 'Max',
  inputsToSave: ['x'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, y] = saved;
    const axes = util.parseAxisParam((attrs as unknown as { reductionIndices: number | number[] }).reductionIndices, x.shape);
    const keep = backend_util.expandShapeToKeepDim(y.shape, axes);
    const yk = y.rank < x.rank ? reshape(y, keep) : y;
    const d = dy as Tensor;
    const dk = d.rank < x.rank ? reshape(d, backend_util.expandShapeToKeepDim(d.shape, axes)) : d;
    return { x: () => mul(dk, sub(1, step(sub(yk, x)))) };
  },
};

let registered = false;
export function registerMaxGrad(): void {
  if (registered) return;
  registered = true;
  registerGradient(maxGradConfig);
}
