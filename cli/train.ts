/** `yoto train`: BiDP on an augmented dataset (policy/). */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import { YotoError } from '../core/errors.ts';
import { Progress } from '../core/progress.ts';
import { initTf } from '../tf/index.ts';
import { CHUNK_STEP_DIM, KEYPOSE_DIM, DEFAULT_BATCH, DEFAULT_POLICY_POINTS, DEFAULT_TRAIN_HIDDEN, DEFAULT_TRAIN_STEPS, loadTrainingData, policySubnet, trainPolicy, writeLossCurve } from '../policy/index.ts';
import { action, intFlag } from './run-command.ts';
import { printComparison, statsRow } from './policy-report.ts';

function fraction(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`--sparsity must be a number in (0, 1), got "${v}"`);
  return n;
}
function positive(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a positive number, got "${v}"`);
    return n;
  };
}

interface TrainFlags {
  data: string;
  out: string;
  steps: number;
  batch: number;
  lr: number;
  seed: number;
  points: number;
  hidden: number;
  prediction: string;
  action: string;
  horizon: number;
  execute: number;
  checkpointEvery: number;
  resume?: boolean;
  hesso?: boolean;
  sparsity: number;
  evalEpisodes: number;
  json?: boolean;
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train the bimanual diffusion policy (BiDP) on a dataset from `yoto augment`')
    .requiredOption('--data <dir>', 'dataset folder (yoto augment)')
    .requiredOption('--out <dir>', 'policy folder: model.json, weights.bin, policy.json, loss.svg, checkpoint/')
    .option('--steps <n>', 'optimizer steps (lift-bar needs ~500, handover ~2000)', intFlag('--steps', 1), DEFAULT_TRAIN_STEPS)
    .option('--batch <n>', 'batch size', intFlag('--batch', 1), DEFAULT_BATCH)
    .option('--lr <x>', 'peak learning rate (AdamW, cosine with warm-up)', positive('--lr'), 1e-3)
    .option('--seed <n>', 'seed of initialization and batches', intFlag('--seed', 0), 0)
    .option('--points <n>', 'points per cloud the network takes', intFlag('--points', 8), DEFAULT_POLICY_POINTS)
    .option('--hidden <n>', 'width of the denoiser', intFlag('--hidden', 8), DEFAULT_TRAIN_HIDDEN)
    .option('--prediction <p>', "what the denoiser predicts: 'sample' (x₀) or 'epsilon' (the noise, Diffusion Policy's default)", 'sample')
    .option('--action <a>', "what one prediction is: 'program' (the whole keypose program, YOTO) or 'chunk' (dense TCP commands, Diffusion Policy)", 'program')
    .option('--horizon <n>', 'with --action chunk: steps predicted at once', intFlag('--horizon', 2), 16)
    .option('--execute <n>', 'with --action chunk: steps executed before re-observing', intFlag('--execute', 1), 8)
    .option('--checkpoint-every <k>', 'steps between checkpoints', intFlag('--checkpoint-every', 1), 250)
    .option('--resume', 'continue from <out>/checkpoint (same flags)')
    .option('--hesso', 'train once from scratch with HESSO and save the compressed subnet')
    .option('--sparsity <s>', 'group sparsity for --hesso', fraction, 0.5)
    .option('--eval-episodes <n>', 'with --hesso: sim episodes to measure success before/after (0 skips)', intFlag('--eval-episodes', 0), 20)
    .option('--json', 'print one JSON summary object as the last line')
    .addHelpText(
      'after',
      '\nExamples:\n  $ yoto augment --program scripted --task lift-bar -n 100 --out ds/\n  $ yoto train --data ds/ --out policy/ --steps 3000\n  $ yoto train --data ds/ --out policy-dp/ --action chunk --horizon 16 --execute 8\n  $ yoto train --data ds/ --out policy/ --steps 3000 --resume\n  $ yoto train --data ds/ --out policy-small/ --hesso --sparsity 0.5',
    )
    .action(
      action(async (o: TrainFlags) => {
        if (o.prediction !== 'sample' && o.prediction !== 'epsilon') throw new YotoError(`must be sample or epsilon, got "${o.prediction}"`, '--prediction');
        if (o.action !== 'program' && o.action !== 'chunk') throw new YotoError(`must be program or chunk, got "${o.action}"`, '--action');
        const { backend } = await initTf();
        if (!o.json) console.log(`backend ${backend}`);
        const data = await loadTrainingData(o.data, { action: o.action, horizon: o.horizon, execute: o.execute });
        const c = data.chunk;
        const what = c ? `chunks of ${c.horizon} steps at ${c.hz} Hz (execute ${c.execute}) × ${CHUNK_STEP_DIM} = ${data.actionDim}` : `${data.actionDim / KEYPOSE_DIM} keyposes × ${KEYPOSE_DIM}`;
        if (!o.json) console.log(`dataset ${o.data}: ${data.attrs.task}, ${data.episodes} episodes, ${data.frames} frames; action = ${what}`);
        const progress = new Progress({ total: o.steps, label: o.hesso ? `train+HESSO ${data.attrs.task}` : `train ${data.attrs.task}`, unit: 'step', quiet: o.json });
        let first = true;
        const r = await trainPolicy({
          data,
          out: o.out,
          steps: o.steps,
          batch: o.batch,
          lr: o.lr,
          seed: o.seed,
          points: o.points,
          model: { hidden: o.hidden },
          diffusion: { prediction: o.prediction },
          checkpointEvery: o.checkpointEvery,
          resume: o.resume,
          hessoSparsity: o.hesso ? o.sparsity : undefined,
          onStep: (s) => {
            if (first) {
              progress.tick(s.step - 1);
              first = false;
            }
            progress.tick(1, `loss ${s.loss.toFixed(4)}  ${s.stepsPerS.toFixed(2)} steps/s`);
          },
        });
        progress.finish();
        const title = `${data.attrs.task}: BiDP training loss${c ? ', dense chunks' : ''}${o.hesso ? ` (HESSO, sparsity ${o.sparsity})` : ''}`;
        const meta = r.policy.meta;
        if (!o.hesso) {
          await r.policy.save(o.out);
          writeLossCurve(join(o.out, 'loss.svg'), r.losses, title);
          const summary = { out: o.out, task: meta.task, backend, steps: o.steps, wall_s: meta.training.wall_s, final_loss: meta.training.final_loss };
          if (o.json) console.log(JSON.stringify(summary));
          else console.log(`trained in ${(meta.training.wall_s / 60).toFixed(1)} min, final loss ${meta.training.final_loss.toFixed(4)}; wrote ${o.out}/ (model.json, weights.bin, policy.json, loss.svg)`);
          return;
        }
        const sub = await policySubnet(r.policy);
        await r.policy.save(join(o.out, 'sparse'));
        await sub.policy.save(o.out);
        writeLossCurve(join(o.out, 'loss.svg'), r.losses, title);
        const before = await statsRow('group-sparse', r.policy, o.evalEpisodes);
        const after = await statsRow('subnet', sub.policy, o.evalEpisodes);
        const summary = { out: o.out, task: meta.task, backend, steps: o.steps, wall_s: meta.training.wall_s, final_loss: meta.training.final_loss, sparsity: o.sparsity, max_abs_diff: sub.maxAbsDiff, before, after };
        if (o.json) return void console.log(JSON.stringify(summary));
        console.log(`trained with HESSO in ${(meta.training.wall_s / 60).toFixed(1)} min; ${sub.report.removedGroups} of ${sub.report.prunableGroups} prunable groups removed`);
        printComparison(before, after);
        console.log(`subnet vs group-sparse network: max |Δ| = ${sub.maxAbsDiff.toExponential(2)}`);
        console.log(`wrote ${o.out}/ (the subnet) and ${o.out}/sparse/`);
      }),
    );
}
