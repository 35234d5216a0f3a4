/** `yoto sim render`: an episode as a video and PNG frames, drawn by three.js in headless Chromium. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { readJsonFile } from '../core/read.ts';
import { ProgramSchema } from '../core/program.ts';
import { SceneSchema } from '../core/scene.ts';
import { getTask, sampleScene, validateScene, renderEpisode, WORKCELL_CAMERAS } from '../sim/index.ts';
import { action, intFlag } from './run-command.ts';

export function registerSimRender(sim: Command): void {
  sim
    .command('render')
    .description('run a program once and render it to a video and PNG frames')
    .requiredOption('--task <name>', 'task name (see `yoto sim tasks`)')
    .option('--program <file|scripted>', "a program.json, or 'scripted'", 'scripted')
    .requiredOption('--out <dir>', 'output folder (episode.mp4, frame_*.png)')
    .option('--seed <n>', 'placement seed', intFlag('--seed'), 0)
    .option('--scene <file>', 'placement (scene.json) instead of a seeded one')
    .option('--camera <name>', `viewpoint: ${Object.keys(WORKCELL_CAMERAS).join(', ')}`, 'iso')
    .option('--fps <n>', 'video frame rate', intFlag('--fps', 1), 30)
    .option('--width <px>', 'image width', intFlag('--width', 16), 640)
    .option('--height <px>', 'image height', intFlag('--height', 16), 480)
    .option('--png-every <k>', 'also write every k-th frame as PNG (0 = none)', intFlag('--png-every', 0), 15)
    .option('--json', 'print one JSON summary object as the last line')
    .addHelpText('after', '\nExample:\n  $ yoto sim render --task handover --program scripted --seed 2 --out out/handover')
    .action(
      action(async (opts: { task: string; program: string; out: string; seed: number; scene?: string; camera: string; fps: number; width: number; height: number; pngEvery: number; json?: boolean }) => {
        const task = getTask(opts.task);
        const camera = WORKCELL_CAMERAS[opts.camera];
        if (!camera) throw new InvalidArgumentError(`unknown camera "${opts.camera}" (known: ${Object.keys(WORKCELL_CAMERAS).join(', ')})`);
        const scene = opts.scene ? readJsonFile(opts.scene, SceneSchema) : sampleScene(task, opts.seed);
        validateScene(task, scene, opts.scene ?? 'scene');
        const program = opts.program === 'scripted' ? task.scripted(scene) : readJsonFile(opts.program, ProgramSchema);
        const t0 = performance.now();
        const r = await renderEpisode({
          task, scene, program, outDir: opts.out, camera, fps: opts.fps, width: opts.width, height: opts.height, pngEvery: opts.pngEvery,
          programSource: opts.program === 'scripted' ? 'scripted program' : opts.program,
          onStage: (s) => { if (!opts.json) console.error(`sim render: ${s}`); },
        });
        const summary = { task: task.name, success: r.episode.success, sim_seconds: r.episode.simTime, frames: r.frames, video: r.video, pngs: r.pngs.length, wall_seconds: (performance.now() - t0) / 1000 };
        if (opts.json) return void console.log(JSON.stringify(summary));
        console.log(`task       ${task.name} (${r.episode.success ? 'success' : 'failed'}) in ${r.episode.simTime.toFixed(1)} s sim time`);
        console.log(`video      ${r.video} (${r.frames} frames at ${opts.fps} fps)`);
        console.log(`frames     ${r.pngs.length} PNGs in ${opts.out}`);
        console.log(`took       ${summary.wall_seconds.toFixed(1)} s`);
      }),
    );
}
