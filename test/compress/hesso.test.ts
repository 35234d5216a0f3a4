/**
 * HESSO on a small real task: reaches exactly the target group sparsity with accuracy within
 * one point of dense training; the subnet keeps the accuracy; CRIC through the same API.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initTf } from '../../tf/index.ts';
import { OTO } from '../../compress/index.ts';
import { accuracy, student, teacherData, train, type Dataset } from './classifier-task.ts';

let trainSet: Dataset;
let testSet: Dataset;
let denseAcc = 0;
const STEPS = 300;
const BATCH = 64;

beforeAll(async () => {
  // Dense-only models: the wasm backend trains them (with tf/index.ts's kernels) 3× faster than cpu.
  await initTf({ backend: 'wasm' });
  trainSet = teacherData(4000, 1);
  testSet = teacherData(2000, 2);
  const model = student(10);
  const opt = new OTO(model).hesso({ lr: 5e-3, targetGroupSparsity: 0, totalSteps: STEPS });
  train(model, opt, trainSet, STEPS, BATCH, 5);
  denseAcc = accuracy(model, testSet);
});

describe('HESSO', () => {
  it('defaults do not prune at step 1 from the initial weights', () => {
    const model = student(3);
    const opt = new OTO(model).hesso({ lr: 1e-3, targetGroupSparsity: 0.5, totalSteps: 100 });
    train(model, opt, trainSet, 1, BATCH, 1);
    const m = opt.metrics();
    expect(m.phase).toBe('warmup');
    expect(m.zeroGroups).toBe(0);
    expect(m.prunedGroups + m.activeRedundantGroups).toBe(0);
  });

  it('reaches exactly the target group sparsity with accuracy within 1 point of dense', async () => {
    expect(denseAcc).toBeGreaterThan(0.85);
    const model = student(10);
    const oto = new OTO(model);
    const opt = oto.hesso({ lr: 5e-3, targetGroupSparsity: 0.5, totalSteps: STEPS });
    const log = train(model, opt, trainSet, STEPS, BATCH, 5, 50);
    const m = opt.metrics();
    expect(m.prunableGroups).toBe(128);
    expect(m.zeroGroups).toBe(64);
    expect(m.groupSparsity).toBe(0.5);
    expect(m.phase).toBe('finetune');
    // Sparsity grows over the periods (not all at once).
    expect(new Set(log.groupSparsity).size).toBeGreaterThan(3);
    const acc = accuracy(model, testSet);
    expect(acc).toBeGreaterThanOrEqual(denseAcc - 0.01);
    const { model: sub, report } = await oto.constructSubnet();
    expect(report.removedGroups).toBe(64);
    expect(accuracy(sub, testSet)).toBe(acc);
    // Global selection may split the 64 kept units unevenly between the two hidden layers.
    const a = sub.getLayer('h1').weights[1].shape[0]!;
    const b = sub.getLayer('h2').weights[1].shape[0]!;
    expect(a + b).toBe(64);
    expect(sub.countParams()).toBe(16 * a + a + a * b + b + b * 4 + 4);
    opt.dispose();
  });

  it('CRIC: same API, exact target sparsity, accuracy close to dense', () => {
    const model = student(10);
    const opt = new OTO(model).hesso({
      lr: 5e-3,
      targetGroupSparsity: 0.5,
      totalSteps: STEPS,
      identification: 'cric',
      cric: { samplingSteps: 8, maxCycles: 3 },
    });
    // Trial projections are undone: while CRIC runs, no group stays zero between cycles.
    let cricSteps = 0;
    let maxZeroAtCycleStart = 0;
    let lastCycles = 0;
    for (let s = 0; s < STEPS; s += 1) {
      train(model, opt, trainSet, 1, BATCH, 1000 + s);
      const m = opt.metrics();
      if (m.phase === 'cric') cricSteps++;
      if (m.cricCycles !== lastCycles) {
        maxZeroAtCycleStart = Math.max(maxZeroAtCycleStart, m.zeroGroups);
        lastCycles = m.cricCycles;
      }
    }
    expect(cricSteps).toBeGreaterThan(8);
    expect(maxZeroAtCycleStart).toBe(0);
    const m = opt.metrics();
    expect(m.cricCycles).toBeGreaterThanOrEqual(1);
    expect(m.zeroGroups).toBe(64);
    expect(accuracy(model, testSet)).toBeGreaterThanOrEqual(denseAcc - 0.02);
    opt.dispose();
  });

  it('SGD and Adam variants train and prune too; no tensors leak per step', () => {
    for (const variant of ['sgd', 'adam'] as const) {
      const model = student(4);
      const opt = new OTO(model).hesso({ variant, lr: variant === 'sgd' ? 0.05 : 3e-3, targetGroupSparsity: 0.25, totalSteps: 100, pruningPeriods: 4 });
      train(model, opt, trainSet, 20, BATCH, 2);
      const before = tf.memory().numTensors;
      train(model, opt, trainSet, 80, BATCH, 3);
      expect(tf.memory().numTensors).toBe(before);
      expect(opt.metrics().zeroGroups).toBe(32);
      expect(accuracy(model, testSet)).toBeGreaterThan(0.5);
      opt.dispose();
    }
  });
});
