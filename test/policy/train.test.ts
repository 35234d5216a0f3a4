/** BiDP training: it learns, it saves and loads, it resumes exactly, it does not leak, and HESSO's subnet equals the sparse network. */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTf, tf } from '../../tf/index.ts';
import { makeBatch, makeSchedule, Normalizer, Policy, policySubnet, PROPRIO_DIM, trainPolicy, type TrainingData, type TrainOptions } from '../../policy/index.ts';
import { Rng } from '../../core/rng.ts';
import { tinyData, TINY_MODEL } from './tiny-data.ts';

let dir: string;
beforeAll(async () => {
  await initTf({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'yoto-policy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = tinyData();
const base = (out: string, steps: number): TrainOptions => ({ data, out, steps, batch: 16, points: 16, lr: 3e-3, model: TINY_MODEL, seed: 5, checkpointEvery: 10 });
const weights = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('trainPolicy', () => {
  it('overfits a tiny dataset: the sampled programs land on each episode’s own keyposes', async () => {
    const counts: number[] = [];
    const losses: number[] = [];
    const r = await trainPolicy({
      ...base(join(dir, 'fit'), 600),
      onStep: (s) => {
        losses.push(s.loss);
        if (s.step === 20 || s.step === 300) counts.push(tf.memory().numTensors);
      },
    });
    // No tensor leak: the same number of live tensors after 20 and after 300 steps.
    expect(counts[1]).toBe(counts[0]);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-50))).toBeLessThan(0.3 * mean(losses.slice(0, 20)));
    const policy = r.policy;
    const A = data.actionDim;
    for (let e = 0; e < data.episodes; e++) {
      const f = e * 6;
      const v = policy.predictVector({ cloud: data.clouds.subarray(f * 96, (f + 1) * 96), cloudPoints: 32, proprio: data.proprio.subarray(f * PROPRIO_DIM, (f + 1) * PROPRIO_DIM) }, e);
      // keypose x positions (the only thing that varies) within 3 cm over a 40 cm spread
      expect(Math.abs(v[1] - data.actions[e * A + 1])).toBeLessThan(0.03);
      expect(Math.abs(v[11] - data.actions[e * A + 11])).toBeLessThan(0.03);
    }
    // save → load gives the same network outputs and the same programs
    await policy.save(join(dir, 'saved'));
    const back = await Policy.load(join(dir, 'saved'));
    expect(back.meta).toEqual(JSON.parse(JSON.stringify(policy.meta)));
    const xs = [tf.randomNormal([2, 16, 3]), tf.randomNormal([2, PROPRIO_DIM]), tf.randomNormal([2, TINY_MODEL.tembDim]), tf.randomNormal([2, A])];
    expect(Array.from((back.model.predict(xs) as tf.Tensor).dataSync())).toEqual(Array.from((policy.model.predict(xs) as tf.Tensor).dataSync()));
    tf.dispose(xs);
  });

  it('resuming from a checkpoint gives the same weights as an uninterrupted run', async () => {
    const whole = await trainPolicy(base(join(dir, 'whole'), 30));
    const out = join(dir, 'cut');
    const steps: number[] = [];
    await expect(
      trainPolicy({
        ...base(out, 30),
        onStep: (s) => {
          if (s.step === 17) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    // A crash between the checkpoint's two renames leaves only checkpoint.old: resume from that.
    renameSync(join(out, 'checkpoint'), join(out, 'checkpoint.old'));
    const resumed = await trainPolicy({ ...base(out, 30), resume: true, onStep: (s) => void steps.push(s.step) });
    expect(steps[0]).toBe(11);
    expect(weights(resumed.policy.model)).toEqual(weights(whole.policy.model));
    expect(resumed.losses).toEqual(whole.losses);
    await expect(trainPolicy({ ...base(out, 40), resume: true })).rejects.toThrow(/other settings/);
  });

  it('HESSO drives half the groups to zero and the constructed subnet computes the same function', async () => {
    const r = await trainPolicy({ ...base(join(dir, 'hesso'), 60), hessoSparsity: 0.5 });
    expect(r.policy.meta.training.hesso?.pruned_groups).toBeGreaterThan(0);
    const sub = await policySubnet(r.policy);
    expect(sub.report.after.params).toBeLessThan(0.75 * sub.report.before.params);
    expect(sub.maxAbsDiff).toBeLessThan(1e-4);
    const a = r.policy.predictVector({ cloud: data.clouds, cloudPoints: 32, proprio: data.proprio }, 3);
    const b = sub.policy.predictVector({ cloud: data.clouds, cloudPoints: 32, proprio: data.proprio }, 3);
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 3));
  });
});

describe('makeBatch', () => {
  it("with chunk actions, each sample's target is its own frame's row (not its episode's)", () => {
    const d = tinyData(3, 5, 32, 4);
    const A = 40;
    // Row f is a ramp starting at f: unique per frame, so a row names its frame.
    const actions = Float32Array.from({ length: d.frames * A }, (_, i) => Math.floor(i / A) + (i % A) * 0.01);
    const chunk: TrainingData = { ...d, action: 'chunk', chunk: { horizon: 2, execute: 1, hz: 10 }, actions, actionDim: A, norm: { ...d.norm, action: Normalizer.fit(actions, A) } };
    const schedule = makeSchedule({ beta: 'squaredcos_cap_v2', trainSteps: 100 });
    const b = makeBatch(chunk, schedule, 12, 16, 8, new Rng(5));
    for (let i = 0; i < 12; i++) {
      const prop = b.proprio.subarray(i * PROPRIO_DIM, (i + 1) * PROPRIO_DIM);
      const f = Array.from({ length: d.frames }, (_, g) => g).find((g) => {
        const raw = chunk.norm.proprio.normalize(Float32Array.from(d.proprio.subarray(g * PROPRIO_DIM, (g + 1) * PROPRIO_DIM)));
        return raw.every((v, j) => Math.abs(v - prop[j]) < 1e-6);
      });
      expect(f).toBeDefined();
      const want = chunk.norm.action.normalize(Float32Array.from(actions.subarray(f! * A, (f! + 1) * A)));
      expect(Array.from(b.x0.subarray(i * A, (i + 1) * A))).toEqual(Array.from(want));
    }
  });
});
