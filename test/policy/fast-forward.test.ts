/** FastForward (plain-TypeScript batch-1 forward pass) equals model.predict, dense and HESSO-compressed; the sampler built on it equals DDIM over model.predict. */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { initTf, tf } from '../../tf/index.ts';
import { GroupNormalization, OTO } from '../../compress/index.ts';
import { FastForward } from '../../policy/fast-forward.ts';
import { buildBidpModel } from '../../policy/model.ts';
import type { ModelConfig, PolicyFile } from '../../policy/config.ts';
import { ddimStep, ddimTimesteps, makeSchedule, timestepEmbedding } from '../../policy/diffusion.ts';
import { Normalizer } from '../../policy/normalizer.ts';
import { PROPRIO_DIM, selectPoints } from '../../policy/observation.ts';
import { PolicySampler } from '../../policy/sampler.ts';

beforeAll(async () => {
  await initTf({ backend: 'wasm' });
});

const CFG: ModelConfig = { points: 25, proprioDim: 7, actionDim: 10, pointWidths: [16, 32], obsFeature: 16, proprioFeature: 8, tembDim: 16, hidden: 32, blocks: 2, groups: 4, seed: 3 };

/** Every weight random (the output layer is zero-initialized, the norms are identity): a test that could not tell layers apart would pass on those. */
function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  const values = model.weights.map((w) => {
    const shape = w.shape as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    const scale = shape.length === 2 ? 1.5 / Math.sqrt(shape[0]) : 0.3;
    const base = w.name.includes('gamma') ? 1 : 0;
    return tf.tensor(Float32Array.from({ length: n }, () => base + scale * rng.normal()), shape);
  });
  model.setWeights(values);
  tf.dispose(values);
}

const random = (rng: Rng, n: number, s = 1) => Float32Array.from({ length: n }, () => s * rng.normal());

type Case = {
  points: Float32Array;
  proprio: Float32Array;
  temb: Float32Array;
  noisy: Float32Array;
};

function randomCase(cfg: ModelConfig, rng: Rng, t: number): Case {
  return { points: random(rng, cfg.points * 3, 0.5), proprio: random(rng, cfg.proprioDim), temb: timestepEmbedding([t], cfg.tembDim), noisy: random(rng, cfg.actionDim) };
}

function predict(model: tf.LayersModel, cfg: ModelConfig, c: Case): Float32Array {
  const xs = [tf.tensor3d(c.points, [1, cfg.points, 3]), tf.tensor2d(c.proprio, [1, cfg.proprioDim]), tf.tensor2d(c.temb, [1, cfg.tembDim]), tf.tensor2d(c.noisy, [1, cfg.actionDim])];
  const out = model.predict(xs) as tf.Tensor;
  const v = out.dataSync() as Float32Array;
  tf.dispose([...xs, out]);
  return v;
}

/** max |a − b| relative to the reference's scale. */
function relErr(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  expect(a.length).toBe(ref.length);
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - ref[i]));
    s = Math.max(s, Math.abs(ref[i]));
  }
  expect(s).toBeGreaterThan(1e-3); // a non-trivial output
  return d / s;
}

/** Two observations, each through prepareSteps/runStep and through run(): all equal predict. */
function checkAgainstPredict(model: tf.LayersModel, cfg: ModelConfig, seed: number): void {
  const rng = new Rng(seed);
  const ff = new FastForward(model);
  const ts = [90, 40, 0];
  ff.prepareSteps(ts.map((t) => ({ temb: timestepEmbedding([t], cfg.tembDim) })));
  expect(ff.preparedSteps).toBe(3);
  for (let obs = 0; obs < 2; obs++) {
    const c = randomCase(cfg, rng, 0);
    ff.prepare(c);
    ts.forEach((t, k) => {
      for (let rep = 0; rep < 2; rep++) {
        const noisy = random(rng, cfg.actionDim);
        const ref = predict(model, cfg, { ...c, temb: timestepEmbedding([t], cfg.tembDim), noisy });
        expect(relErr(ff.runStep(k, { noisy }), ref)).toBeLessThan(1e-4);
      }
    });
    const odd = { ...c, temb: timestepEmbedding([57], cfg.tembDim) };
    expect(relErr(ff.run(odd), predict(model, cfg, odd))).toBeLessThan(1e-4);
  }
}

