/** `yoto dataset ...`: inspect augmented datasets. */
import type { Command } from 'commander';
import { datasetInfo } from '../augment/index.ts';
import { action } from './run-command.ts';

export function registerDatasetCommand(program: Command): void {
  const ds = program
    .command('dataset')
    .description('inspect datasets written by `yoto augment`')
    .addHelpText('after', '\nExample:\n  $ yoto dataset info dataset/');
  ds.command('info')
    .description('summarize a dataset: task, episodes, lengths, kept/tried, every key with shape and dtype')
    .argument('<dir>', 'dataset folder')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  $ yoto dataset info dataset/')
    .action(
      action(async (dir: string, opts: { json?: boolean }) => {
        const i = await datasetInfo(dir);
        if (opts.json) return void console.log(JSON.stringify(i));
        const f = (x: number) => x.toFixed(1);
        console.log(`dataset    ${i.dir}`);
        console.log(`task       ${i.task} (seed ${i.seed}; objects ${i.objects.join(', ')}; keyposes left ${i.keyposes.left}, right ${i.keyposes.right})`);
        console.log(`episodes   ${i.episodes}, ${i.frames} frames at ${i.record_hz} Hz`);
        if (i.episodes) console.log(`length     ${i.length_frames.min}–${i.length_frames.max} frames (mean ${f(i.length_frames.mean)}), ${f(i.length_s.min)}–${f(i.length_s.max)} s`);
        console.log(`kept       ${i.episodes} of ${i.tried} candidates (${i.tried ? f((100 * i.kept_ratio)) : '-'}%)`);
        if (i.uncommitted_frames) console.log(`note       ${i.uncommitted_frames} frames past the last episode (an interrupted append; the next \`yoto augment\` cuts them)`);
        console.log('keys');
        const w = Math.max(...i.keys.map((k) => k.path.length));
        for (const k of i.keys) console.log(`  ${k.path.padEnd(w)}  ${k.dtype.padEnd(7)} [${k.shape.join(', ')}]  ${k.description}`);
      }),
    );
}
