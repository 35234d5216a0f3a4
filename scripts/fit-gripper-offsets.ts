/**
 * Fits DEFAULT_HAND_OFFSETS (gripper-pose.ts): the palm → gripper offset of each hand, from
 * synthetic demonstrations whose true gripper poses are known (truth.json), on hand tracks made as
 * `yoto hands` makes them (shipped landmark offsets included) from MediaPipe's cached detections.
 * Fit on seeds no evaluation uses (the extract bench evaluates seeds 1, 2, …):
 *   npx tsx scripts/fit-gripper-offsets.ts --seeds 101,102
 * Needs .cache/bench/synth-<task>-<seed>/hands/detections.json (the extract bench or
 * scripts/fit-landmark-offsets.ts leave them). Prints the table to paste.
 */
import { join } from 'node:path';
import { Command } from 'commander';
import type { Pose } from '../core/geometry.ts';
import { HAND_SIDES, type HandSide } from '../core/hands.ts';
import { readJsonFile } from '../core/read.ts';
import { TASKS } from '../sim/index.ts';
import { TruthSchema } from '../synth/index.ts';
import { StereoCamera } from '../perception/stereo-camera.ts';
import { readCalibration } from '../perception/calibration/read-calibration.ts';
import { readDetections } from '../perception/hands/detections-file.ts';
import { buildHandTracks } from '../perception/hands/build-tracks.ts';
import { defaultLandmarkOffsets } from '../perception/hands/landmark-offsets.ts';
import { fitHandOffset, type HandOffset, type Landmarks } from '../perception/program/gripper-pose.ts';

export function fitGripperOffsetsOnSynth(o: { tasks: string[]; seeds: number[]; cacheDir?: string }): Record<HandSide, HandOffset> {
  const samples: Record<HandSide, { landmarks: Landmarks; gripper: Pose }[]> = { left: [], right: [] };
  for (const task of o.tasks)
    for (const seed of o.seeds) {
      const dir = join(o.cacheDir ?? join('.cache', 'bench'), `synth-${task}-${seed}`);
      const truth = readJsonFile(join(dir, 'truth.json'), TruthSchema);
      const stereo = new StereoCamera(readCalibration(join(dir, 'calib.yaml')));
      const tracks = buildHandTracks(stereo, readDetections(join(dir, 'hands', 'detections.json')), { offsets: defaultLandmarkOffsets() });
      tracks.frames.forEach((f, i) => {
        const tf = truth.frames[i];
        if (tf) for (const h of HAND_SIDES) if (f[h]?.world) samples[h].push({ landmarks: f[h]!.world!, gripper: tf[h].tcp });
      });
    }
  return { left: fitHandOffset(samples.left), right: fitHandOffset(samples.right) };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const cmd = new Command()
    .option('--tasks <list>', 'tasks', Object.keys(TASKS).join(','))
    .option('--seeds <list>', 'seeds (not ones the bench evaluates)', '101,102')
    .parse();
  const opts = cmd.opts<{ tasks: string; seeds: string }>();
  const fit = fitGripperOffsetsOnSynth({ tasks: opts.tasks.split(','), seeds: opts.seeds.split(',').map(Number) });
  const r = (xs: readonly number[]) => `[${xs.map((x) => x.toFixed(4)).join(', ')}]`;
  for (const h of HAND_SIDES) console.log(`  ${h}: { anchor: 'palm', position: ${r(fit[h].position)}, quaternion: quatNormalize(${r(fit[h].quaternion)}) },`);
}