describe('FastForward', () => {
  it('equals model.predict on a dense BiDP network', () => {
    const model = buildBidpModel(CFG);
    randomizeWeights(model, 11);
    checkAgainstPredict(model, CFG, 21);
    model.dispose();
  });

  it('equals model.predict on its HESSO subnet (other widths, same topology)', async () => {
    const model = buildBidpModel(CFG);
    randomizeWeights(model, 12);
    const oto = new OTO(model);
    oto.zeroLowestGroups(0.5);
    const { model: small } = await oto.constructSubnet();
    expect(small.countParams()).toBeLessThan(model.countParams());
    checkAgainstPredict(small, CFG, 22);
    // and the subnet's fast pass equals the zeroed dense network's
    const rng = new Rng(23);
    const c = randomCase(CFG, rng, 30);
    const a = new FastForward(model);
    const b = new FastForward(small);
    a.prepare(c);
    b.prepare(c);
    expect(relErr(b.run(c), a.run(c))).toBeLessThan(1e-4);
    model.dispose();
    small.dispose();
  });

  it('runs per-point GroupNormalization, Add and Concatenate too (other tiers)', () => {
    const pts = tf.input({ shape: [5, 3], name: 'points' });
    const a = tf.layers.dense({ units: 8, activation: 'relu', name: 'a' }).apply(pts) as tf.SymbolicTensor;
    const n = new GroupNormalization({ groups: 2, name: 'n' }).apply(a) as tf.SymbolicTensor;
    const m = tf.layers.activation({ activation: 'mish', name: 'm' }).apply(n) as tf.SymbolicTensor;
    const s = tf.layers.add({ name: 's' }).apply([m, tf.layers.dense({ units: 8, name: 'b' }).apply(pts) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    const c = tf.layers.concatenate({ name: 'c' }).apply([s, pts]) as tf.SymbolicTensor;
    const p = tf.layers.globalMaxPooling1d({ name: 'p' }).apply(c) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, activation: 'mish', name: 'o' }).apply(p) as tf.SymbolicTensor;
    const model = tf.model({ inputs: pts, outputs: out });
    randomizeWeights(model, 14);
    const ff = new FastForward(model, { staticInputs: ['points'], stepInputs: [], dynamicInputs: [] });
    const points = random(new Rng(15), 15);
    ff.prepare({ points });
    const x = tf.tensor3d(points, [1, 5, 3]);
    const y = model.predict(x) as tf.Tensor;
    expect(relErr(ff.run({}), y.dataSync())).toBeLessThan(1e-4);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('throws naming the layer on an unsupported layer or activation, and on bad feeds', () => {
    const x = tf.input({ shape: [4], name: 'noisy' });
    const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(tf.layers.dense({ units: 4, name: 'd' }).apply(x)) as tf.SymbolicTensor;
    expect(() => new FastForward(tf.model({ inputs: x, outputs: bn }))).toThrow(/layer 'bn' has unsupported class 'BatchNormalization'/);
    const th = tf.layers.dense({ units: 4, name: 'tanh_dense', activation: 'tanh' }).apply(x) as tf.SymbolicTensor;
    expect(() => new FastForward(tf.model({ inputs: x, outputs: th }))).toThrow(/layer 'tanh_dense' has unsupported activation 'tanh'/);
    const ok = new FastForward(tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2, name: 'd2' }).apply(x) as tf.SymbolicTensor }));
    expect(() => ok.run({ noisy: new Float32Array(3) })).toThrow(/input 'noisy' has 3 values, expected 4/);
    expect(() => ok.runStep(0, { noisy: new Float32Array(4) })).toThrow(/step 0 was not prepared/);
    const model = buildBidpModel(CFG);
    expect(() => new FastForward(model).run(randomCase(CFG, new Rng(1), 0))).toThrow(/prepare\(\) the observation/);
    model.dispose();
  });
});

describe('PolicySampler on FastForward', () => {
  it('gives the DDIM result of model.predict', () => {
    const cfg = { ...CFG, proprioDim: PROPRIO_DIM };
    const model = buildBidpModel(cfg);
    randomizeWeights(model, 13);
    const rng = new Rng(31);
    const P = 40;
    const meta = {
      model: cfg,
      diffusion: { beta: 'squaredcos_cap_v2', trainSteps: 100, inferenceSteps: 5, prediction: 'sample' },
      cloudPoints: cfg.points,
      normalizers: {
        points: { scale: [2, 2, 2], offset: [0.1, 0, -0.1] },
        proprio: { scale: Array(PROPRIO_DIM).fill(0.5), offset: Array(PROPRIO_DIM).fill(0.2) },
        action: { scale: Array(cfg.actionDim).fill(3), offset: Array(cfg.actionDim).fill(1) },
      },
    } as unknown as PolicyFile; // predictVector reads only these fields
    const cloud = random(rng, P * 3, 0.3);
    const proprio = random(rng, PROPRIO_DIM + 2); // a longer row: the sampler takes the first PROPRIO_DIM
    const got = new PolicySampler(model, meta).predictVector({ cloud, cloudPoints: P, proprio }, 5);

    // The reference: the same DDIM loop over model.predict (what the StagedModel sampler computed).
    const sched = makeSchedule({ beta: 'squaredcos_cap_v2', trainSteps: 100 });
    const steps = ddimTimesteps(100, 5);
    const points = new Float32Array(cfg.points * 3);
    selectPoints(cloud, 0, P, cfg.points, points, 0);
    new Normalizer(meta.normalizers.points).normalize(points);
    const prop = new Normalizer(meta.normalizers.proprio).normalize(proprio.slice(0, PROPRIO_DIM));
    const noise = new Rng(5);
    const x = Float32Array.from({ length: cfg.actionDim }, () => noise.normal());
    steps.forEach((t, i) => {
      const out = predict(model, cfg, { points, proprio: prop, temb: timestepEmbedding([t], cfg.tembDim), noisy: x });
      ddimStep(sched, x, out, t, i + 1 < steps.length ? steps[i + 1] : -1, 1, 'sample');
    });
    const want = new Normalizer(meta.normalizers.action).unnormalize(x);
    expect(relErr(got, want)).toBeLessThan(1e-4);
    model.dispose();
  });
});
