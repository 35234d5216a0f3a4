/**
 * BiDP inference latency: one full denoise (observation encoded once, DDIM 10 steps) at batch 1,
 * dense and at 50% group sparsity, for each task's default network (`yoto train` defaults). With
 * trained policies at .cache/bench/policy-<task>/ (and -small/) those are timed instead; otherwise
 * the same architectures with seeded random weights — latency does not depend on weight values.
 */
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initTf } from '../tf/index.ts';
import { OTO } from '../compress/index.ts';
import { actionDim, buildBidpModel, DEFAULT_DIFFUSION, DEFAULT_MODEL, DEFAULT_POLICY_POINTS, DEFAULT_TRAIN_HIDDEN, measureDenoiseLatency, Policy, policyStats, PROPRIO_DIM, type PolicyFile } from '../policy/index.ts';
import { getTask, nominalScene } from '../sim/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const M = (n: number) => `${(n / 1e6).toFixed(2)}M`;

async function policies(task: string): Promise<{ source: string; dense: Policy; small: Policy }> {
  const dir = join(root, '.cache', 'bench', `policy-${task}`);
  if (existsSync(join(dir, 'policy.json')) && existsSync(join(`${dir}-small`, 'policy.json'))) {
    return { source: 'trained', dense: await Policy.load(dir), small: await Policy.load(`${dir}-small`) };
  }
  const t = getTask(task);
  const template = t.scripted(nominalScene(t));
  const cfg = { ...DEFAULT_MODEL, points: DEFAULT_POLICY_POINTS, proprioDim: PROPRIO_DIM, actionDim: actionDim(template), hidden: DEFAULT_TRAIN_HIDDEN };
  const meta = {
    model: cfg,
    diffusion: DEFAULT_DIFFUSION,
    cloudPoints: DEFAULT_POLICY_POINTS,
    normalizers: {
      points: { scale: [1, 1, 1], offset: [0, 0, 0] },
      proprio: { scale: Array(PROPRIO_DIM).fill(1), offset: Array(PROPRIO_DIM).fill(0) },
      action: { scale: Array(cfg.actionDim).fill(1), offset: Array(cfg.actionDim).fill(0) },
    },
    template,
  } as unknown as PolicyFile;
  const model = buildBidpModel(cfg);
  const twin = buildBidpModel(cfg);
  const oto = new OTO(twin);
  oto.zeroLowestGroups(0.5);
  const { model: small } = await oto.constructSubnet();
  return { source: 'random weights', dense: new Policy(model, meta), small: new Policy(small, meta) };
}

export default async function (): Promise<void> {
  const { backend } = await initTf();
  console.log(`backend ${backend}; one denoise = observation encoder once + DDIM ${DEFAULT_DIFFUSION.inferenceSteps} denoiser steps, batch 1; goal ≤ 30 ms dense`);
  console.log('task       weights          params dense → 50%     FLOPs/denoise dense → 50%    p50 dense   p95 dense   p50 50%   p95 50%   speed-up');
  for (const task of ['lift-bar', 'drawer', 'handover']) {
    const p = await policies(task);
    const a = policyStats(p.dense, 0);
    const b = policyStats(p.small, 0);
    const la = measureDenoiseLatency(p.dense, 50);
    const lb = measureDenoiseLatency(p.small, 50);
    console.log(
      `${task.padEnd(10)} ${p.source.padEnd(15)} ${`${M(a.params)} → ${M(b.params)}`.padEnd(21)} ${`${M(a.denoise_flops)} → ${M(b.denoise_flops)} (−${(100 * (1 - b.denoise_flops / a.denoise_flops)).toFixed(0)}%)`.padEnd(28)} ${`${la.p50.toFixed(1)} ms`.padStart(9)} ${`${la.p95.toFixed(1)} ms`.padStart(11)} ${`${lb.p50.toFixed(1)} ms`.padStart(9)} ${`${lb.p95.toFixed(1)} ms`.padStart(9)}   ${(la.p50 / lb.p50).toFixed(2)}×`,
    );
  }
}
