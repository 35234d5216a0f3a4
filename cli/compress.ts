/**
 * `yoto compress --model model.json --sparsity 0.5 --out dir/`: structured pruning of a saved
 * TensorFlow.js LayersModel (compress/). Without a training loop it prunes one-shot by group
 * magnitude (or random groups, OTO's sanity check); HESSO training goes through the API.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { initTf } from '../core/tf.ts';
import { compressModelFolder } from '../compress/compress-folder.ts';
import { action, intFlag } from './run-command.ts';

function fraction(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`--sparsity must be a number in [0, 1), got "${v}"`);
  return n;
}

const human = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));
const pct = (a: number, b: number) => (a === 0 ? '' : ` (${(((b - a) / a) * 100).toFixed(1)}%)`);

export function registerCompressCommand(program: Command): void {
  program
    .command('compress')
    .description('prune a saved TensorFlow.js LayersModel to a smaller dense one (Only-Train-Once zero-invariant groups)')
    .requiredOption('--model <path>', 'model.json of the model, or its folder')
    .requiredOption('--out <dir>', 'folder for the compressed model.json, weights.bin and compress-report.json')
    .option('--sparsity <s>', 'fraction of prunable groups to remove, in [0, 1)', fraction, 0.5)
    .option('--method <m>', "'magnitude' (lowest group magnitude) or 'random' (sanity check)", 'magnitude')
    .option('--seed <n>', 'seed for random groups and test inputs', intFlag('--seed', 0), 0)
    .option('--save-sparse', 'also save the full group-sparse model under <out>/sparse/')
    .option('--latency-runs <n>', 'timed runs per model (0 to skip)', intFlag('--latency-runs', 0), 20)
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  $ yoto compress --model policy/model.json --sparsity 0.5 --out policy-small/')
    .action(
      action(async (o: { model: string; out: string; sparsity: number; method: string; seed: number; saveSparse?: boolean; latencyRuns: number; json?: boolean }) => {
        if (o.method !== 'magnitude' && o.method !== 'random') throw new InvalidArgumentError(`--method must be magnitude or random, got "${o.method}"`);
        const { backend } = await initTf();
        const r = await compressModelFolder({
          model: o.model,
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
