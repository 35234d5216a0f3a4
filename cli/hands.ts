/** `yoto hands`: stereo video → 3-D hand tracks (hands.json + preview.mp4). */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { Progress } from '../core/progress.ts';
import { readCalibration, trackHands, type TrackHandsResult, type StereoInput } from '../perception/index.ts';
import { action, intFlag } from './run-command.ts';

export interface StereoFlags {
  left?: string;
  right?: string;
  sbs?: string;
  calib: string[];
  model: string;
  maxFrames?: number;
  json?: boolean;
}

export function stereoInput(o: StereoFlags): StereoInput {
  if (o.sbs && (o.left || o.right)) throw new InvalidArgumentError('give either --sbs or --left and --right, not both');
  if (o.sbs) return { sbs: o.sbs };
  if (!o.left || !o.right) throw new InvalidArgumentError('give --left and --right videos (or --sbs for side-by-side stereo)');
  return { left: o.left, right: o.right };
}

/** Run the hands stage with a progress bar; shared by `yoto hands` and `yoto extract`. */
export async function runHands(o: StereoFlags, outDir: string): Promise<TrackHandsResult> {
  const calib = readCalibration(o.calib);
  let progress: Progress | undefined;
  let seen = 0;
  const r = await trackHands({
    input: stereoInput(o),
    calib,
    outDir,
    model: o.model,
    maxPairs: o.maxFrames,
    onProgress: (done, total) => {
      progress ??= new Progress({ total, label: 'hands', unit: 'pairs', quiet: o.json });
      progress.tick(done - seen);
      seen = done;
    },
  });
  progress?.finish();
  if (!o.json) for (const w of r.warnings) console.error(`yoto hands: warning: ${w}`);
  return r;
}

export function addStereoOptions(cmd: Command): Command {
  return cmd
    .option('--left <video>', 'left camera video')
    .option('--right <video>', 'right camera video')
    .option('--sbs <video>', 'one side-by-side stereo video (left half = left camera)')
    .requiredOption('--calib <files...>', "calibration: yoto calib.yaml, OpenCV stereo YAML, two ROS camera_info YAMLs (+ extrinsics), Kalibr camchain, and optionally a camera→world YAML")
    .option('--model <full|lite|path>', "hand model: 'lite', 'full', or an official hand_landmarker.task", 'lite')
    .option('--max-frames <n>', 'only the first n stereo pairs', intFlag('--max-frames', 1));
}

export function registerHandsCommand(program: Command): void {
  addStereoOptions(program.command('hands').description('track both hands in 3-D from a stereo video (MediaPipe in headless Chromium)'))
    .requiredOption('--out <dir>', 'output folder (hands.json, preview.mp4)')
    .option('--json', 'print one JSON summary object as the last line')
    .addHelpText('after', '\nExample:\n  $ yoto hands --left out/synth/left.webm --right out/synth/right.webm --calib out/synth/calib.yaml --out out/hands')
    .action(
      action(async (opts: StereoFlags & { out: string }) => {
        const r = await runHands(opts, opts.out);
        const summary = { frames: r.stats.pairs, found: r.stats.found, pairs_per_s: r.stats.pairsPerSecond, mean_reprojection_px: r.stats.meanReprojectionPx, gaps: r.hands.gaps, hands: r.files.hands, preview: r.files.preview, warnings: r.warnings };
        if (opts.json) return void console.log(JSON.stringify(summary));
        console.log(`frames          ${r.stats.pairs} stereo pairs, ${r.stats.pairsPerSecond.toFixed(1)} pairs/s`);
        console.log(`hands found     left ${r.stats.found.left}, right ${r.stats.found.right} frames`);
        console.log(`reprojection    ${r.stats.meanReprojectionPx.toFixed(2)} px (mean)`);
        console.log(`wrote           ${r.files.hands}${r.files.preview ? ` and ${r.files.preview}` : ''}`);
      }),
    );
}
