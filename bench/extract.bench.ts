/**
 * The perception chain on synthetic demonstrations, against ground truth (issues: hands and
 * program extraction). For each task: `yoto synth` (cached in .cache/bench/), `yoto hands` with the
 * lite model, 3-D error per landmark and detection rate; then `yoto program`, grasp/release timing
 * against the true gripper commands, keypose distances to the scripted program, and a replay of
 * the extracted program at the video's placement.
 *
 *   npm run bench -- extract            (YOTO_BENCH_SEEDS=3 for more videos per task)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dist } from '../core/geometry.ts';
import { LANDMARKS, HAND_SIDES } from '../core/hands.ts';
import { readJsonFile } from '../core/read.ts';
import { TASKS, runEpisode, sampleScene, World } from '../sim/index.ts';
import { synthesize, TruthSchema } from '../sim/synth/index.ts';
import { trackHands } from '../perception/hands/track-hands.ts';
import { buildHandTracks, type BuildTracksOptions } from '../perception/hands/build-tracks.ts';
import { defaultLandmarkOffsets } from '../perception/hands/landmark-offsets.ts';
import { StereoCamera } from '../perception/stereo-camera.ts';
import { readCalibration } from '../perception/calibration/read-calibration.ts';
import { programFromHands } from '../perception/program/program-from-hands.ts';
import { scoreExtraction, type TrueGripperChange } from '../perception/program/evaluate-extraction.ts';

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))] : NaN;
};

export default async function bench(): Promise<void> {
  const seeds = Number(process.env.YOTO_BENCH_SEEDS ?? 1);
  const perJoint: number[][] = LANDMARKS.map(() => []);
  // The same detections through simpler geometry, to show what each step contributes.
  const variants: [string, BuildTracksOptions][] = [
    ['per-landmark triangulation, no offsets (before shape fusion)', { fusion: false, offsets: null }],
    ['shape fusion, no offsets', { offsets: null }],
  ];
  const variantJoint: number[][][] = variants.map(() => LANDMARKS.map(() => []));
  const offsets = defaultLandmarkOffsets();
  console.log(`landmark offsets: ${offsets ? offsets.description : 'none shipped'}`);
  let visibleBoth = 0;
  let foundWhenVisible = 0;
  const eventErrors: number[] = [];
  let missed = 0;
  let extra = 0;
  const kpErrors: number[] = [];
  let replays = 0;
  let successes = 0;
  let pairs = 0;
  let pairSeconds = 0;
  for (const task of Object.values(TASKS)) {
    for (let seed = 1; seed <= seeds; seed++) {
      const dir = join('.cache', 'bench', `synth-${task.name}-${seed}`);
      const scene = sampleScene(task, seed);
      const program = task.scripted(scene);
      if (!existsSync(join(dir, 'truth.json'))) await synthesize({ task, scene, program, outDir: dir });
      const truth = readJsonFile(join(dir, 'truth.json'), TruthSchema);
      if (offsets?.fittedOn?.some((f) => f.task === task.name && f.seed === seed)) console.log(`WARNING: ${task.name} seed ${seed} is one the landmark offsets were fitted on: its 3-D figures are not a fair test`);
      const t0 = performance.now();
      const h = await trackHands({ input: { left: join(dir, 'left.webm'), right: join(dir, 'right.webm') }, calib: readCalibration(join(dir, 'calib.yaml')), outDir: join(dir, 'hands'), preview: false });
      pairSeconds += (performance.now() - t0) / 1000;
      pairs += h.stats.pairs;
      const stereo = new StereoCamera(readCalibration(join(dir, 'calib.yaml')));
      variants.forEach(([, opts], v) => {
        buildHandTracks(stereo, h.detections, opts).frames.forEach((f, i) => {
          const tf = truth.frames[i];
          if (tf) for (const side of HAND_SIDES) f[side]?.world?.forEach((p, k) => variantJoint[v][k].push(dist(p, tf[side].world[k])));
        });
      });
      h.hands.frames.forEach((f, i) => {
        const tf = truth.frames[i];
        if (!tf) return;
        for (const side of HAND_SIDES) {
          const th = tf[side];
          const both = th.visible.left.filter(Boolean).length >= 15 && th.visible.right.filter(Boolean).length >= 15;
          if (both) {
            visibleBoth++;
            if (f[side]?.views.left && f[side]?.views.right) foundWhenVisible++;
          }
          const w = f[side]?.world;
          if (w) w.forEach((p, k) => perJoint[k].push(dist(p, th.world[k])));
        }
      });
      // Program extraction against the truth.
      // As `yoto program` does it (keyposes missed by millimetres snapped into reach).
      const job = await programFromHands({ hands: h.hands, task, scene, outDir: join(dir, 'program') });
      const ex = job.extraction;
      const world = await World.create(task, scene);
      try {
        const changes = (arm: 'left' | 'right'): TrueGripperChange[] => {
          const out: TrueGripperChange[] = [];
          let prev = 1;
          truth.frames.forEach((f, i) => {
            if (f[arm].gripper_cmd !== prev) out.push({ frame: i, value: f[arm].gripper_cmd });
            prev = f[arm].gripper_cmd;
          });
          return out;
        };
        const s = scoreExtraction(ex, { left: changes('left'), right: changes('right') }, program);
        eventErrors.push(...s.eventFrameErrors);
        missed += s.missedEvents;
        extra += s.extraEvents;
        kpErrors.push(...s.keyposeErrors);
        const r = await runEpisode(task, scene, job.program, { world });
        replays++;
        if (r.success) successes++;
        console.log(`${task.name} seed ${seed}: hands ${h.stats.found.left}/${h.stats.found.right} of ${h.stats.pairs} frames; events missed ${s.missedEvents}, extra ${s.extraEvents}, worst timing ${Math.max(0, ...s.eventFrameErrors)} frames; worst keypose ${(Math.max(...s.keyposeErrors) * 100).toFixed(1)} cm; replay ${r.success ? 'success' : 'FAIL'}`);
      } finally {
        world.dispose();
      }
    }
  }
  console.log(`\nhand tracking, lite model: ${pairs} stereo pairs at ${(pairs / pairSeconds).toFixed(1)} pairs/s end to end (decode, MediaPipe, triangulation, smoothing)`);
  console.log(`hands found in ${foundWhenVisible}/${visibleBoth} frames where visible in both views (${((100 * foundWhenVisible) / Math.max(1, visibleBoth)).toFixed(1)}%, goal ≥ 95%)`);
  console.log('3-D landmark error against truth (goal for wrist and fingertips: median ≤ 8 mm, p95 ≤ 20 mm)');
  console.log('landmark              n   median mm   p95 mm');
  LANDMARKS.forEach((name, k) => {
    const e = perJoint[k];
    console.log(`${name.padEnd(18)} ${String(e.length).padStart(5)}   ${(q(e, 0.5) * 1000).toFixed(1).padStart(8)}   ${(q(e, 0.95) * 1000).toFixed(1).padStart(6)}`);
  });
  const keyJoints = [0, 4, 8, 12, 16, 20];
  const summary = (pj: number[][]) => {
    const med = Math.max(...keyJoints.map((k) => q(pj[k], 0.5))) * 1000;
    const p95 = Math.max(...keyJoints.map((k) => q(pj[k], 0.95))) * 1000;
    return `wrist and fingertips: worst median ${med.toFixed(1)} mm, worst p95 ${p95.toFixed(1)} mm; all landmarks median ${(q(pj.flat(), 0.5) * 1000).toFixed(1)} mm, p95 ${(q(pj.flat(), 0.95) * 1000).toFixed(1)} mm`;
  };
  console.log(`shipped (shape fusion + landmark offsets): ${summary(perJoint)}`);
  variants.forEach(([name], v) => console.log(`${name}: ${summary(variantJoint[v])}`));
  console.log(`\nprogram extraction: grasp/release timing errors ${eventErrors.length ? `max ${Math.max(...eventErrors)}, within ±3 frames: ${eventErrors.filter((e) => e <= 3).length}/${eventErrors.length}` : 'none matched'}; missed ${missed}, extra ${extra}`);
  console.log(`keypose distance to the scripted keyposes: median ${(q(kpErrors, 0.5) * 100).toFixed(2)} cm, max ${(Math.max(...kpErrors) * 100).toFixed(2)} cm (goal ≤ 1.5 cm)`);
  console.log(`extracted programs replayed at the video's placement: ${successes}/${replays} succeed (goal ≥ 90%)`);
}
