/**
 * Small models of the architectures compress/ must handle, built with tf.layers and given
 * seeded random weights (BatchNorm statistics included) so outputs are non-trivial.
 */
import { tf } from '../../tf/index.ts';
import { FiLM } from '../../tf/layers/film.ts';
import { GroupNormalization } from '../../tf/layers/group-norm.ts';

type T = tf.SymbolicTensor;
const L = tf.layers;

let seq = 0;
const n = (p: string) => `${p}_${++seq}`;

/** Replaces every weight with seeded random values; variances stay positive. */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
  let s = seed;
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const shape = w.shape as number[];
      const v = tf.tidy(() => {
        const r = tf.randomNormal(shape, 0, 0.5, 'float32', s++);
        return w.originalName.endsWith('moving_variance') ? tf.add(tf.abs(r), 0.5) : r;
      });
      w.write(v);
      v.dispose();
    }
  }
}

const conv2d = (x: T, filters: number, opts: { kernel?: number; strides?: number; activation?: string } = {}) =>
  L.conv2d({
    name: n('conv'),
    filters,
    kernelSize: opts.kernel ?? 3,
    strides: opts.strides ?? 1,
    padding: 'same',
    activation: (opts.activation ?? 'linear') as 'linear',
  }).apply(x) as T;
const bn = (x: T) => L.batchNormalization({ name: n('bn') }).apply(x) as T;
const relu = (x: T) => L.reLU({ name: n('relu') }).apply(x) as T;
const act = (x: T, a: string) => L.activation({ name: n('act'), activation: a as 'relu' }).apply(x) as T;

export function mlp(): tf.LayersModel {
  const x = tf.input({ shape: [8], name: n('in') });
  let h = L.dense({ units: 16, activation: 'relu', name: n('dense') }).apply(x) as T;
  h = L.dropout({ rate: 0.2, name: n('drop') }).apply(h) as T;
  h = L.dense({ units: 12, activation: 'tanh', name: n('dense') }).apply(h) as T;
  const y = L.dense({ units: 4, name: n('out') }).apply(h) as T;
  return tf.model({ inputs: x, outputs: y });
}

/** Sigmoid and softplus hidden units: zeroed units are constants folded into the next bias. */
export function sigmoidMlp(): tf.LayersModel {
  const x = tf.input({ shape: [3, 6], name: n('in') });
  let h = L.dense({ units: 10, activation: 'sigmoid', name: n('dense') }).apply(x) as T;
  h = L.dense({ units: 8, activation: 'softplus', name: n('dense') }).apply(h) as T;
  h = L.flatten({ name: n('flat') }).apply(h) as T;
  const y = L.dense({ units: 3, name: n('out') }).apply(h) as T;
  return tf.model({ inputs: x, outputs: y });
}

export function vgg(): tf.LayersModel {
  const x = tf.input({ shape: [8, 8, 3], name: n('in') });
  let h = relu(bn(conv2d(x, 8)));
  h = relu(bn(conv2d(h, 8)));
  h = L.maxPooling2d({ poolSize: 2, name: n('pool') }).apply(h) as T;
  h = relu(bn(conv2d(h, 12)));
  h = L.flatten({ name: n('flat') }).apply(h) as T;
  h = L.dense({ units: 10, activation: 'relu', name: n('dense') }).apply(h) as T;
  const y = L.dense({ units: 3, name: n('out') }).apply(h) as T;
  return tf.model({ inputs: x, outputs: y });
}

export function resnet(): tf.LayersModel {
  const x = tf.input({ shape: [8, 8, 3], name: n('in') });
  let h = relu(bn(conv2d(x, 8)));
  // Projection block: 8 → 12 channels, stride 2.
  let a = relu(bn(conv2d(h, 12, { strides: 2 })));
  a = bn(conv2d(a, 12));
  const s = bn(conv2d(h, 12, { kernel: 1, strides: 2 }));
  h = relu(L.add({ name: n('add') }).apply([a, s]) as T);
  // Identity block.
  let b = relu(bn(conv2d(h, 12)));
  b = bn(conv2d(b, 12));
  h = relu(L.add({ name: n('add') }).apply([b, h]) as T);
  h = L.globalAveragePooling2d({ name: n('gap') }).apply(h) as T;
  const y = L.dense({ units: 4, name: n('out') }).apply(h) as T;
  return tf.model({ inputs: x, outputs: y });
}

