/**
 * HESSO on the GroupNorm + FiLM temporal U-Net: the projection reaches exactly the target
 * number of zero groups through norm units and FiLM columns, and the subnet of the trained
 * model matches it.
 */
import { beforeAll, expect, it } from 'vitest';
import { tf, initTf } from '../../tf/index.ts';
import { OTO } from '../../compress/index.ts';
import { temporalUnet } from './architectures.ts';

beforeAll(async () => {
  // Conv1D gradients on wasm come from tf/index.ts's kernels (3× faster than cpu here).
  await initTf({ backend: 'wasm' });
});

it('HESSO trains a conv U-Net to exact group sparsity; subnet equals it', async () => {
  const model = temporalUnet({ horizon: 8, width: 8, actionDim: 3, condDim: 4 });
  const oto = new OTO(model);
  const opt = oto.hesso({ lr: 1e-2, targetGroupSparsity: 0.4, startPruningStep: 3, pruningSteps: 12, pruningPeriods: 3 });
  const a = tf.randomNormal([16, 8, 3], 0, 1, 'float32', 1);
  const c = tf.randomNormal([16, 4], 0, 1, 'float32', 2);
  const target = tf.tidy(() => tf.mul(tf.tanh(a), 0.5));
  const losses: number[] = [];
  for (let s = 0; s < 20; s++) {
    losses.push(opt.minimize(() => tf.losses.meanSquaredError(target, model.apply([a, c], { training: true }) as tf.Tensor) as tf.Scalar));
  }
  const m = opt.metrics();
  expect(m.zeroGroups).toBe(opt.targetRedundant);
  expect(m.zeroGroups).toBe(Math.round(0.4 * m.prunableGroups));
  expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  const { model: sub, report } = await oto.constructSubnet();
  expect(report.removedGroups).toBe(m.zeroGroups);
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict([a, c]) as tf.Tensor, sub.predict([a, c]) as tf.Tensor))).dataSync()[0]);
  expect(d).toBeLessThanOrEqual(1e-5);
  expect(sub.countParams()).toBe(report.predictedParams);
  opt.dispose();
});
