/** `yoto eval`: a trained policy in the simulator, over placements it was not trained on. */
import type { Command } from 'commander';
import { YotoError } from '../core/errors.ts';
import { Progress } from '../core/progress.ts';
import { initTf } from '../tf/index.ts';
import { evaluatePolicy, Policy } from '../policy/index.ts';
import { action, intFlag } from './run-command.ts';

interface EvalFlags {
  policy: string;
  task?: string;
  episodes: number;
  seed: number;
  openLoop?: boolean;
  steps?: number;
  json?: boolean;
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('run a trained policy in the simulator over unseen placements and report its success rate')
    .requiredOption('--policy <dir>', 'policy folder (yoto train)')
    .option('--task <name>', "task to run (must be the policy's own)")
    .option('--episodes <n>', 'episodes (placements)', intFlag('--episodes', 1), 50)
    .option('--seed <n>', 'placement seed of the first episode (episode i uses seed + i)', intFlag('--seed', 0), 1000)
    .option('--open-loop', 'predict the program once and run it, without re-planning after each keypose')
    .option('--steps <n>', 'DDIM steps (default: the policy\'s, 10)', intFlag('--steps', 1))
    .option('--json', 'print one JSON summary object as the last line')
    .addHelpText('after', '\nExamples:\n  $ yoto eval --policy policy/ --task lift-bar --episodes 50 --seed 1000\n  $ yoto eval --policy policy/ --episodes 20 --open-loop --json')
    .action(
      action(async (o: EvalFlags) => {
        const { backend } = await initTf();
        const policy = await Policy.load(o.policy);
        const meta = policy.meta;
        if (o.task && o.task !== meta.task) throw new YotoError(`the policy was trained for ${meta.task}, not ${o.task}`, '--task');
        if (o.openLoop && meta.chunk) throw new YotoError('a chunk policy re-observes after every chunk; --open-loop is for program policies', '--open-loop');
        const progress = new Progress({ total: o.episodes, label: `eval ${meta.task}`, unit: 'episode', quiet: o.json });
        let ok = 0;
        const s = await evaluatePolicy(policy, {
          episodes: o.episodes,
          seed: o.seed,
          closedLoop: !o.openLoop,
          inferenceSteps: o.steps,
          onEpisode: (r, i) => {
            if (r.success) ok++;
            progress.tick(1, `success ${ok}/${i + 1}`);
          },
        });
        progress.finish();
        const out = { ...s, backend, policy: o.policy };
        if (o.json) return void console.log(JSON.stringify(out));
        const c = meta.chunk;
        const loop = c ? `receding horizon (runs ${c.execute} of ${c.horizon} predicted steps, then re-observes)` : s.closed_loop ? 'closed loop (re-plans after each keypose segment)' : 'open loop';
        console.log(`backend ${backend}; ${loop}, DDIM ${s.inference_steps} steps`);
        console.log(`${s.task}: ${s.successes}/${s.episodes} succeeded (${(100 * s.success_rate).toFixed(0)}%) over placements seeded ${o.seed}…${o.seed + o.episodes - 1}`);
        console.log(`denoise latency: p50 ${s.latency_ms_p50.toFixed(1)} ms, p95 ${s.latency_ms_p95.toFixed(1)} ms`);
        for (const f of s.failures.slice(0, 5)) console.log(`  failed seed ${f.seed}: ${f.reason}`);
        if (s.failures.length > 5) console.log(`  … ${s.failures.length - 5} more failures`);
      }),
    );
}