export function densenet(): tf.LayersModel {
  const x = tf.input({ shape: [8, 8, 3], name: n('in') });
  let h = conv2d(x, 6);
  for (let i = 0; i < 2; i++) {
    const y = conv2d(relu(bn(h)), 4);
    h = L.concatenate({ name: n('cat') }).apply([h, y]) as T;
  }
  h = conv2d(relu(bn(h)), 8, { kernel: 1 });
  h = L.averagePooling2d({ poolSize: 2, name: n('avg') }).apply(h) as T;
  h = L.globalMaxPooling2d({ name: n('gmp') }).apply(h) as T;
  const y = L.dense({ units: 3, name: n('out') }).apply(h) as T;
  return tf.model({ inputs: x, outputs: y });
}

export function mobilenetV2(): tf.LayersModel {
  const x = tf.input({ shape: [8, 8, 4], name: n('in') });
  const stem = act(bn(conv2d(x, 8)), 'relu6');
  let h = act(bn(conv2d(stem, 24, { kernel: 1 })), 'relu6');
  h = L.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: n('dw') }).apply(h) as T;
  h = act(bn(h), 'relu6');
  h = bn(conv2d(h, 8, { kernel: 1 }));
  h = L.add({ name: n('add') }).apply([h, stem]) as T;
  h = L.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 2, name: n('dw') }).apply(h) as T;
  h = L.globalAveragePooling2d({ name: n('gap') }).apply(h) as T;
  const y = L.dense({ units: 3, name: n('out') }).apply(h) as T;
  return tf.model({ inputs: x, outputs: y });
}

export function squeezeExcite(): tf.LayersModel {
  const x = tf.input({ shape: [6, 6, 3], name: n('in') });
  const h = relu(bn(conv2d(x, 8)));
  let s = L.globalAveragePooling2d({ name: n('gap') }).apply(h) as T;
  s = L.dense({ units: 3, activation: 'relu', name: n('squeeze') }).apply(s) as T;
  s = L.dense({ units: 8, activation: 'sigmoid', name: n('excite') }).apply(s) as T;
  s = L.reshape({ targetShape: [1, 1, 8], name: n('reshape') }).apply(s) as T;
  let g = L.multiply({ name: n('mul') }).apply([h, s]) as T;
  g = conv2d(g, 6, { activation: 'relu' });
  g = L.globalAveragePooling2d({ name: n('gap') }).apply(g) as T;
  const y = L.dense({ units: 2, name: n('out') }).apply(g) as T;
  return tf.model({ inputs: x, outputs: y });
}

const conv1d = (x: T, filters: number, kernel = 3, strides = 1) =>
  L.conv1d({ name: n('conv1d'), filters, kernelSize: kernel, strides, padding: 'same' }).apply(x) as T;
const gn = (x: T, groups: number) => new GroupNormalization({ groups, name: n('gn') }).apply(x) as T;
const mish = (x: T) => act(x, 'mish');

/** A Diffusion-Policy-style residual block: conv → GN → Mish → FiLM → conv → GN → Mish (+ 1×1 skip). */
function unetBlock(x: T, cond: T, ch: number): T {
  let h = mish(gn(conv1d(x, ch), 4));
  h = new FiLM({ name: n('film') }).apply([h, cond]) as T;
  h = mish(gn(conv1d(h, ch), 4));
  const skip = (x.shape[x.shape.length - 1] === ch ? x : conv1d(x, ch, 1)) as T;
  return L.add({ name: n('add') }).apply([h, skip]) as T;
}

/** 1-D temporal U-Net (T=16) with GroupNorm, FiLM conditioning and skip concatenations. */
export function temporalUnet(opts: { horizon?: number; width?: number; actionDim?: number; condDim?: number } = {}): tf.LayersModel {
  const T_ = opts.horizon ?? 16;
  const w = opts.width ?? 16;
  const a = tf.input({ shape: [T_, opts.actionDim ?? 4], name: n('actions') });
  const c = tf.input({ shape: [opts.condDim ?? 6], name: n('cond') });
  const cond = L.dense({ units: w, activation: 'mish' as 'relu', name: n('cond_mlp') }).apply(c) as T;
  const h1 = unetBlock(a, cond, w);
  const d1 = conv1d(h1, w, 3, 2);
  const h2 = unetBlock(d1, cond, 2 * w);
  const mid = unetBlock(h2, cond, 2 * w);
  let up = L.reshape({ targetShape: [T_ / 2, 1, 2 * w], name: n('r') }).apply(mid) as T;
  up = L.upSampling2d({ size: [2, 1], name: n('up') }).apply(up) as T;
  up = L.reshape({ targetShape: [T_, 2 * w], name: n('r') }).apply(up) as T;
  const cat = L.concatenate({ name: n('cat') }).apply([up, h1]) as T;
  const h3 = unetBlock(cat, cond, w);
  const y = L.conv1d({ name: n('final'), filters: opts.actionDim ?? 4, kernelSize: 1 }).apply(h3) as T;
  return tf.model({ inputs: [a, c], outputs: y });
}

