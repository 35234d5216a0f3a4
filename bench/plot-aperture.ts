/**
 * One hand's thumb–index aperture in a synthetic demonstration, as the extraction reads it (from
 * the images, scaled by the palm) and as it really was (truth.json), with the true and the found
 * grasp/release frames: a picture of what the gripper-state rules have to work with. Uses the
 * extract bench's cached videos and MediaPipe detections (.cache/bench/synth-<task>-<seed>/).
 *
 *   npx tsx bench/plot-aperture.ts --task handover --seed 4 --hand right --out docs/aperture-handover-4.svg
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { dist } from '../core/geometry.ts';
import { LM, type HandSide } from '../core/hands.ts';
import { lineChartSvg } from '../core/plot.ts';
import { readJsonFile } from '../core/read.ts';
import { TASKS, World, sampleScene } from '../sim/index.ts';
import { TruthSchema } from '../synth/index.ts';
import { readCalibration } from '../perception/calibration/read-calibration.ts';
import { StereoCamera } from '../perception/stereo-camera.ts';
import { readDetections } from '../perception/hands/detections-file.ts';
import { buildHandTracks } from '../perception/hands/build-tracks.ts';
import { handsFile } from '../perception/hands/track-hands.ts';
import { defaultLandmarkOffsets } from '../perception/hands/landmark-offsets.ts';
import { extractProgram } from '../perception/program/extract-program.ts';
import { objectShapes } from '../perception/program/object-shapes.ts';

const o = new Command()
  .requiredOption('--task <name>', 'task')
  .requiredOption('--seed <n>', 'seed of the cached synthetic demonstration')
  .option('--hand <side>', 'left or right', 'right')
  .requiredOption('--out <file>', 'SVG to write')
  .parse()
  .opts<{ task: string; seed: string; hand: HandSide; out: string }>();

if (o.hand !== 'left' && o.hand !== 'right') throw new Error(`--hand: left or right, got '${o.hand}'`);
const task = TASKS[o.task as keyof typeof TASKS];
if (!task) throw new Error(`unknown task ${o.task}`);
const dir = join('.cache', 'bench', `synth-${o.task}-${o.seed}`);
const truth = readJsonFile(join(dir, 'truth.json'), TruthSchema);
const stereo = new StereoCamera(readCalibration(join(dir, 'calib.yaml')));
const detections = readDetections(join(dir, 'hands', 'detections.json'));
const tracks = buildHandTracks(stereo, detections, { offsets: defaultLandmarkOffsets() });
const t = detections.map((d) => d.t);
const hands = handsFile(detections, tracks, 30);
const scene = sampleScene(task, Number(o.seed));
const world = await World.create(task, scene);
const ex = extractProgram(hands, { objects: objectShapes(world), task: task.name });
world.dispose();

const a = ex.hands[o.hand];
const trueAperture = truth.frames.map((f) => dist(f[o.hand].world[LM.thumb_tip], f[o.hand].world[LM.index_tip]));
const found = a.events.map((e) => ({ x: t[e.frame], frame: e.frame, kind: e.kind }));
const real = truth.frames.flatMap((f, i): { frame: number; kind: 'grasp' | 'release' }[] => {
  const now = f[o.hand].gripper_cmd;
  const prev = truth.frames[i - 1]?.[o.hand].gripper_cmd ?? now;
  return prev > 0 && now === 0 ? [{ frame: i, kind: 'grasp' }] : prev === 0 && now > 0 ? [{ frame: i, kind: 'release' }] : [];
});
// One marker where the found event is within a frame of the true one, else one each.
const markers = [
  ...found.map((e) => ({ x: e.x, label: real.some((r) => r.kind === e.kind && Math.abs(r.frame - e.frame) <= 1) ? `${e.kind} (found = true)` : `found ${e.kind}`, color: e.kind === 'grasp' ? '#d62728' : '#2ca02c' })),
  ...real.filter((r) => !found.some((e) => e.kind === r.kind && Math.abs(r.frame - e.frame) <= 1)).map((r) => ({ x: t[r.frame], label: `true ${r.kind}`, color: '#999' })),
];
const svg = lineChartSvg(
  [
    { name: 'aperture as read (images)', x: t, y: a.aperture },
    { name: 'true aperture', x: t, y: trueAperture, dashed: true },
  ],
  { title: `${o.task} seed ${o.seed}, ${o.hand} hand: thumb–index aperture`, xLabel: 'time (s)', yLabel: 'aperture (m)', markers, width: 860, height: 300 },
);
writeFileSync(o.out, svg);
console.log(`wrote ${o.out}`);
