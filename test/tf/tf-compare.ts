/**
 * Test helpers for tf/: run the same computation on the wasm backend (with yoto's kernels)
 * and on the pure-JS cpu backend (tfjs's reference) and measure how far apart they are.
 */
import { tf } from '../../tf/index.ts';
import { Rng } from '../../core/rng.ts';

/** Tensors from a seeded Rng, so a failing case can be reproduced. */
export function randn(rng: Rng, shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return tf.tensor(v, shape);
}

/**
 * max |wasm − cpu| / max(1, max |cpu|) over every output of `f` (run on wasm) and `onCpu`
 * (run on cpu; `f` unless given); also checks both backends gave the same shapes.
 */
export function wasmVsCpu(f: () => tf.Tensor | tf.Tensor[], onCpu: () => tf.Tensor | tf.Tensor[] = f): number {
  const results: { shape: number[]; values: Float32Array }[][] = [];
  const before = tf.getBackend();
  try {
    for (const b of ['wasm', 'cpu']) {
      tf.setBackend(b);
      const r = tf.tidy(b === 'cpu' ? onCpu : f);
      const list = Array.isArray(r) ? r : [r];
      results.push(list.map((t) => ({ shape: t.shape, values: Float32Array.from(t.dataSync() as ArrayLike<number>) })));
      list.forEach((t) => t.dispose());
    }
  } finally {
    tf.setBackend(before);
  }
  const [w, c] = results;
  if (w.length !== c.length) throw new Error(`wasm gave ${w.length} outputs, cpu ${c.length}`);
  let err = 0;
  let scale = 1;
  w.forEach((wi, j) => {
    const ci = c[j];
    if (wi.shape.join() !== ci.shape.join()) throw new Error(`output ${j}: wasm shape [${wi.shape}] vs cpu [${ci.shape}]`);
    for (let i = 0; i < ci.values.length; i++) {
      err = Math.max(err, Math.abs(wi.values[i] - ci.values[i]));
      scale = Math.max(scale, Math.abs(ci.values[i]));
      if (Number.isNaN(wi.values[i]) !== Number.isNaN(ci.values[i])) err = Infinity;
    }
  });
  return err / scale;
}

/** A scalar loss that weights every output element differently, so gradients are not uniform. */
export function weightedSum(y: tf.Tensor): tf.Scalar {
  const w = tf.sin(tf.reshape(tf.range(0, y.size, 1, 'float32'), y.shape));
  return tf.sum(tf.mul(y, w));
}
