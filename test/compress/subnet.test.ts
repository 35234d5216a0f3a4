/**
 * OTO's sanity check over many architectures: zero random groups, construct the subnet, and
 * the subnet must give the group-sparse model's outputs with exactly the predicted size.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initTf } from '../../tf/index.ts';
import { OTO, modelToJson } from '../../compress/index.ts';
import * as A from './architectures.ts';

beforeAll(async () => {
  await initTf({ backend: 'cpu' });
});

function inputsFor(model: tf.LayersModel, batch: number, seed: number): tf.Tensor[] {
  return model.inputs.map((inp, i) => {
    const shape = inp.shape.map((d, k) => (k === 0 ? batch : (d as number)));
    return inp.dtype === 'int32'
      ? tf.randomUniform(shape, 0, 10, 'int32', seed + i)
      : tf.randomNormal(shape, 0, 1, 'float32', seed + i);
  });
}

function predictAll(model: tf.LayersModel, xs: tf.Tensor[]): Float32Array[] {
  const y = model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor | tf.Tensor[];
  const ys = Array.isArray(y) ? y : [y];
  const out = ys.map((t) => t.dataSync() as Float32Array);
  tf.dispose(ys);
  return out;
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((x, i) => {
    expect(b[i].length).toBe(x.length);
    for (let k = 0; k < x.length; k++) m = Math.max(m, Math.abs(x[k] - b[i][k]));
  });
  return m;
}

const cases: [string, () => tf.LayersModel][] = [
  ['MLP', A.mlp],
  ['Sequential MLP', A.sequentialMlp],
  ['sigmoid/softplus MLP (constants folded into biases)', A.sigmoidMlp],
  ['VGG conv + BatchNorm + Flatten', A.vgg],
  ['ResNet projection shortcuts', A.resnet],
  ['DenseNet concat', A.densenet],
  ['MobileNetV2 inverted residual', A.mobilenetV2],
  ['squeeze-and-excitation', A.squeezeExcite],
  ['1-D temporal U-Net, GroupNorm + FiLM', () => A.temporalUnet()],
  ['multi-input, multi-output', A.multiInput],
  ['PointNet encoder + FiLM MLP denoiser (3 inputs)', A.pointnetPolicy],
  ['embedding, separable, transposed, padding', A.extras],
];

describe('one-shot magnitude pruning', () => {
  it('zeroes the lowest-RMS groups, and only prunable ones', async () => {
    const model = A.vgg();
    A.randomizeWeights(model, 2);
    const oto = new OTO(model);
    // Shrink one conv's first 3 filters: they must be among the groups picked.
    const conv = model.layers.find((l) => l.getClassName() === 'Conv2D')!;
    const k = conv.weights[0].read();
    const scaled = tf.tidy(() => tf.mul(k, tf.tensor([0.01, 0.01, 0.01, 1, 1, 1, 1, 1], [1, 1, 1, 8])));
    conv.weights[0].write(scaled);
    scaled.dispose();
    const picked = oto.zeroLowestGroups(0.25);
    expect(picked.length).toBe(Math.round(0.25 * oto.prunableGroups.length));
    expect(picked.every((z) => z.prunable)).toBe(true);
    const shrunk = picked.filter((z) => z.owned.some((s) => s.layer === conv.name && s.weight === 0 && s.index < 3));
    expect(shrunk.length).toBe(3);
    expect(oto.zeroGroupsNow().length).toBe(picked.length);
  });
});

describe('subnet equals the group-sparse model', () => {
  for (const [name, build] of cases) {
    it(name, async () => {
      const model = build();
      A.randomizeWeights(model, 7);
      const oto = new OTO(model);
      expect(oto.warnings).toEqual([]);
      const prunable = oto.prunableGroups.length;
      expect(prunable).toBeGreaterThan(1);
      const zeroed = oto.randomZeroGroups(0.5, 3);
      expect(zeroed.length).toBeGreaterThan(0);
      expect(zeroed.length).toBeLessThanOrEqual(Math.round(0.5 * prunable));

      const xs = inputsFor(model, 3, 11);
      const dense = predictAll(model, xs);
      const { model: sub, report } = await oto.constructSubnet();
      expect(report.removedGroups).toBe(zeroed.length);
      const small = predictAll(sub, xs);
      expect(maxAbsDiff(dense, small)).toBeLessThanOrEqual(1e-5);
      // Parameter count exactly what the removed slices predict, and smaller than before.
      expect(sub.countParams()).toBe(report.predictedParams);
      expect(report.after.params).toBe(sub.countParams());
      expect(report.after.params).toBeLessThan(model.countParams());
      expect(report.after.macs).toBeLessThan(report.before.macs);
      // The subnet is a plain serializable LayersModel.
      const again = await tf.models.modelFromJSON(modelToJson(sub) as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
      expect(again.countParams()).toBe(sub.countParams());
      tf.dispose(xs);
    });
  }
});
