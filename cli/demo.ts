/**
 * `yoto demo` (npm run demo): the longest real end-to-end run the project has today. For each
 * task: the scripted program over seeded placements in MuJoCo, then one episode rendered to video
 * in headless Chromium. Later stages (stereo video → program → demonstrations → policy) join it
 * as they land.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { Progress } from '../core/progress.ts';
import { writeJsonAtomic } from '../core/atomic.ts';
import { TASKS, runEpisodes, renderEpisode, sampleScene, WORKCELL_CAMERAS } from '../sim/index.ts';
import { action, intFlag } from './run-command.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('end-to-end run on every task: scripted programs in MuJoCo, success rates, rendered videos')
    .option('--out <dir>', 'output folder', 'out/demo')
    .option('--episodes <n>', 'episodes per task', intFlag('--episodes', 1), 10)
    .option('--seed <n>', 'first placement seed', intFlag('--seed'), 1000)
    .option('--no-render', 'skip the videos')
    .option('--json', 'print one JSON summary object as the last line')
    .addHelpText('after', '\nExample:\n  $ yoto demo --episodes 5 --out out/demo')
    .action(
      action(async (opts: { out: string; episodes: number; seed: number; render: boolean; json?: boolean }) => {
        const t0 = performance.now();
        const rows = [];
        for (const task of Object.values(TASKS)) {
          const progress = new Progress({ total: opts.episodes, label: `demo ${task.name}`, unit: 'ep', quiet: opts.json });
          const s = await runEpisodes({ task, program: 'scripted', episodes: opts.episodes, seed: opts.seed, onEpisode: () => progress.tick() });
          progress.finish();
          let video: string | undefined;
          if (opts.render) {
            const scene = sampleScene(task, opts.seed);
            const r = await renderEpisode({ task, scene, program: task.scripted(scene), outDir: join(opts.out, task.name), camera: WORKCELL_CAMERAS.iso, pngEvery: 0 });
            video = r.video;
          }
          rows.push({ task: task.name, episodes: s.episodes, successes: s.successes, success_rate: s.success_rate, realtime_factor: s.realtime_factor, video });
        }
        const summary = { stage: 'sim (scripted programs)', seconds: (performance.now() - t0) / 1000, tasks: rows };
        writeJsonAtomic(join(opts.out, 'summary.json'), summary);
        if (opts.json) return void console.log(JSON.stringify(summary));
        console.log('\nyoto demo — scripted keypose programs on the simulated workcell');
        console.log('task        success        speed        video');
        for (const r of rows)
          console.log(`${r.task.padEnd(11)} ${`${r.successes}/${r.episodes}`.padEnd(6)} ${`${(r.success_rate * 100).toFixed(0)}%`.padEnd(7)} ${`${r.realtime_factor.toFixed(1)}× rt`.padEnd(12)} ${r.video ?? '-'}`);
        console.log(`\ntook ${summary.seconds.toFixed(0)} s; summary in ${join(opts.out, 'summary.json')}`);
        console.log('Not yet in the demo (open issues): stereo video → hand tracks → program, augmentation, policy training, compression.');
      }),
    );
}
