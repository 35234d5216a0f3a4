/**
 * The BiDP network as a functional tf.layers model (so it saves as model.json + weights and
 * compress/ can trace it), inputs in this order:
 *   points  (N, 3)  normalized point cloud      → PointNet: shared Dense layers, max-pool
 *   proprio (P)     normalized arm state        → MLP
 *   temb    (E)     sinusoidal diffusion step   → MLP (Mish)
 *   noisy   (A)     the noised, normalized action
 * The three encodings are concatenated into the condition, which modulates every residual block
 * of the denoiser through FiLM. Output: the predicted noise ε (A).
 *
 * The denoiser is an MLP of residual blocks (Dense → GroupNorm → Mish → FiLM → Dense → GroupNorm
 * → Mish, plus the skip), not Diffusion Policy's temporal U-Net: the default action is a whole
 * keypose program, a short vector with no time axis to convolve over, and on this machine's wasm
 * backend the MLP trains ~10× faster per parameter (see bench/policy.bench.ts).
 */
import { tf } from '../tf/index.ts';
import { FiLM, GroupNormalization } from '../compress/index.ts';
import type { ModelConfig } from './config.ts';

export const INPUT_NAMES = ['points', 'proprio', 'temb', 'noisy'] as const;

export function buildBidpModel(cfg: ModelConfig): tf.LayersModel {
  let seed = cfg.seed * 1000;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const dense = (units: number, name: string, activation?: 'relu' | 'mish') =>
    tf.layers.dense({ units, name, activation, kernelInitializer: init() });

  const points = tf.input({ shape: [cfg.points, 3], name: 'points' });
  const proprio = tf.input({ shape: [cfg.proprioDim], name: 'proprio' });
  const temb = tf.input({ shape: [cfg.tembDim], name: 'temb' });
  const noisy = tf.input({ shape: [cfg.actionDim], name: 'noisy' });

  let p: tf.SymbolicTensor = points;
  cfg.pointWidths.forEach((w, i) => {
    p = dense(w, `point_mlp_${i}`, i < cfg.pointWidths.length - 1 ? 'relu' : undefined).apply(p) as tf.SymbolicTensor;
  });
  p = tf.layers.globalMaxPooling1d({ name: 'point_pool' }).apply(p) as tf.SymbolicTensor;
  p = dense(cfg.obsFeature, 'point_proj').apply(p) as tf.SymbolicTensor;

  let s = dense(cfg.proprioFeature, 'proprio_mlp_0', 'relu').apply(proprio) as tf.SymbolicTensor;
  s = dense(cfg.proprioFeature, 'proprio_mlp_1').apply(s) as tf.SymbolicTensor;

  let e = dense(cfg.tembDim * 2, 'temb_mlp_0', 'mish').apply(temb) as tf.SymbolicTensor;
  e = dense(cfg.tembDim, 'temb_mlp_1').apply(e) as tf.SymbolicTensor;

  const cond = tf.layers.concatenate({ name: 'cond' }).apply([p, s, e]) as tf.SymbolicTensor;

  let h = dense(cfg.hidden, 'in_proj').apply(noisy) as tf.SymbolicTensor;
  for (let b = 0; b < cfg.blocks; b++) {
    let y = dense(cfg.hidden, `block${b}_dense0`).apply(h) as tf.SymbolicTensor;
    y = new GroupNormalization({ groups: cfg.groups, name: `block${b}_norm0` }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.activation({ activation: 'mish', name: `block${b}_act0` }).apply(y) as tf.SymbolicTensor;
    y = new FiLM({ name: `block${b}_film`, seed: seed++ }).apply([y, cond]) as tf.SymbolicTensor;
    y = dense(cfg.hidden, `block${b}_dense1`).apply(y) as tf.SymbolicTensor;
    y = new GroupNormalization({ groups: cfg.groups, name: `block${b}_norm1` }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.activation({ activation: 'mish', name: `block${b}_act1` }).apply(y) as tf.SymbolicTensor;
    h = tf.layers.add({ name: `block${b}_add` }).apply([h, y]) as tf.SymbolicTensor;
  }
  h = tf.layers.activation({ activation: 'mish', name: 'out_act' }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: cfg.actionDim, name: 'eps', kernelInitializer: tf.initializers.zeros() }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: [points, proprio, temb, noisy], outputs: out, name: 'bidp' });
}
