/**
 * `yoto compress --policy policy/ --data dataset/ --sparsity 0.5 --out policy-small/`: fine-tunes a
 * trained policy with HESSO and keeps the smaller subnet. `yoto compress --model model.json ...`:
 * any saved TensorFlow.js LayersModel, pruned one-shot by group magnitude (or random groups,
 * OTO's sanity check), since there is no loss to train with.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { initTf } from '../tf/index.ts';
import { compressModelFolder } from '../compress/compress-folder.ts';
import { join } from 'node:path';
import { YotoError } from '../core/errors.ts';
import { Progress } from '../core/progress.ts';
import { compressPolicy, loadTrainingData, Policy, writeLossCurve } from '../policy/index.ts';
import { human, printComparison, statsRow } from './policy-report.ts';
import { action, intFlag } from './run-command.ts';

function fraction(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`--sparsity must be a number in [0, 1), got "${v}"`);
  return n;
}

const pct = (a: number, b: number) => (a === 0 ? '' : ` (${(((b - a) / a) * 100).toFixed(1)}%)`);

export function registerCompressCommand(program: Command): void {
  program
    .command('compress')
    .description('compress a trained policy with HESSO (fine-tune, then the smaller subnet), or prune any saved TensorFlow.js LayersModel one-shot')
    .option('--policy <dir>', 'policy folder (yoto train) to fine-tune with HESSO; needs --data')
    .option('--data <dir>', 'the dataset to fine-tune on (yoto augment)')
    .option('--steps <n>', 'HESSO fine-tuning steps (--policy)', intFlag('--steps', 10), 1500)
    .option('--lr <x>', 'fine-tuning learning rate (--policy)', (v: string) => {
      const n = Number(v);
      if (!(n > 0)) throw new InvalidArgumentError(`--lr must be a positive number, got "${v}"`);
      return n;
    }, 5e-4)
    .option('--eval-episodes <n>', 'sim episodes to measure success before/after (--policy; 0 skips)', intFlag('--eval-episodes', 0), 20)
    .option('--model <path>', 'model.json of any LayersModel, or its folder (one-shot pruning)')
    .requiredOption('--out <dir>', 'folder for the compressed model.json, weights.bin and compress-report.json')
    .option('--sparsity <s>', 'fraction of prunable groups to remove, in [0, 1)', fraction, 0.5)
    .option('--method <m>', "'magnitude' (lowest group magnitude) or 'random' (sanity check)", 'magnitude')
    .option('--seed <n>', 'seed for random groups and test inputs', intFlag('--seed', 0), 0)
    .option('--save-sparse', 'also save the full group-sparse model under <out>/sparse/')
    .option('--latency-runs <n>', 'timed runs per model (0 to skip)', intFlag('--latency-runs', 0), 20)
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExamples:\n  $ yoto compress --policy policy/ --data dataset/ --sparsity 0.5 --out policy-small/\n  $ yoto compress --model some-model/model.json --sparsity 0.5 --out small/')
    .action(
      action(async (o: { model?: string; policy?: string; data?: string; steps: number; lr: number; evalEpisodes: number; out: string; sparsity: number; method: string; seed: number; saveSparse?: boolean; latencyRuns: number; json?: boolean }) => {
        if (o.policy) return compressPolicyCommand(o as typeof o & { policy: string });
        if (!o.model) throw new YotoError('give --policy (with --data) or --model', 'yoto compress');
        const model = o.model;
        if (o.method !== 'magnitude' && o.method !== 'random') throw new InvalidArgumentError(`--method must be magnitude or random, got "${o.method}"`);
        const { backend } = await initTf();
        const r = await compressModelFolder({
          model,
          out: o.out,
          sparsity: o.sparsity,
          method: o.method,
          seed: o.seed,
          saveSparse: o.saveSparse,
          latencyRuns: o.latencyRuns,
        });
        const { report: rep } = r;
        if (o.json) {
          console.log(
            JSON.stringify({
              backend,
              out: r.out,
              groups: rep.groups,
              prunable_groups: rep.prunableGroups,
              removed_groups: rep.removedGroups,
              params_before: rep.before.params,
              params_after: rep.after.params,
              macs_before: rep.before.macs,
              macs_after: rep.after.macs,
              latency_ms_before: r.latencyBefore?.p50Ms ?? null,
              latency_ms_after: r.latencyAfter?.p50Ms ?? null,
              max_abs_diff: r.maxAbsDiff,
              warnings: r.warnings,
            }),
          );
          return;
        }
        for (const w of r.warnings) console.log(`warning: ${w}`);
        console.log(`backend ${backend}`);
        console.log(`groups: ${rep.groups} (${rep.prunableGroups} prunable), removed ${rep.removedGroups}`);
        console.log(`params: ${human(rep.before.params)} → ${human(rep.after.params)}${pct(rep.before.params, rep.after.params)}`);
        console.log(`MACs:   ${human(rep.before.macs)} → ${human(rep.after.macs)}${pct(rep.before.macs, rep.after.macs)}`);
        if (r.latencyBefore && r.latencyAfter) {
          console.log(`latency p50 (batch 1): ${r.latencyBefore.p50Ms.toFixed(2)} ms → ${r.latencyAfter.p50Ms.toFixed(2)} ms`);
        }
        console.log(`subnet vs group-sparse model: max |Δ| = ${r.maxAbsDiff.toExponential(2)}`);
        console.log(`wrote ${r.out}/model.json, weights.bin, compress-report.json`);
      }),
    );
}

async function compressPolicyCommand(o: { policy: string; data?: string; steps: number; lr: number; evalEpisodes: number; out: string; sparsity: number; json?: boolean }): Promise<void> {
  if (!o.data) throw new YotoError('HESSO fine-tunes on the training data: give --data dataset/', '--policy');
  if (!(o.sparsity > 0)) throw new YotoError('must be above 0 for a policy', '--sparsity');
  const { backend } = await initTf();
  const policy = await Policy.load(o.policy);
  const chunk = policy.meta.chunk;
  const data = await loadTrainingData(o.data, { action: policy.meta.action, horizon: chunk?.horizon, execute: chunk?.execute });
  if (!o.json) console.log(`backend ${backend}; fine-tuning ${o.policy} with HESSO to group sparsity ${o.sparsity} for ${o.steps} steps`);
  const progress = new Progress({ total: o.steps, label: `HESSO ${policy.meta.task}`, unit: 'step', quiet: o.json });
  const r = await compressPolicy({
    data,
    policy,
    sparsity: o.sparsity,
    out: o.out,
    steps: o.steps,
    lr: o.lr,
    batch: policy.meta.training.batch,
    onStep: (s) => progress.tick(1, `loss ${s.loss.toFixed(4)}  ${s.stepsPerS.toFixed(2)} steps/s`),
  });
  progress.finish();
  const small = r.subnet.policy;
  await small.save(o.out);
  await r.sparse.save(join(o.out, 'sparse'));
  writeLossCurve(join(o.out, 'loss.svg'), r.losses, `${small.task}: HESSO fine-tuning loss (sparsity ${o.sparsity})`);
  const before = await statsRow('dense', policy, o.evalEpisodes);
  const after = await statsRow('compressed', small, o.evalEpisodes);
  const rep = r.subnet.report;
  if (o.json) {
    console.log(JSON.stringify({ out: o.out, task: small.task, backend, sparsity: o.sparsity, removed_groups: rep.removedGroups, prunable_groups: rep.prunableGroups, max_abs_diff: r.subnet.maxAbsDiff, before, after }));
    return;
  }
  console.log(`${rep.removedGroups} of ${rep.prunableGroups} prunable groups removed`);
  printComparison(before, after);
  console.log(`subnet vs group-sparse network: max |Δ| = ${r.subnet.maxAbsDiff.toExponential(2)}`);
  console.log(`wrote ${o.out}/ (the compressed policy), ${o.out}/sparse/ and loss.svg`);
}
