/**
 * A small real task for HESSO: 4-class classification of 16-D inputs labelled by a random
 * "teacher" network (generated, seeded), learned by an MLP student with two hidden layers of
 * 64 units (128 prunable groups).
 */
import { tf } from '../../tf/index.ts';
import { Rng } from '../../core/rng.ts';
import type { Hesso } from '../../compress/index.ts';

export interface Dataset {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
  labels: Int32Array;
}

export function teacherData(n: number, seed: number): Dataset {
  const teacher = new Rng(1234);
  const D = 16;
  const H = 8;
  const K = 4;
  const w1 = Array.from({ length: D * H }, () => teacher.normal(0, 1 / Math.sqrt(D)));
  const w2 = Array.from({ length: H * K }, () => teacher.normal(0, 1 / Math.sqrt(H)));
  const rng = new Rng(seed);
  const x = new Float32Array(n * D);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const h = new Float64Array(H);
    for (let d = 0; d < D; d++) x[i * D + d] = rng.normal();
    for (let j = 0; j < H; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += x[i * D + d] * w1[d * H + j];
      h[j] = Math.tanh(s);
    }
    let best = 0;
    let bestV = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < H; j++) s += h[j] * w2[j * K + k];
      if (s > bestV) [best, bestV] = [k, s];
    }
    labels[i] = best;
  }
  return {
    x: tf.tensor2d(x, [n, D]),
    y: tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), K), 'float32') as tf.Tensor2D,
    labels,
  };
}

export function student(seed: number): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
  const x = tf.input({ shape: [16], name: 'x' });
  let h = tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(seed), name: 'h1' }).apply(x) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(seed + 1), name: 'h2' }).apply(h) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 4, kernelInitializer: init(seed + 2), name: 'logits' }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}

export function accuracy(model: tf.LayersModel, data: Dataset): number {
  const pred = tf.tidy(() => tf.argMax(model.predict(data.x) as tf.Tensor, 1).dataSync());
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === data.labels[i]) ok++;
  return ok / pred.length;
}

export interface TrainLog {
  step: number[];
  loss: number[];
  groupSparsity: number[];
}

/** Mini-batch training with the given HESSO optimizer (target 0 = plain AdamW). */
export function train(model: tf.LayersModel, opt: Hesso, data: Dataset, steps: number, batch: number, seed: number, logEvery = 0): TrainLog {
  const rng = new Rng(seed);
  const n = data.x.shape[0];
  const log: TrainLog = { step: [], loss: [], groupSparsity: [] };
  for (let s = 0; s < steps; s++) {
    const idx = tf.tensor1d(Int32Array.from({ length: batch }, () => rng.int(n)), 'int32');
    const xb = tf.gather(data.x, idx);
    const yb = tf.gather(data.y, idx);
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(yb, model.apply(xb, { training: true }) as tf.Tensor) as tf.Scalar);
    tf.dispose([idx, xb, yb]);
    if (logEvery > 0 && (s % logEvery === 0 || s === steps - 1)) {
      log.step.push(s + 1);
      log.loss.push(loss);
      log.groupSparsity.push(opt.metrics().groupSparsity);
    }
  }
  return log;
}
