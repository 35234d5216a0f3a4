/** `yoto augment`: one demonstrated program → a dataset of verified demonstrations. */
import type { Command } from 'commander';
import { z } from 'zod';
import { YotoError } from '../core/errors.ts';
import { readJsonFile } from '../core/read.ts';
import { ProgramSchema, type Program } from '../core/program.ts';
import { SceneSchema } from '../core/scene.ts';
import { Progress } from '../core/progress.ts';
import { getTask, nominalScene } from '../sim/index.ts';
import { augment } from '../augment/index.ts';
import { action, intFlag } from './run-command.ts';

interface AugmentFlags {
  program: string;
  task: string;
  episodes: number;
  out: string;
  workers?: number;
  seed: number;
  scene?: string;
  recordHz: number;
  camera?: string;
  maxTries?: number;
  json?: boolean;
}

export function registerAugmentCommand(program: Command): void {
  program
    .command('augment')
    .description('proliferate one keypose program over new object placements; keep the episodes that succeed in the simulator, recorded as a Zarr dataset (resumable)')
    .requiredOption('--program <file|scripted>', "the demonstrated program.json, or 'scripted' for the task's reference program")
    .requiredOption('--task <name>', 'task name (see `yoto sim tasks`)')
    .option('-n, --episodes <n>', 'episodes the dataset should hold (a resumed run adds the rest)', intFlag('-n', 1), 100)
    .requiredOption('--out <dir>', 'dataset folder (created, or resumed if it exists)')
    .option('--workers <k>', 'worker threads, one MuJoCo each (0 = this thread; default min(2, cores))', intFlag('--workers', 0))
    .option('--seed <n>', 'run seed (placements); same seed → same dataset, any worker count', intFlag('--seed'), 0)
    .option('--scene <file>', "the demonstration's placement (scene.json); default the task's nominal placement")
    .option('--record-hz <hz>', 'observations per second of sim time (divides 100)', intFlag('--record-hz', 1), 10)
    .option('--camera <file>', 'depth-camera config JSON (sim DepthCameraConfig), e.g. {"points": 1024, "downsample": "fps"}')
    .option('--max-tries <n>', 'give up after this many candidates (default 10 × n + 20)', intFlag('--max-tries', 1))
    .option('--json', 'print one JSON summary object as the last line of stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ yoto sim program --task lift-bar --seed 3 > program.json\n  $ yoto augment --program program.json --task lift-bar -n 100 --out dataset/ --workers 2\n  $ yoto augment --program scripted --task drawer -n 20 --out drawer-ds/ --seed 7\n  $ yoto dataset info dataset/',
    )
    .action(
      action(async (opts: AugmentFlags) => {
        const task = getTask(opts.task);
        const scene = opts.scene ? readJsonFile(opts.scene, SceneSchema) : nominalScene(task);
        const prog: Program = opts.program === 'scripted' ? task.scripted(scene) : readJsonFile(opts.program, ProgramSchema);
        const camera = opts.camera ? readJsonFile(opts.camera, z.record(z.string(), z.unknown())) : undefined;
        let progress: Progress | undefined;
        const s = await augment({
          task,
          program: prog,
          scene,
          episodes: opts.episodes,
          out: opts.out,
          workers: opts.workers,
          seed: opts.seed,
          recordHz: opts.recordHz,
          camera,
          maxTries: opts.maxTries,
          onStart: ({ resumedFrom, toAdd }) => {
            if (resumedFrom > 0 && !opts.json) console.error(`resuming ${opts.out}: ${resumedFrom} episodes there, adding ${toAdd}`);
            progress = new Progress({ total: toAdd, label: `augment ${task.name}`, unit: 'demo', quiet: opts.json });
          },
          onCandidate: (p) => progress?.tick(p.kept ? 1 : 0, `kept/tried ${p.added}/${p.tried}`),
        });
        progress?.finish();
        const gaveUp = () => {
          if (s.gave_up) throw new YotoError(`${s.gave_up} (${s.failure_examples[0] ?? 'no failure recorded'}); check the program with \`yoto sim run --program\``, opts.out);
        };
        if (opts.json) {
          console.log(JSON.stringify(s));
          return gaveUp();
        }
        const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
        console.log(`dataset         ${s.out} (${s.task}, seed ${s.seed})`);
        console.log(`episodes        ${s.episodes}${s.resumed_from ? ` (resumed at ${s.resumed_from})` : ''}, ${s.frames} frames`);
        console.log(`this run        kept ${s.kept} of ${s.tried} tried (${pct(s.kept_ratio)}) in ${s.wall_s.toFixed(1)} s, ${s.demos_per_s.toFixed(2)} demos/s on ${s.workers} worker${s.workers === 1 ? '' : 's'}`);
        const f = Object.entries(s.failures).filter(([, n]) => n > 0);
        if (f.length) console.log(`failures        ${f.map(([k, n]) => `${k} ${n}`).join(', ')}`);
        for (const e of s.failure_examples.slice(0, 3)) console.log(`  ${e}`);
        gaveUp();
      }),
    );
}
