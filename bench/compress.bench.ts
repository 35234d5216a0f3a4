/**
 * compress/ figures: params, MACs and measured latency before/after for a Diffusion-Policy-style
 * 1-D temporal U-Net at 50% group sparsity; and HESSO on the small classifier task (dense vs
 * HESSO accuracy, exact sparsity), whose loss/sparsity curve is written to docs/hesso-curve.svg.
 */
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initTf, tf } from '../tf/index.ts';
import { writeFileAtomic } from '../core/atomic.ts';
import { lineChartSvg } from '../core/plot.ts';
import { OTO, measureLatency } from '../compress/index.ts';
import { randomizeWeights, temporalUnet } from '../test/compress/architectures.ts';
import { accuracy, student, teacherData, train } from '../test/compress/classifier-task.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const k = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`);

export default async function (): Promise<void> {
  const { backend } = await initTf();
  console.log(`backend ${backend}`);

  // U-Net at 50% group sparsity.
  const unet = temporalUnet({ horizon: 16, width: 64, actionDim: 14, condDim: 64 });
  randomizeWeights(unet, 1);
  const oto = new OTO(unet);
  const dense1 = await measureLatency(unet, { runs: 30, batch: 1 });
  const dense64 = await measureLatency(unet, { runs: 10, batch: 64 });
  oto.zeroLowestGroups(0.5);
  const { model: small, report } = await oto.constructSubnet();
  const small1 = await measureLatency(small, { runs: 30, batch: 1 });
  const small64 = await measureLatency(small, { runs: 10, batch: 64 });
  console.log(`temporal U-Net (T=16, width 64, GroupNorm + FiLM): ${report.prunableGroups} prunable of ${report.groups} groups, removed ${report.removedGroups}`);
  console.log(`  params  ${k(report.before.params)} → ${k(report.after.params)} (${((1 - report.after.params / report.before.params) * 100).toFixed(1)}% fewer)`);
  console.log(`  MACs    ${k(report.before.macs)} → ${k(report.after.macs)} (${((1 - report.after.macs / report.before.macs) * 100).toFixed(1)}% fewer)`);
  console.log(`  latency batch 1  p50 ${dense1.p50Ms.toFixed(2)} → ${small1.p50Ms.toFixed(2)} ms (p95 ${dense1.p95Ms.toFixed(2)} → ${small1.p95Ms.toFixed(2)})`);
  console.log(`  latency batch 64 p50 ${dense64.p50Ms.toFixed(2)} → ${small64.p50Ms.toFixed(2)} ms (×${(dense64.p50Ms / small64.p50Ms).toFixed(2)})`);

  // HESSO on the classifier task.
  const trainSet = teacherData(4000, 1);
  const testSet = teacherData(2000, 2);
  const steps = 300;
  const runs: Record<string, { acc: number; log: ReturnType<typeof train>; ms: number; zero: number; prunable: number }> = {};
  for (const [name, target] of [['dense', 0], ['hesso', 0.5]] as const) {
    const model = student(10);
    const opt = new OTO(model).hesso({ lr: 5e-3, targetGroupSparsity: target, totalSteps: steps });
    const t0 = performance.now();
    const log = train(model, opt, trainSet, steps, 64, 5, 5);
    const ms = (performance.now() - t0) / steps;
    const m = opt.metrics();
    runs[name] = { acc: accuracy(model, testSet), log, ms, zero: m.zeroGroups, prunable: m.prunableGroups };
    opt.dispose();
  }
  const d = runs.dense;
  const h = runs.hesso;
  console.log(`HESSO classifier (16-64-64-4 MLP, ${steps} steps, batch 64; curve logged every 5 steps):`);
  console.log(`  dense accuracy ${(d.acc * 100).toFixed(2)}%, HESSO at 50%: ${(h.acc * 100).toFixed(2)}% with ${h.zero}/${h.prunable} groups zero`);
  console.log(`  step time (incl. logging) dense ${d.ms.toFixed(2)} ms, HESSO ${h.ms.toFixed(2)} ms`);
  const svg = lineChartSvg(
    [
      { name: 'loss, dense AdamW', x: d.log.step, y: d.log.loss },
      { name: 'loss, HESSO 50%', x: h.log.step, y: h.log.loss },
      { name: 'group sparsity, HESSO', x: h.log.step, y: h.log.groupSparsity, axis: 'right', dashed: true },
    ],
    { title: 'HESSO on the teacher classifier (mini-batch loss)', xLabel: 'step', yLabel: 'cross-entropy', y2Label: 'group sparsity', logY: true },
  );
  const file = join(root, 'docs', 'hesso-curve.svg');
  writeFileAtomic(file, svg);
  console.log(`  wrote ${file}`);

  await optimizerOverhead();
}

/** HESSO's per-step cost against tf.train.adam on a policy-sized MLP (batch 256). */
async function optimizerOverhead(): Promise<void> {
  const build = () => {
    const x = tf.input({ shape: [128] });
    let h = x;
    for (let i = 0; i < 3; i++) h = tf.layers.dense({ units: 512, activation: 'relu' }).apply(h) as tf.SymbolicTensor;
    const y = tf.layers.dense({ units: 64 }).apply(h) as tf.SymbolicTensor;
    return tf.model({ inputs: x, outputs: y });
  };
  const xb = tf.randomNormal([256, 128], 0, 1, 'float32', 1);
  const yb = tf.randomNormal([256, 64], 0, 1, 'float32', 2);
  const steps = 20;
  const time = (model: tf.LayersModel, step: () => void) => {
    for (let i = 0; i < 3; i++) step();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) step();
    return (performance.now() - t0) / steps;
  };
  const a = build();
  const adam = tf.train.adam(1e-3);
  const vars = a.trainableWeights.map((w) => w.read() as tf.Variable);
  const adamMs = time(a, () => {
    adam.minimize(() => tf.losses.meanSquaredError(yb, a.apply(xb) as tf.Tensor) as tf.Scalar, true, vars)?.dispose();
  });
  const b = build();
  // Every step inside a pruning period with groups being projected: HESSO's costliest regime.
  const opt = new OTO(b).hesso({ lr: 1e-3, targetGroupSparsity: 0.5, startPruningStep: 1, pruningSteps: 1000, pruningPeriods: 1 });
  const hessoMs = time(b, () => void opt.minimize(() => tf.losses.meanSquaredError(yb, b.apply(xb) as tf.Tensor) as tf.Scalar));
  console.log(`optimizer step, ${(b.countParams() / 1e6).toFixed(2)}M-param MLP at batch 256: tf.train.adam ${adamMs.toFixed(1)} ms, HESSO (projecting) ${hessoMs.toFixed(1)} ms`);
  opt.dispose();
  tf.dispose([xb, yb]);
}
