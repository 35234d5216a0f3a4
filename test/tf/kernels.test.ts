/**
 * yoto's wasm kernels (tf/wasm/*.ts) against tfjs's pure-JS cpu backend: forward values
 * and gradients over seeded random shapes, transpose flags, batch broadcasting, strides and
 * padding.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { loadNative } from '../../tf/backend.ts';
import { tf, initTf } from '../../tf/index.ts';
import { Rng } from '../../core/rng.ts';
import { tileGrad } from '../../tf/grad/tile.ts';
import { randn, wasmVsCpu, weightedSum } from './tf-compare.ts';

const TOL = 1e-4;

beforeAll(async () => {
  await initTf({ backend: 'cpu' });
  await initTf({ backend: 'wasm' });
});

describe('initTf', () => {
  it('is idempotent and names the backend it made current', async () => {
    const a = await initTf({ backend: 'wasm' });
    const b = await initTf({ backend: 'wasm' });
    expect(a.backend).toBe('wasm');
    expect(b.tf).toBe(a.tf);
    expect(tf.getBackend()).toBe('wasm');
    const auto = await initTf();
    expect(['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']).toContain(auto.backend);
  });

  it('refuses a native backend that is not installed, with a one-line message', async () => {
    const installed = await import('@tensorflow/tfjs-node' as string).then(
      () => true,
      () => false,
    );
    if (installed) return;
    await expect(initTf({ backend: 'tfjs-node' })).rejects.toThrow(/tfjs-node.*not available/);
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('native backend detection', () => {
  it('a missing package, or one that registers nothing, is skipped', async () => {
    expect(await loadNative('tfjs-node', () => Promise.reject(new Error('Cannot find module')))).toBe(false);
    expect(await loadNative('tfjs-node-gpu', () => Promise.resolve({}))).toBe(false);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('a half-installed package whose binding fails to start is skipped and unregistered', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const load = async () => {
        tf.registerBackend('tensorflow', () => {
          throw new Error('libtensorflow.so: cannot open shared object file');
        });
      };
      expect(await loadNative('tfjs-node', load)).toBe(false);
      expect(tf.findBackendFactory('tensorflow')).toBeFalsy();
    } finally {
      warn.mockRestore();
      await initTf({ backend: 'wasm' });
    }
  });

  it('a package that registers a working backend is selected', async () => {
    try {
      const load = async () => {
        tf.registerBackend('tensorflow', () => new MathBackendCPU());
      };
      expect(await loadNative('tfjs-node', load)).toBe(true);
      expect(tf.getBackend()).toBe('tensorflow');
    } finally {
      tf.removeBackend('tensorflow');
      await initTf({ backend: 'wasm' });
    }
  });
});

describe('BatchMatMul on wasm', () => {
  const rng = new Rng(7);
  const dim = () => 1 + rng.int(40);
  type Case = { a: number[]; b: number[]; ta: boolean; tb: boolean; what: string };
  const cases: Case[] = [];
  for (let i = 0; i < 24; i++) {
    const [m, k, n] = [dim(), dim(), dim()];
    const ta = rng.next() < 0.5;
    const tb = rng.next() < 0.5;
    const am = ta ? [k, m] : [m, k];
    const bm = tb ? [n, k] : [k, n];
    const batch = 2 + rng.int(4);
    const kind = i % 6;
    const [a, b, what] =
      kind === 0 ? [am, bm, '2-D']
      : kind === 1 ? [[batch, ...am], bm, 'a batched, b shared']
      : kind === 2 ? [am, [batch, ...bm], 'a shared, b batched']
      : kind === 3 ? [[batch, ...am], [batch, ...bm], 'both batched']
      : kind === 4 ? [[2, batch, ...am], [1, 1, ...bm], 'rank 4, b broadcast']
      : [[1, ...am], [1, ...bm], 'batch of one'];
    cases.push({ a, b, ta, tb, what });
  }
  // Large enough for the per-item loop (both batched), and a big plain one.
  cases.push({ a: [3, 40, 50], b: [3, 40, 60], ta: true, tb: false, what: 'both batched, looped' });
  cases.push({ a: [3, 60, 50], b: [3, 40, 50], ta: false, tb: true, what: 'both batched, looped' });
  cases.push({ a: [96, 130], b: [200, 96], ta: true, tb: true, what: 'both transposed' });
  cases.push({ a: [2, 1, 5, 7], b: [1, 3, 7, 4], ta: false, tb: false, what: 'both broadcast' });
  cases.push({ a: [3, 1, 40, 50], b: [2, 60, 40], ta: true, tb: true, what: 'both broadcast, looped' });

  for (const c of cases) {
    it(`${c.what}: [${c.a}]${c.ta ? 'ᵀ' : ''} · [${c.b}]${c.tb ? 'ᵀ' : ''}`, () => {
      const r = new Rng(c.a.length * 1000 + c.b.reduce((s, v) => s * 7 + v, 1));
      const a = randn(r, c.a);
      const b = randn(r, c.b);
      // tfjs's cpu kernel broadcasts only one operand (it returns too few values for
      // [2,1,·,·]·[1,3,·,·]): its reference for those cases gets explicitly tiled operands.
      const both = c.what.startsWith('both broadcast');
      const full = (x: tf.Tensor, y: tf.Tensor): [tf.Tensor, tf.Tensor] => {
        if (!both) return [x, y];
        const shape = tf.backend_util.assertAndGetBroadcastShape(x.shape.slice(0, -2), y.shape.slice(0, -2));
        const to = (t: tf.Tensor) => tf.broadcastTo(tf.reshape(t, [...new Array(shape.length + 2 - t.rank).fill(1), ...t.shape]), [...shape, ...t.shape.slice(-2)]);
        return [to(x), to(y)];
      };
      const mm = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, c.ta, c.tb);
      expect(wasmVsCpu(() => mm(a, b), () => mm(...full(a, b)))).toBeLessThan(TOL);
      const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => weightedSum(mm(x, y)));
      const gRef = tf.grads((x: tf.Tensor, y: tf.Tensor) => weightedSum(mm(...full(x, y))));
      expect(wasmVsCpu(() => g([a, b]), () => gRef([a, b]))).toBeLessThan(TOL);
      tf.dispose([a, b]);
    });
  }

  it('_FusedMatMul (tf.layers Dense) with transposes, bias and activation, and its gradients', () => {
    const r = new Rng(3);
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = randn(r, ta ? [17, 9] : [9, 17]);
      const b = randn(r, tb ? [11, 17] : [17, 11]);
      const bias = randn(r, [11]);
      const f = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
        tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, transposeA: ta, transposeB: tb, bias: z, activation: 'relu' });
      expect(wasmVsCpu(() => f(a, b, bias))).toBeLessThan(TOL);
      const g = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => weightedSum(f(x, y, z)));
      expect(wasmVsCpu(() => g([a, b, bias]))).toBeLessThan(TOL);
      tf.dispose([a, b, bias]);
    }
  });
});

describe('convolution gradients on wasm', () => {
  const rng = new Rng(11);
  type Pad = 'same' | 'valid' | number;
  const cases: { x: number[]; f: number[]; stride: [number, number]; pad: Pad }[] = [
    { x: [2, 9, 9, 3], f: [3, 3], stride: [1, 1], pad: 'same' },
    { x: [2, 10, 8, 5], f: [3, 3], stride: [2, 2], pad: 'valid' },
    { x: [3, 7, 7, 20], f: [5, 5], stride: [2, 1], pad: 'same' },
    { x: [2, 6, 6, 17], f: [1, 1], stride: [1, 1], pad: 'valid' },
    { x: [2, 8, 5, 4], f: [2, 3], stride: [3, 2], pad: 1 },
    { x: [1, 1, 16, 24], f: [1, 5], stride: [1, 1], pad: 'same' },
    { x: [4, 11, 1, 2], f: [4, 1], stride: [2, 1], pad: 'valid' },
  ];
  for (const c of cases) {
    it(`conv2d x[${c.x}] f${c.f.join('×')} stride ${c.stride} pad ${c.pad}: forward, dx, dW`, () => {
      const x = randn(rng, c.x);
      const w = randn(rng, [...c.f, c.x[3], 1 + rng.int(9)]);
      const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
      expect(wasmVsCpu(() => conv(x, w))).toBeLessThan(TOL);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => weightedSum(conv(a, b)));
      expect(wasmVsCpu(() => g([x, w]))).toBeLessThan(TOL);
      tf.dispose([x, w]);
    });

    it(`depthwise x[${c.x}] f${c.f.join('×')} stride ${c.stride} pad ${c.pad}: forward, dx, dW`, () => {
      if (c.stride[0] !== c.stride[1]) return; // tfjs depthwise needs equal strides
      const x = randn(rng, c.x);
      const w = randn(rng, [...c.f, c.x[3], 1 + rng.int(3)]);
      const conv = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
      expect(wasmVsCpu(() => conv(x, w))).toBeLessThan(TOL);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => weightedSum(conv(a, b)));
      expect(wasmVsCpu(() => g([x, w]))).toBeLessThan(TOL);
      tf.dispose([x, w]);
    });
  }

  it('fused conv2d (bias, relu) with dilation, and with a numeric pad on a non-square filter', () => {
    for (const [xs, fs, stride, pad, dil] of [
      [[2, 9, 9, 3], [3, 3], 1, 'same', 2],
      [[2, 8, 5, 4], [2, 3], 2, 1, 1],
      [[1, 12, 7, 2], [3, 2], 1, 'valid', [2, 1]],
      [[3, 5, 4, 6], [1, 1], 1, 'valid', 1],
      [[3, 5, 4, 6], [1, 1], 1, 'same', 1],
    ] as const) {
      const x = randn(rng, [...xs]);
      const w = randn(rng, [...fs, xs[3], 5]);
      const bias = randn(rng, [5]);
      expect(
        wasmVsCpu(() =>
          tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: stride, pad, dilations: dil as number, bias, activation: 'relu' }),
        ),
      ).toBeLessThan(TOL);
      expect(wasmVsCpu(() => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad, 'NHWC', dil as number))).toBeLessThan(TOL);
      tf.dispose([x, w, bias]);
    }
  });

  it('depthwise with a numeric pad on a non-square filter (native sizes disagree)', () => {
    const x = randn(rng, [2, 6, 5, 3]);
    const w = randn(rng, [2, 3, 3, 2]);
    const conv = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 1);
    expect(wasmVsCpu(() => conv(x, w))).toBeLessThan(TOL);
    tf.dispose([x, w]);
  });

  it('conv2dTranspose (forward is Conv2DBackpropInput): forward and gradients', () => {
    for (const [xs, fs, stride, pad, outHW] of [
      [[2, 5, 5, 6], [3, 3], 2, 'same', [10, 10]],
      [[1, 4, 7, 3], [2, 4], 1, 'valid', [5, 10]],
    ] as const) {
      const x = randn(rng, [...xs]);
      const w = randn(rng, [...fs, 4, xs[3]]);
      const outShape: [number, number, number, number] = [xs[0], outHW[0], outHW[1], 4];
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape, stride, pad);
      expect(wasmVsCpu(() => f(x, w))).toBeLessThan(TOL);
      expect(wasmVsCpu(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => weightedSum(f(a, b)))([x, w]))).toBeLessThan(TOL);
      tf.dispose([x, w]);
    }
  });

  it('conv1d with stride and padding, and separableConv2d: gradients', () => {
    const x = randn(rng, [3, 16, 6]);
    const w = randn(rng, [5, 6, 7]);
    const g1 = tf.grads((a: tf.Tensor, b: tf.Tensor) => weightedSum(tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, 2, 'same')));
    expect(wasmVsCpu(() => g1([x, w]))).toBeLessThan(TOL);
    const x2 = randn(rng, [2, 7, 7, 4]);
    const dw = randn(rng, [3, 3, 4, 2]);
    const pw = randn(rng, [1, 1, 8, 5]);
    const g2 = tf.grads((a: tf.Tensor, b: tf.Tensor, p: tf.Tensor) =>
      weightedSum(tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, p as tf.Tensor4D, 1, 'same')),
    );
    expect(wasmVsCpu(() => g2([x2, dw, pw]))).toBeLessThan(TOL);
    tf.dispose([x, w, x2, dw, pw]);
  });
});

describe('other kernels on wasm', () => {
  const rng = new Rng(5);

  it('UnsortedSegmentSum and the gather (embedding) gradient', () => {
    const data = randn(rng, [12, 5]);
    const ids = tf.tensor1d([0, 3, 3, 1, 0, 6, 2, 2, 2, 5, 0, 1], 'int32');
    expect(wasmVsCpu(() => tf.unsortedSegmentSum(data, ids, 7))).toBeLessThan(TOL);
    const data3 = randn(rng, [4, 2, 3]);
    const ids3 = tf.tensor1d([2, 0, 2, 1], 'int32');
    expect(wasmVsCpu(() => tf.unsortedSegmentSum(data3, ids3, 4))).toBeLessThan(TOL);
    expect(wasmVsCpu(() => tf.cast(tf.unsortedSegmentSum(tf.cast(tf.mul(data3, 5), 'int32'), ids3, 3), 'float32'))).toBe(0);
    tf.dispose([data3, ids3]);
    const table = randn(rng, [9, 4]);
    const idx = tf.tensor2d([[1, 3, 3], [8, 0, 1]], [2, 3], 'int32');
    expect(wasmVsCpu(() => tf.grads((t: tf.Tensor) => weightedSum(tf.gather(t, idx)))([table]))).toBeLessThan(TOL);
    tf.dispose([data, ids, table, idx]);
  });

  it('Tile forward for every dtype and rank', () => {
    for (const [shape, reps] of [
      [[3], [4]],
      [[2, 3], [1, 5]],
      [[1, 1, 4], [3, 2, 1]],
      [[2, 1, 3], [1, 4, 2]],
      [[2, 2, 1, 3], [2, 1, 3, 1]],
    ] as const) {
      const x = randn(rng, [...shape]);
      expect(wasmVsCpu(() => tf.tile(x, [...reps]))).toBe(0);
      expect(wasmVsCpu(() => tf.cast(tf.tile(tf.cast(tf.mul(x, 10), 'int32'), [...reps]), 'float32'))).toBe(0);
      expect(wasmVsCpu(() => tf.cast(tf.tile(tf.greater(x, 0), [...reps]), 'float32'))).toBe(0);
      x.dispose();
    }
  });

  it('Tile gradient equals the sum of the tiles, computed directly', () => {
    const shape = [2, 1, 3];
    const reps = [2, 4, 3];
    const dyShape = shape.map((s, i) => s * reps[i]);
    const dy = randn(rng, dyShape);
    const d = dy.arraySync() as number[][][];
    const expected = new Float32Array(6);
    for (let i = 0; i < dyShape[0]; i++)
      for (let j = 0; j < dyShape[1]; j++)
        for (let k = 0; k < dyShape[2]; k++) expected[(i % 2) * 3 + (k % 3)] += d[i][j][k];
    const got = tileGrad(dy, shape, reps).dataSync();
    expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
    // And through tf.grads, on both backends.
    const x = randn(rng, shape);
    expect(wasmVsCpu(() => tf.grads((a: tf.Tensor) => weightedSum(tf.tile(a, reps)))([x]))).toBeLessThan(TOL);
    tf.dispose([dy, x]);
  });

  it('Tanh and Softplus (through Sigmoid), forward and gradient, over a wide range', () => {
    const x = tf.concat([tf.mul(randn(rng, [2000]), 6), tf.tensor1d([0, 1e-6, -1e-6, 30, -30, 90, -90, 1e5, -1e5])]);
    expect(wasmVsCpu(() => tf.tanh(x))).toBeLessThan(TOL);
    expect(wasmVsCpu(() => tf.softplus(x))).toBeLessThan(TOL);
    const mish = (u: tf.Tensor) => tf.mul(u, tf.tanh(tf.softplus(u)));
    expect(wasmVsCpu(() => mish(x))).toBeLessThan(TOL);
    expect(wasmVsCpu(() => tf.grad((u: tf.Tensor) => weightedSum(mish(u)))(x))).toBeLessThan(TOL);
    tf.setBackend('wasm');
    const edge = tf.softplus(tf.tensor1d([Infinity, -Infinity, NaN])).dataSync();
    expect(Array.from(edge)).toEqual([Infinity, 0, NaN]);
    x.dispose();
  });

  it('Identity and same-dtype Cast share data; other casts convert', () => {
    const x = randn(rng, [3, 4]);
    expect(wasmVsCpu(() => tf.clone(x))).toBe(0);
    expect(wasmVsCpu(() => tf.cast(x, 'float32'))).toBe(0);
    expect(wasmVsCpu(() => tf.cast(tf.cast(tf.mul(x, 3), 'int32'), 'float32'))).toBe(0);
    tf.setBackend('wasm');
    const c = tf.clone(x);
    x.dispose();
    expect(c.dataSync().length).toBe(12); // still readable after the original is disposed
    c.dispose();
  });

  it('Einsum (delegated to the cpu kernel)', () => {
    const a = randn(rng, [3, 4, 5]);
    const b = randn(rng, [3, 5, 2]);
    expect(wasmVsCpu(() => tf.einsum('bij,bjk->bik', a, b))).toBeLessThan(TOL);
    tf.dispose([a, b]);
  });

  it('leaks no wasm memory across repeated products and conv gradients', () => {
    const a = randn(rng, [4, 20, 30]);
    const b = randn(rng, [30, 10]);
    const x = randn(rng, [2, 8, 8, 3]);
    const w = randn(rng, [3, 3, 3, 4]);
    const run = () =>
      tf.tidy(() => {
        tf.matMul(a, b, false, false).dataSync();
        tf.matMul(a, tf.transpose(a, [0, 2, 1]), true, true).dataSync();
        const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => weightedSum(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 2, 'same')));
        g([x, w]).forEach((t) => t.dataSync());
      });
    run();
    const before = tf.memory().numTensors;
    const dataIds = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    for (let i = 0; i < 3; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(dataIds);
    tf.dispose([a, b, x, w]);
  });
});
