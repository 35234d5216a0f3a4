/**
 * Standard tf.layers models train on the wasm backend with yoto's kernels: their gradients
 * equal the cpu backend's layer by layer, the loss goes down, and no tensor leaks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initTf } from '../../tf/index.ts';
import { Rng } from '../../core/rng.ts';
import { randn, wasmVsCpu } from './tf-compare.ts';

beforeAll(async () => {
  await initTf({ backend: 'cpu' });
  await initTf({ backend: 'wasm' });
});

function imageModel(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  let h = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.separableConv2d({ filters: 12, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.layerNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 4 }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

function sequenceModel(): tf.LayersModel {
  const tokens = tf.input({ shape: [10], dtype: 'int32' });
  const cond = tf.input({ shape: [6] });
  let h = tf.layers.embedding({ inputDim: 20, outputDim: 8 }).apply(tokens) as tf.SymbolicTensor;
  h = tf.layers.conv1d({ filters: 16, kernelSize: 3, padding: 'same' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.layerNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.activation({ activation: 'mish' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv1d({ filters: 8, kernelSize: 3, strides: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  const c = tf.layers.dense({ units: 32, activation: 'relu' }).apply(cond) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([h, c]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3 }).apply(joined) as tf.SymbolicTensor;
  return tf.model({ inputs: [tokens, cond], outputs: out });
}

function mseGrads(model: tf.LayersModel, xs: tf.Tensor | tf.Tensor[], ys: tf.Tensor): tf.Tensor[] {
  const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar);
  return model.trainableWeights.map((w) => grads[w.originalName]);
}

describe('tf.layers gradients on wasm equal the cpu backend', () => {
  it('Conv2D, BatchNormalization, DepthwiseConv2D, SeparableConv2D, LayerNormalization, Dense', () => {
    const rng = new Rng(21);
    const model = imageModel();
    const x = randn(rng, [6, 8, 8, 3]);
    const y = randn(rng, [6, 4]);
    expect(wasmVsCpu(() => mseGrads(model, x, y))).toBeLessThan(1e-4);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('Embedding, Conv1D, LayerNormalization, Mish, Flatten, Concatenate, multi-input Dense', () => {
    const rng = new Rng(22);
    const model = sequenceModel();
    const tokens = tf.tensor2d(Array.from({ length: 50 }, () => rng.int(20)), [5, 10], 'int32');
    const cond = randn(rng, [5, 6]);
    const y = randn(rng, [5, 3]);
    expect(wasmVsCpu(() => mseGrads(model, [tokens, cond], y))).toBeLessThan(1e-4);
    tf.dispose([tokens, cond, y]);
    model.dispose();
  });
});

describe('training on wasm', () => {
  async function train(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, steps: number): Promise<{ first: number; last: number; leaked: number }> {
    await initTf({ backend: 'wasm' });
    model.compile({ optimizer: tf.train.adam(3e-3), loss: 'meanSquaredError' });
    const first = (await model.trainOnBatch(x, y)) as number;
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < steps; i++) last = (await model.trainOnBatch(x, y)) as number;
    return { first, last, leaked: tf.memory().numTensors - before };
  }

  it('a Conv1D model: the loss falls and no tensor leaks', async () => {
    const rng = new Rng(31);
    const model = tf.sequential({
      layers: [
        tf.layers.conv1d({ inputShape: [16, 4], filters: 16, kernelSize: 5, padding: 'same', activation: 'relu' }),
        tf.layers.layerNormalization(),
        tf.layers.conv1d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.conv1d({ filters: 2, kernelSize: 1 }),
      ],
    });
    const x = randn(rng, [32, 16, 4]);
    // A target the network can fit: a fixed local filter of the input.
    const y = tf.conv1d(x as tf.Tensor3D, randn(rng, [3, 4, 2]) as tf.Tensor3D, 1, 'same');
    const r = await train(model, x, y, 40);
    expect(r.last).toBeLessThan(0.5 * r.first);
    expect(r.leaked).toBe(0);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('a Conv2D model with BatchNormalization and a depthwise block: the loss falls', async () => {
    const rng = new Rng(32);
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.batchNormalization(),
        tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.conv2d({ filters: 8, kernelSize: 1, activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    const x = randn(rng, [24, 8, 8, 2]);
    const y = tf.matMul(tf.reshape(tf.mean(x, [1, 2]), [24, 2]), randn(rng, [2, 3]));
    const r = await train(model, x, y, 40);
    expect(r.last).toBeLessThan(0.5 * r.first);
    expect(r.leaked).toBe(0);
    tf.dispose([x, y]);
    model.dispose();
  });
});
