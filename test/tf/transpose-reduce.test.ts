/**
 * tf/wasm/transpose.ts and reduce.ts against tfjs's cpu backend: transposes of
 * seeded random tensors under every permutation of ranks 2-4 (tiled fast path and fallback),
 * and Sum/Max/Min/Mean/Prod over every axis subset, with and without keepDims.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { tf, initTf } from '../../tf/index.ts';
import { Rng } from '../../core/rng.ts';
import type { BackendWasm } from '../../tf/wasm/ops.ts';
import { fastTranspose, simplifyPermutation, transposeConfig } from '../../tf/wasm/transpose.ts';
import { innerReductionConfig, REDUCTIONS } from '../../tf/wasm/reduce.ts';
import { randn, wasmVsCpu } from './tf-compare.ts';

const TOL = 1e-5;
const saved: KernelConfig[] = [];

function swapIn(config: KernelConfig): void {
  saved.push(getKernel(config.kernelName, 'wasm')!);
  unregisterKernel(config.kernelName, 'wasm');
  registerKernel(config);
}

beforeAll(async () => {
  await initTf({ backend: 'cpu' });
  await initTf({ backend: 'wasm' });
  swapIn(transposeConfig(getKernel('Transpose', 'wasm')!));
  for (const name of REDUCTIONS) swapIn(innerReductionConfig(getKernel(name, 'wasm')!));
});

afterAll(() => {
  for (const k of saved) {
    unregisterKernel(k.kernelName, 'wasm');
    registerKernel(k);
  }
});

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

function subsets(n: number): number[][] {
  return Array.from({ length: (1 << n) - 1 }, (_, m) => Array.from({ length: n }, (_, i) => i).filter((i) => ((m + 1) >> i) & 1));
}

describe('simplifyPermutation', () => {
  it('merges axes that stay adjacent and drops size-1 axes', () => {
    expect(simplifyPermutation([16384, 256], [1, 0])).toEqual({ shape: [16384, 256], perm: [1, 0] });
    expect(simplifyPermutation([1, 16384, 128], [0, 2, 1])).toEqual({ shape: [16384, 128], perm: [1, 0] });
    expect(simplifyPermutation([4, 5, 6], [2, 0, 1])).toEqual({ shape: [20, 6], perm: [1, 0] });
    expect(simplifyPermutation([4, 5, 6, 7], [0, 3, 1, 2])).toEqual({ shape: [4, 30, 7], perm: [0, 2, 1] });
    expect(simplifyPermutation([4, 5, 6], [1, 0, 2])).toEqual({ shape: [4, 5, 6], perm: [1, 0, 2] });
    expect(simplifyPermutation([4, 5, 6], [0, 1, 2])).toEqual({ shape: [120], perm: [0] });
  });
});

describe('Transpose on wasm', () => {
  it('matches the cpu backend for every permutation of ranks 2-4, float32 and int32', () => {
    const rng = new Rng(11);
    const shapes = [[70, 45], [33, 1, 40], [3, 37, 65], [2, 3, 35, 33], [1, 5, 1, 6]];
    for (const shape of shapes) {
      for (const perm of permutations(shape.length)) {
        const x = randn(rng, shape);
        const xi = tf.cast(tf.mul(x, 100), 'int32');
        expect(wasmVsCpu(() => tf.transpose(x, perm)), `[${shape}] perm [${perm}]`).toBeLessThanOrEqual(TOL);
        expect(wasmVsCpu(() => tf.cast(tf.transpose(xi, perm), 'float32')), `int32 [${shape}] perm [${perm}]`).toBe(0);
        tf.dispose([x, xi]);
      }
    }
  });

  it('takes the tiled path for matrix and batched-matrix transposes, not for others', () => {
    const backend = tf.backend() as unknown as BackendWasm;
    const x = tf.tensor3d(Array.from({ length: 2 * 3 * 4 }, (_, i) => i), [2, 3, 4]);
    const info = { dataId: x.dataId, shape: x.shape, dtype: x.dtype } as TensorInfo;
    const out = fastTranspose(backend, info, [0, 2, 1]);
    expect(out).not.toBeNull();
    const y = tf.engine().makeTensorFromTensorInfo(out!);
    expect(y.shape).toEqual([2, 4, 3]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(tf.transpose(x, [0, 2, 1]).dataSync()));
    expect(fastTranspose(backend, info, [1, 0, 2])).toBeNull();
    tf.dispose([x, y]);
  });
});

describe('reductions on wasm', () => {
  it('Sum, Max, Min, Mean and Prod match the cpu backend over every axis subset', () => {
    const rng = new Rng(12);
    for (const shape of [[40, 37], [3, 35, 9], [2, 3, 4, 5], [1, 50, 33]]) {
      const x = randn(rng, shape);
      // Prod of values near 1 stays finite.
      const near1 = tf.add(1, tf.mul(x, 0.05));
      for (const axes of subsets(shape.length)) {
        for (const keepDims of [false, true]) {
          const what = `[${shape}] axes [${axes}] keepDims ${keepDims}`;
          expect(wasmVsCpu(() => tf.sum(x, axes, keepDims)), `sum ${what}`).toBeLessThanOrEqual(TOL);
          expect(wasmVsCpu(() => tf.max(x, axes, keepDims)), `max ${what}`).toBe(0);
          expect(wasmVsCpu(() => tf.min(x, axes, keepDims)), `min ${what}`).toBe(0);
          expect(wasmVsCpu(() => tf.mean(x, axes, keepDims)), `mean ${what}`).toBeLessThanOrEqual(TOL);
          expect(wasmVsCpu(() => tf.prod(near1, axes, keepDims)), `prod ${what}`).toBeLessThanOrEqual(TOL);
        }
      }
      tf.dispose([x, near1]);
    }
  });

  it('the gradient of a bias add over many rows (a Sum over the leading axes) matches', () => {
    const rng = new Rng(13);
    const x = randn(rng, [4, 300, 24]);
    const b = randn(rng, [24]);
    const w = randn(rng, [4, 300, 24]);
    const g = () => tf.grad((bb: tf.Tensor) => tf.sum(tf.mul(tf.add(x, bb), w)))(b);
    expect(wasmVsCpu(g)).toBeLessThanOrEqual(TOL);
    tf.dispose([x, b, w]);
  });
});
