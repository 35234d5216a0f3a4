/** `yoto extract`: stereo video → hands.json → program.json in one go. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { YotoError } from '../core/errors.ts';
import { readJsonFile } from '../core/read.ts';
import { SceneSchema } from '../core/scene.ts';
import { describeUnreachable, getTask, nominalScene, validateScene } from '../sim/index.ts';
import { programFromHands } from '../perception/index.ts';
import { action } from './run-command.ts';
import { addStereoOptions, runHands, type StereoFlags } from './hands.ts';

export function registerExtractCommand(program: Command): void {
  addStereoOptions(program.command('extract').description('stereo video of a person → a keypose program for the two arms (hands, then program)'))
    .requiredOption('--task <name>', 'task name')
    .requiredOption('--out <dir>', 'output folder (hands.json, preview.mp4, program.json, report.html)')
    .option('--scene <file>', 'object placement of the demonstration (default: scene.json beside the left video, else nominal)')
    .option('--swap-hands', "the person's left hand drives the right arm and vice versa")
    .option('--json', 'print one JSON summary object as the last line')
    .addHelpText('after', '\nExample:\n  $ yoto extract --left out/synth/left.webm --right out/synth/right.webm --calib out/synth/calib.yaml --task lift-bar --out out/extract')
    .action(
      action(async (opts: StereoFlags & { task: string; out: string; scene?: string; swapHands?: boolean }) => {
        const task = getTask(opts.task);
        const video = opts.left ?? opts.sbs ?? '.';
        const besides = join(dirname(video), 'scene.json');
        const scenePath = opts.scene ?? (existsSync(besides) ? besides : undefined);
        const scene = scenePath ? readJsonFile(scenePath, SceneSchema) : nominalScene(task);
        validateScene(task, scene, scenePath ?? 'nominal scene');
        const h = await runHands(opts, opts.out);
        const r = await programFromHands({ hands: h.hands, task, scene, outDir: opts.out, armFor: opts.swapHands ? { left: 'right', right: 'left' } : undefined });
        const summary = {
          task: task.name,
          frames: h.stats.pairs,
          found: h.stats.found,
          pairs_per_s: h.stats.pairsPerSecond,
          keyposes: { left: r.program.arms.left.length, right: r.program.arms.right.length },
          events: Object.fromEntries((['left', 'right'] as const).map((s) => [s, r.extraction.hands[s].events.map((e) => ({ ...e, t: e.frame / r.extraction.fps }))])),
          files: { ...h.files, ...r.files },
          adjusted: r.adjusted.map((u) => ({ arm: u.arm, index: u.index, moved_mm: +(u.posErr * 1000).toFixed(1) })),
          unreachable: r.unreachable.length,
        };
        if (opts.json) console.log(JSON.stringify(summary));
        else {
          console.log(`hands      ${h.stats.pairs} pairs at ${h.stats.pairsPerSecond.toFixed(1)} pairs/s; left found in ${h.stats.found.left}, right in ${h.stats.found.right}`);
          for (const s of ['left', 'right'] as const) {
            const a = r.extraction.hands[s];
            console.log(`${s.padEnd(10)} ${a.keyposes.length} keyposes; ${a.events.map((e) => `${e.kind} ${e.object ?? ''} at ${(e.frame / r.extraction.fps).toFixed(2)} s`).join(', ') || 'no grasps'}`);
          }
          if (r.adjusted.length) console.log(`reach      moved ${r.adjusted.length} keypose(s) by ≤ ${(Math.max(...r.adjusted.map((u) => u.posErr)) * 1000).toFixed(1)} mm to the closest pose the arms reach`);
          console.log(`wrote      ${r.files.program}, ${r.files.report}, ${h.files.hands}`);
        }
        if (r.unreachable.length) {
          const u = r.unreachable[0];
          throw new YotoError(`${r.unreachable.length} keypose(s) out of the arms' reach; first: ${describeUnreachable(u)}`, `${r.files.program}: arms.${u.arm}[${u.index}]`);
        }
      }),
    );
}
