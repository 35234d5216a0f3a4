/**
 * Fits the landmark offset table (landmark-offsets.ts) on synthetic stereo demonstrations, whose
 * truth is the hand mesh's joints: MediaPipe (lite) on both views, identities and 3-D estimates as
 * `yoto hands` makes them (without offsets), then per landmark the median offset to the true joint
 * in the landmark's own frame. Only frames where the hand is visible in both views count.
 *
 * Fit on seeds that no evaluation uses (the extract bench evaluates seeds 1, 2, …), e.g.
 *   npx tsx scripts/fit-landmark-offsets.ts --seeds 101,102 --out perception/hands/landmark-offsets.json
 * The videos are cached in .cache/bench/synth-<task>-<seed>/ (made with `yoto synth` if missing),
 * MediaPipe's detections in its hands/detections.json.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import type { Mat3, Vec3 } from '../core/geometry.ts';
import { writeJsonAtomic } from '../core/atomic.ts';
import { HAND_SIDES, type HandSide } from '../core/hands.ts';
import { readJsonFile } from '../core/read.ts';
import { TASKS, sampleScene } from '../sim/index.ts';
import { synthesize, TruthSchema } from '../synth/index.ts';
import { StereoCamera } from '../perception/stereo-camera.ts';
import { readCalibration } from '../perception/calibration/read-calibration.ts';
import { openStereo } from '../perception/video/stereo.ts';
import { HandLandmarker } from '../perception/mediapipe/hand-landmarker.ts';
import { collectDetections } from '../perception/hands/track-hands.ts';
import { readDetections, writeDetections } from '../perception/hands/detections-file.ts';
import { buildHandTracks, estimateHand, type BuildTracksOptions, type StereoDetections } from '../perception/hands/build-tracks.ts';
import { fitLandmarkOffsets, LANDMARK_OFFSETS_VERSION, type LandmarkOffsets } from '../perception/hands/landmark-offsets.ts';

const round = (v: Vec3): Vec3 => v.map((x) => Math.round(x * 1e5) / 1e5) as Vec3;

export async function fitOffsetsOnSynth(o: { tasks: string[]; seeds: number[]; cacheDir?: string; model?: string; camera?: boolean; view?: boolean; fusion?: BuildTracksOptions['fusion']; log?: (s: string) => void }): Promise<LandmarkOffsets> {
  const samples: { estimate: (Vec3 | null)[]; truth: Vec3[]; hand: HandSide; worldFromCamera: Mat3 }[] = [];
  const used: string[] = [];
  const fittedOn: { task: string; seed: number }[] = [];
  for (const name of o.tasks) {
    const task = TASKS[name as keyof typeof TASKS];
    if (!task) throw new Error(`unknown task ${name}`);
    for (const seed of o.seeds) {
      const dir = join(o.cacheDir ?? join('.cache', 'bench'), `synth-${name}-${seed}`);
      const scene = sampleScene(task, seed);
      if (!existsSync(join(dir, 'truth.json'))) await synthesize({ task, scene, program: task.scripted(scene), outDir: dir });
      const truth = readJsonFile(join(dir, 'truth.json'), TruthSchema);
      const stereo = new StereoCamera(readCalibration(join(dir, 'calib.yaml')));
      // MediaPipe's detections are cached beside the video (as the extract bench caches them).
      const cached = join(dir, 'hands', (o.model ?? 'lite') === 'lite' ? 'detections.json' : `detections-${o.model}.json`);
      let det: StereoDetections[];
      if (existsSync(cached)) det = readDetections(cached);
      else {
        const source = await openStereo({ left: join(dir, 'left.webm'), right: join(dir, 'right.webm') });
        const lm = await HandLandmarker.open(['left', 'right'], { model: o.model ?? 'lite' });
        try {
          det = await collectDetections(source, lm);
        } finally {
          await lm.close();
        }
        writeDetections(cached, det);
      }
      const tracks = buildHandTracks(stereo, det, { offsets: null, fusion: o.fusion });
      let n = 0;
      tracks.assigned.forEach((a, i) => {
        const tf = truth.frames[i];
        if (!tf) return;
        for (const h of HAND_SIDES) {
          const s = a[h];
          const th = tf[h];
          if (!s || th.visible.left.filter(Boolean).length < 15 || th.visible.right.filter(Boolean).length < 15) continue;
          samples.push({ estimate: estimateHand(stereo, s, h, { offsets: null, fusion: o.fusion }), truth: th.world as Vec3[], hand: h, worldFromCamera: stereo.worldFromLeft.R });
          n++;
        }
      });
      used.push(`${name} seed ${seed} (${n} hands)`);
      fittedOn.push({ task: name, seed });
      o.log?.(`${name} seed ${seed}: ${n} hand samples`);
    }
  }
  const fit = fitLandmarkOffsets(samples, { spread: true, camera: o.camera ?? true, view: o.view ?? true });
  return {
    version: LANDMARK_OFFSETS_VERSION,
    description:
      `From MediaPipe ${o.model ?? 'lite'} landmarks (fused with its hand shape, as yoto hands makes them) to the joints of the ` +
      `@webxr-input-profiles generic-hand mesh that yoto synth renders (truth.json); per landmark a robust straight line in the hand's spread${o.camera ?? true ? ', a constant in the camera axes' : ''}${o.view ?? true ? ', a linear term in the viewing direction' : ''}, over ${samples.length} hands ` +
      `from synthetic demonstrations: ${used.join(', ')}; fitted ${new Date().toISOString().slice(0, 10)} by scripts/fit-landmark-offsets.ts. ` +
      'Not fitted on any seed the extract bench evaluates.',
    offsets: fit.offsets.map(round),
    slopes: fit.slopes?.map(round),
    spreadCentre: fit.spreadCentre === undefined ? undefined : Math.round(fit.spreadCentre * 1e4) / 1e4,
    camera: fit.camera?.map(round),
    view: fit.view?.map((v) => v.map((x) => Math.round(x * 1e5) / 1e5)),
    fittedOn,
    samples: fit.counts,
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const cmd = new Command()
    .option('--tasks <list>', 'tasks', Object.keys(TASKS).join(','))
    .option('--seeds <list>', 'seeds (not ones the bench evaluates)', '101')
    .option('--model <m>', 'lite or full', 'lite')
    .option('--no-camera', 'no constant in the camera axes')
    .option('--no-view', 'no viewing-direction term')
    .requiredOption('--out <file>', 'where to write the table')
    .parse();
  const opts = cmd.opts<{ tasks: string; seeds: string; model: string; camera: boolean; view: boolean; out: string }>();
  const table = await fitOffsetsOnSynth({ tasks: opts.tasks.split(','), seeds: opts.seeds.split(',').map(Number), model: opts.model, camera: opts.camera, view: opts.view, log: console.log });
  writeJsonAtomic(opts.out, table);
  console.log(`wrote ${opts.out}`);
}
