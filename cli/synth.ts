/** `yoto synth`: a synthetic stereo demonstration of a task, with ground truth. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { readJsonFile } from '../core/read.ts';
import { ProgramSchema } from '../core/program.ts';
import { SceneSchema } from '../core/scene.ts';
import { Progress } from '../core/progress.ts';
import { getTask, sampleScene, validateScene } from '../sim/index.ts';
import { synthesize, DEFAULT_RIG } from '../synth/index.ts';
import { action, intFlag } from './run-command.ts';

interface SynthFlags {
  task: string;
  seed: number;
  out: string;
  program: string;
  scene?: string;
  frames?: number;
  maxSeconds?: number;
  crf: number;
  preview?: string | true;
  skin?: number;
  sleeve?: number;
  json?: boolean;
}

function colourFlag(name: string) {
  return (v: string): number => {
    if (!/^#?[0-9a-fA-F]{6}$/.test(v)) throw new InvalidArgumentError(`${name} must be a colour RRGGBB in hex (e.g. c58c6a), got "${v}"`);
    return parseInt(v.replace('#', ''), 16);
  };
}

function secondsFlag(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`--max-seconds must be a positive number, got "${v}"`);
  return n;
}

export function registerSynthCommand(program: Command): void {
  program
    .command('synth')
    .description('render two human hands doing a task in the workcell, seen by a calibrated stereo rig, with ground truth')
    .requiredOption('--task <name>', 'task name (see `yoto sim tasks`)')
    .option('--seed <n>', 'placement seed', intFlag('--seed'), 0)
    .requiredOption('--out <dir>', 'output folder: left.webm, right.webm, calib.yaml, scene.json, truth.json')
    .option('--program <file|scripted>', "the program the hands perform: a program.json, or 'scripted'", 'scripted')
    .option('--scene <file>', 'placement (scene.json) instead of a seeded one')
    .option('--frames <n>', 'record at most n frames', intFlag('--frames', 1))
    .option('--max-seconds <s>', 'record at most s seconds', secondsFlag)
    .option('--crf <n>', 'VP9 quality, lower is better', intFlag('--crf', 0), 24)
    .option('--preview [frame]', 'also write preview.png: both views of one frame side by side (default: the middle frame)')
    .option('--skin <rrggbb>', 'skin colour of the hands, sRGB hex (default e0ac8a)', colourFlag('--skin'))
    .option('--sleeve <rrggbb>', 'sleeve colour, sRGB hex (default 3d5a80)', colourFlag('--sleeve'))
    .option('--json', 'print one JSON summary object as the last line')
    .addHelpText(
      'after',
      `\nThe rig: ${DEFAULT_RIG.width}×${DEFAULT_RIG.height} at ${DEFAULT_RIG.fps} fps, ${DEFAULT_RIG.baseline * 100} cm baseline, ${DEFAULT_RIG.fovy}° vertical field of view, at the person's side of the table.\n\nExample:\n  $ yoto synth --task lift-bar --seed 3 --out out/synth-lift-bar --preview\n  $ yoto hands --left out/synth-lift-bar/left.webm --right out/synth-lift-bar/right.webm --calib out/synth-lift-bar/calib.yaml --out out/hands`,
    )
    .action(
      action(async (opts: SynthFlags) => {
        const task = getTask(opts.task);
        const scene = opts.scene ? readJsonFile(opts.scene, SceneSchema) : sampleScene(task, opts.seed);
        validateScene(task, scene, opts.scene ?? 'scene');
        const program = opts.program === 'scripted' ? task.scripted(scene) : readJsonFile(opts.program, ProgramSchema);
        const limits = [opts.frames, opts.maxSeconds !== undefined ? Math.max(1, Math.round(opts.maxSeconds * DEFAULT_RIG.fps)) : undefined].filter((v): v is number => v !== undefined);
        const maxFrames = limits.length > 0 ? Math.min(...limits) : undefined;
        let previewFrame: number | undefined;
        if (opts.preview !== undefined && opts.preview !== true) {
          previewFrame = intFlag('--preview', 0)(opts.preview);
        }
        const t0 = performance.now();
        let bar: Progress | undefined;
        const r = await synthesize({
          task,
          scene,
          program,
          outDir: opts.out,
          maxFrames,
          crf: opts.crf,
          look: { skin: opts.skin, sleeve: opts.sleeve },
          previewFrame: opts.preview === true ? 'middle' : previewFrame,
          programSource: opts.program === 'scripted' ? 'scripted program' : opts.program,
          onStage: (s) => {
            if (!opts.json) console.error(`synth: ${s}`);
          },
          onProgress: (done, total) => {
            bar ??= new Progress({ total, label: 'rendering', unit: 'stereo frames', quiet: opts.json });
            if (done === 0) return;
            bar.tick(1);
            if (done === total) bar.finish();
          },
        });
        const summary = {
          task: task.name,
          seed: scene.seed ?? null,
          success: r.success,
          frames: r.frames,
          fps: r.fps,
          seconds: r.seconds,
          out: r.outDir,
          files: r.files,
          hand_pixels: r.handPixels,
          visible_landmarks: r.visibleShare,
          wall_seconds: (performance.now() - t0) / 1000,
        };
        if (opts.json) return void console.log(JSON.stringify(summary));
        console.log(`task       ${task.name} (seed ${scene.seed ?? '-'}; the episode ${r.success ? 'succeeds' : 'fails'})`);
        console.log(`frames     ${r.frames} stereo pairs, ${r.seconds.toFixed(1)} s at ${r.fps} fps`);
        console.log(`videos     ${r.files.left}, ${r.files.right}`);
        console.log(`truth      ${r.files.truth} (+ ${r.files.calib}, ${r.files.scene})`);
        if (r.files.preview) console.log(`preview    ${r.files.preview}`);
        console.log(`hands      median ${r.handPixels.left.toFixed(0)} px (left), ${r.handPixels.right.toFixed(0)} px (right); ${(100 * r.visibleShare.left).toFixed(0)}% / ${(100 * r.visibleShare.right).toFixed(0)}% of landmarks visible (left / right view)`);
        console.log(`took       ${summary.wall_seconds.toFixed(1)} s`);
      }),
    );
}
