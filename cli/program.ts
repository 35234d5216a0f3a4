/** `yoto program`: 3-D hand tracks (hands.json) → a robot keypose program (program.json + report.html). */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { YotoError } from '../core/errors.ts';
import { HandsSchema } from '../core/hands.ts';
import { readJsonFile } from '../core/read.ts';
import { SceneSchema } from '../core/scene.ts';
import { describeUnreachable, getTask, nominalScene, validateScene } from '../sim/index.ts';
import { programFromHands } from '../perception/index.ts';
import { action } from './run-command.ts';

export function registerProgramCommand(program: Command): void {
  program
    .command('program')
    .description('turn 3-D hand tracks into a keypose program for the two arms')
    .requiredOption('--hands <file>', 'hands.json from `yoto hands`')
    .requiredOption('--task <name>', 'task name (its objects decide what each grasp acts on)')
    .requiredOption('--out <dir>', 'output folder (program.json, report.html)')
    .option('--scene <file>', 'object placement of the demonstration (default: scene.json beside hands.json, else the nominal one)')
    .option('--swap-hands', "the person's left hand drives the right arm and vice versa")
    .option('--json', 'print one JSON summary object as the last line')
    .addHelpText('after', '\nExample:\n  $ yoto program --hands out/demo/hands.json --task lift-bar --out out/demo')
    .action(
      action(async (opts: { hands: string; task: string; out: string; scene?: string; swapHands?: boolean; json?: boolean }) => {
        const task = getTask(opts.task);
        const hands = readJsonFile(opts.hands, HandsSchema);
        const besides = join(dirname(opts.hands), 'scene.json');
        const scenePath = opts.scene ?? (existsSync(besides) ? besides : undefined);
        const scene = scenePath ? readJsonFile(scenePath, SceneSchema) : nominalScene(task);
        validateScene(task, scene, scenePath ?? 'nominal scene');
        if (!scenePath && !opts.json) console.error(`yoto program: no scene.json given or beside ${opts.hands}: using ${task.name}'s nominal placement`);
        const r = await programFromHands({ hands, task, scene, outDir: opts.out, armFor: opts.swapHands ? { left: 'right', right: 'left' } : undefined });
        const summary = {
          task: task.name,
          program: r.files.program,
          report: r.files.report,
          keyposes: { left: r.program.arms.left.length, right: r.program.arms.right.length },
          events: Object.fromEntries((['left', 'right'] as const).map((h) => [h, r.extraction.hands[h].events.map((e) => ({ ...e, t: e.frame / r.extraction.fps }))])),
          adjusted: r.adjusted.map((u) => ({ arm: u.arm, index: u.index, moved_mm: +(u.posErr * 1000).toFixed(1) })),
          unreachable: r.unreachable.map((u) => ({ arm: u.arm, index: u.index, message: describeUnreachable(u) })),
        };
        if (opts.json) console.log(JSON.stringify(summary));
        else {
          for (const h of ['left', 'right'] as const) {
            const a = r.extraction.hands[h];
            console.log(`${h} hand → ${a.arm} arm: ${a.keyposes.length} keyposes; ${a.events.map((e) => `${e.kind} ${e.object ?? ''} at ${(e.frame / r.extraction.fps).toFixed(2)} s`).join(', ') || 'no grasps'}`);
          }
          if (r.adjusted.length) console.log(`moved ${r.adjusted.length} keypose(s) by ≤ ${(Math.max(...r.adjusted.map((u) => u.posErr)) * 1000).toFixed(1)} mm to the closest pose the arms reach`);
          console.log(`wrote ${r.files.program} and ${r.files.report}`);
        }
        if (r.unreachable.length) {
          for (const u of r.unreachable.slice(1)) console.error(`yoto program: arms.${u.arm}[${u.index}]: ${describeUnreachable(u)}`);
          const u = r.unreachable[0];
          throw new YotoError(`${r.unreachable.length} keypose(s) out of the arms' reach; first: ${describeUnreachable(u)}`, `${r.files.program}: arms.${u.arm}[${u.index}]`);
        }
      }),
    );
}
