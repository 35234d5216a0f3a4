/** HESSO's state round-trips: stopping, restoring into a fresh model and optimizer, and going on gives the same weights. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initTf } from '../../tf/index.ts';
import { OTO, type HessoOptions } from '../../compress/index.ts';
import { student, teacherData, train, type Dataset } from './classifier-task.ts';

let data: Dataset;
beforeAll(async () => {
  await initTf({ backend: 'wasm' });
  data = teacherData(512, 3);
});

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

async function resumeMatches(opts: HessoOptions, stopAt: number, total: number): Promise<void> {
  const a = student(7);
  const optA = new OTO(a).hesso(opts);
  train(a, optA, data, stopAt, 32, 1);
  const { meta, tensors } = optA.getState();
  const json = JSON.parse(JSON.stringify(meta)) as typeof meta;
  const saved = a.getWeights().map((w) => tf.clone(w));
  train(a, optA, data, total - stopAt, 32, 2);

  const b = student(99);
  b.setWeights(saved);
  const optB = new OTO(b).hesso(opts);
  optB.setState(json, tensors);
  train(b, optB, data, total - stopAt, 32, 2);
  expect(weightsOf(b)).toEqual(weightsOf(a));
  expect(optB.metrics()).toEqual(optA.metrics());
  tf.dispose([...saved, ...Object.values(tensors)]);
  optA.dispose();
  optB.dispose();
}

describe('HESSO state', () => {
  it('resumes mid-period', async () => {
    await resumeMatches({ lr: 5e-3, targetGroupSparsity: 0.5, totalSteps: 40 }, 13, 30);
  });
  it('pruned group ids carry over to a twin model (an EMA copy)', () => {
    const a = student(5);
    const opt = new OTO(a).hesso({ lr: 5e-3, targetGroupSparsity: 0.25, totalSteps: 20, pruningPeriods: 2 });
    train(a, opt, data, 20, 32, 1);
    const ids = opt.prunedGroupIds();
    expect(ids.length).toBe(32);
    const twin = student(6);
    const oto = new OTO(twin);
    oto.zeroGroupsById(ids);
    expect(oto.zeroGroupsNow().map((z) => z.id)).toEqual(ids);
    expect(() => oto.zeroGroupsById([0])).toThrow(/not a prunable group/);
    opt.dispose();
  });

  it('resumes mid-CRIC-cycle', async () => {
    await resumeMatches({ lr: 5e-3, targetGroupSparsity: 0.5, totalSteps: 40, identification: 'cric', cric: { samplingSteps: 3, maxCycles: 3 } }, 7, 30);
  });
});
