/**
 * The gradient of Tile. tfjs-core's slices dy once per tile and adds the slices up: O(∏reps)
 * kernels, and tf.layers.layerNormalization tiles its gamma/beta over batch × time, so one
 * LayerNorm backward at batch 256, T=16 ran 4096 Slice + Add pairs (seconds per step).
 * Here: view dy as [r0, s0, r1, s1, …] and sum over the r axes — two kernels, any backend.
 */
import { registerGradient, reshape, sum, type GradConfig, type Tensor } from '@tensorflow/tfjs-core';

export const tileGradConfig: GradConfig = {
  kernelName: 'Tile',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const reps = (attrs as unknown as { reps: number[] }).reps;
    return { x: () => tileGrad(dy as Tensor, x.shape, reps) };
  },
};

export function tileGrad(dy: Tensor, xShape: readonly number[], reps: readonly number[]): Tensor {
  const split: number[] = [];
  const axes: number[] = [];
  xShape.forEach((s, i) => {
    if (reps[i] !== 1) {
      axes.push(split.length);
      split.push(reps[i]);
    }
    split.push(s);
  });
  if (axes.length === 0) return reshape(dy, xShape as number[]);
  return reshape(sum(reshape(dy, split), axes), xShape as number[]);
}

let registered = false;
export function registerTileGrad(): void {
  if (registered) return;
  registered = true;
  registerGradient(tileGradConfig);
}