export function multiInput(): tf.LayersModel {
  const a = tf.input({ shape: [6], name: n('a') });
  const b = tf.input({ shape: [5], name: n('b') });
  const ha = L.dense({ units: 8, activation: 'relu', name: n('da') }).apply(a) as T;
  const hb = L.dense({ units: 8, activation: 'elu', name: n('db') }).apply(b) as T;
  const sum = L.add({ name: n('add') }).apply([ha, hb]) as T;
  const cat = L.concatenate({ name: n('cat') }).apply([sum, hb]) as T;
  const h = L.dense({ units: 10, activation: 'swish' as 'relu', name: n('dh') }).apply(cat) as T;
  const y1 = L.dense({ units: 2, name: n('y1') }).apply(h) as T;
  const y2 = L.dense({ units: 3, name: n('y2') }).apply(h) as T;
  return tf.model({ inputs: [a, b], outputs: [y1, y2] });
}

/**
 * A BiDP-like policy: PointNet shared MLP over points with max-pooling, a proprio MLP, both
 * concatenated into the condition of an MLP denoiser modulated by FiLM.
 */
export function pointnetPolicy(): tf.LayersModel {
  const pts = tf.input({ shape: [32, 3], name: n('points') });
  const prop = tf.input({ shape: [7], name: n('proprio') });
  const noisy = tf.input({ shape: [10], name: n('noisy') });
  let p = L.dense({ units: 16, activation: 'relu', name: n('pn') }).apply(pts) as T;
  p = L.dense({ units: 24, activation: 'relu', name: n('pn') }).apply(p) as T;
  p = L.globalMaxPooling1d({ name: n('pool') }).apply(p) as T;
  const q = L.dense({ units: 8, activation: 'mish' as 'relu', name: n('prop') }).apply(prop) as T;
  const cond = L.concatenate({ name: n('cond') }).apply([p, q]) as T;
  let h = L.dense({ units: 32, activation: 'mish' as 'relu', name: n('den') }).apply(noisy) as T;
  h = new FiLM({ name: n('film') }).apply([h, cond]) as T;
  h = L.dense({ units: 32, activation: 'mish' as 'relu', name: n('den') }).apply(h) as T;
  const y = L.dense({ units: 10, name: n('eps') }).apply(h) as T;
  return tf.model({ inputs: [pts, prop, noisy], outputs: y });
}

/** Embedding, transposed/separable convs, padding, cropping. */
export function extras(): tf.LayersModel {
  const tokens = tf.input({ shape: [4], name: n('tok'), dtype: 'int32' });
  const img = tf.input({ shape: [6, 6, 3], name: n('img') });
  let e = L.embedding({ inputDim: 10, outputDim: 6, name: n('emb') }).apply(tokens) as T;
  e = L.globalAveragePooling1d({ name: n('gap1') }).apply(e) as T;
  let h = L.separableConv2d({ filters: 8, kernelSize: 3, padding: 'same', depthMultiplier: 2, name: n('sep') }).apply(img) as T;
  h = relu(h);
  h = L.zeroPadding2d({ padding: 1, name: n('pad') }).apply(h) as T;
  h = L.conv2dTranspose({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', name: n('convT') }).apply(h) as T;
  h = L.cropping2D({ cropping: [[1, 1], [1, 1]], name: n('crop') }).apply(h) as T;
  h = relu(h);
  h = L.globalAveragePooling2d({ name: n('gap') }).apply(h) as T;
  const cat = L.concatenate({ name: n('cat') }).apply([e, h]) as T;
  const y = L.dense({ units: 2, name: n('out') }).apply(cat) as T;
  return tf.model({ inputs: [tokens, img], outputs: y });
}

/** A Sequential MLP (a different toJSON layout from functional models). */
export function sequentialMlp(): tf.LayersModel {
  const m = tf.sequential({ name: n('seq') });
  m.add(L.dense({ units: 10, activation: 'relu', inputShape: [5], name: n('d') }));
  m.add(L.dense({ units: 7, activation: 'relu', name: n('d') }));
  m.add(L.dense({ units: 2, name: n('d') }));
  return m;
}
