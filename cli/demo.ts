/**
 * `yoto demo` (npm run demo): the main job on the embedded sample — a stereo video of a person
 * lifting a bar with both hands (samples/lift-bar, made by `yoto synth`) → 3-D hand tracks →
 * keypose program → the program run on the simulated arms at the video's placement → verified
 * demonstrations over new placements (Zarr dataset) → a BiDP policy trained on them and run on
 * new placements → a rendered video of the robot doing it.
 */
import type { Command } from 'commander';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Progress } from '../core/progress.ts';
import { writeJsonAtomic } from '../core/atomic.ts';
import { readJsonFile } from '../core/read.ts';
import { SceneSchema } from '../core/scene.ts';
import { YotoError } from '../core/errors.ts';
import { getTask, renderEpisode, runEpisode, validateScene, WORKCELL_CAMERAS } from '../sim/index.ts';
import { readCalibration, trackHands, programFromHands } from '../perception/index.ts';
import { augment, datasetInfo } from '../augment/index.ts';
import { initTf } from '../tf/index.ts';
import { evaluatePolicy, loadTrainingData, trainPolicy, writeLossCurve } from '../policy/index.ts';
import { action, intFlag } from './run-command.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the whole pipeline on the embedded sample video: hands → program → sim → augmented dataset → BiDP policy → rendered video')
    .option('--sample <dir>', 'a folder with left.webm, right.webm, calib.yaml, scene.json', 'samples/lift-bar')
    .option('--out <dir>', 'output folder', 'out/demo')
    .option('-n, --demos <n>', 'verified demonstrations to generate', intFlag('--demos', 0), 10)
    .option('--seed <n>', 'augmentation seed', intFlag('--seed'), 0)
    .option('--policy-steps <n>', 'BiDP training steps on the demonstrations (0 skips the policy)', intFlag('--policy-steps', 0), 300)
    .option('--eval-episodes <n>', 'sim episodes the trained policy runs over unseen placements', intFlag('--eval-episodes', 0), 5)
    .option('--no-render', 'skip the robot video')
    .option('--json', 'print one JSON summary object as the last line')
    .addHelpText('after', '\nExample:\n  $ yoto demo --demos 20 --out out/demo')
    .action(
      action(async (opts: { sample: string; out: string; demos: number; seed: number; policySteps: number; evalEpisodes: number; render: boolean; json?: boolean }) => {
        const t0 = performance.now();
        const log = (s: string) => {
          if (!opts.json) console.error(`demo: ${s}`);
        };
        for (const f of ['left.webm', 'right.webm', 'calib.yaml', 'scene.json'])
          if (!existsSync(join(opts.sample, f))) throw new YotoError(`missing ${f}`, opts.sample);
        const scene = readJsonFile(join(opts.sample, 'scene.json'), SceneSchema);
        const task = getTask(scene.task);
        validateScene(task, scene, join(opts.sample, 'scene.json'));
        const times: Record<string, number> = {};
        const lap = (k: string, since: number) => (times[k] = (performance.now() - since) / 1000);

        log(`1/6 hands: MediaPipe on both views of ${opts.sample} (headless Chromium)`);
        let t = performance.now();
        let bar: Progress | undefined;
        let seen = 0;
        const hands = await trackHands({
          input: { left: join(opts.sample, 'left.webm'), right: join(opts.sample, 'right.webm') },
          calib: readCalibration(join(opts.sample, 'calib.yaml')),
          outDir: opts.out,
          onProgress: (done, total) => {
            bar ??= new Progress({ total, label: 'hands', unit: 'pairs', quiet: opts.json });
            bar.tick(done - seen);
            seen = done;
          },
        });
        bar?.finish();
        lap('hands', t);

        log('2/6 program: keyframes, grasps, sync points → program.json');
        t = performance.now();
        const prog = await programFromHands({ hands: hands.hands, task, scene, outDir: opts.out });
        lap('program', t);
        if (prog.unreachable.length) throw new YotoError(`${prog.unreachable.length} keyposes are out of reach`, prog.files.program);

        log('3/6 sim: the extracted program on the simulated arms at the video placement');
        t = performance.now();
        const replay = await runEpisode(task, scene, prog.program);
        lap('replay', t);

        log(`4/6 augment: ${opts.demos} verified demonstrations over new placements`);
        t = performance.now();
        const dataset = join(opts.out, 'dataset');
        // The demo's dataset belongs to this run's program; one from an earlier run (another
        // yoto version, another extraction) would make augment refuse to resume into it.
        rmSync(dataset, { recursive: true, force: true });
        let aug: Awaited<ReturnType<typeof augment>> | undefined;
        if (opts.demos > 0) {
          const abar = new Progress({ total: opts.demos, label: 'augment', unit: 'demos', quiet: opts.json });
          aug = await augment({ task: task.name, program: prog.program, scene, episodes: opts.demos, out: dataset, seed: opts.seed, onCandidate: (c: { kept: boolean }) => c.kept && abar.tick() });
          abar.finish();
        }
        lap('augment', t);
        const info = opts.demos > 0 ? await datasetInfo(dataset) : undefined;

        let policy: { dir: string; steps: number; successes: number; episodes: number; latency: number } | undefined;
        if (aug && opts.policySteps > 0) {
          log(`5/6 policy: BiDP trained on the ${aug.kept} demonstrations (${opts.policySteps} steps), then run on ${opts.evalEpisodes} unseen placements`);
          t = performance.now();
          await initTf();
          const data = await loadTrainingData(dataset);
          const dir = join(opts.out, 'policy');
          const pbar = new Progress({ total: opts.policySteps, label: 'train', unit: 'step', quiet: opts.json });
          const tr = await trainPolicy({ data, out: dir, steps: opts.policySteps, seed: opts.seed, onStep: (st) => pbar.tick(1, `loss ${st.loss.toFixed(4)}`) });
          pbar.finish();
          await tr.policy.save(dir);
          writeLossCurve(join(dir, 'loss.svg'), tr.losses, `${task.name}: BiDP training loss (demo)`);
          lap('train', t);
          t = performance.now();
          const ev = opts.evalEpisodes > 0 ? await evaluatePolicy(tr.policy, { episodes: opts.evalEpisodes, seed: 1000 }) : undefined;
          lap('eval', t);
          policy = { dir, steps: opts.policySteps, successes: ev?.successes ?? 0, episodes: ev?.episodes ?? 0, latency: ev?.latency_ms_p50 ?? NaN };
        }

        let video: string | undefined;
        if (opts.render) {
          log('6/6 render: the robot executing the extracted program (three.js in Chromium)');
          t = performance.now();
          const r = await renderEpisode({ task, scene, program: prog.program, outDir: opts.out, camera: WORKCELL_CAMERAS.iso, pngEvery: 0 });
          video = r.video;
          lap('render', t);
        }
        const summary = {
          task: task.name,
          sample: opts.sample,
          frames: hands.stats.pairs,
          hands_found: hands.stats.found,
          events: Object.fromEntries((['left', 'right'] as const).map((h) => [h, prog.extraction.hands[h].events.map((e) => `${e.kind} ${e.object ?? ''} @ ${(e.frame / prog.extraction.fps).toFixed(2)}s`)])),
          keyposes: { left: prog.program.arms.left.length, right: prog.program.arms.right.length },
          replay_success: replay.success,
          demos: aug ? { kept: aug.kept, tried: aug.tried, kept_ratio: aug.kept_ratio, frames: info?.frames } : undefined,
          policy: policy ? { dir: policy.dir, steps: policy.steps, episodes: policy.episodes, successes: policy.successes, latency_ms_p50: policy.latency } : undefined,
          files: { hands: hands.files.hands, preview: hands.files.preview, program: prog.files.program, report: prog.files.report, dataset: aug ? dataset : undefined, video },
          seconds: { ...times, total: (performance.now() - t0) / 1000 },
        };
        writeJsonAtomic(join(opts.out, 'summary.json'), summary);
        if (opts.json) return void console.log(JSON.stringify(summary));
        console.log(`\nyoto demo — ${task.name}, from one stereo video (${opts.sample})`);
        console.log(`hands      ${hands.stats.pairs} stereo pairs, left hand in ${hands.stats.found.left}, right in ${hands.stats.found.right} (${times.hands.toFixed(0)} s)`);
        for (const h of ['left', 'right'] as const) console.log(`${h.padEnd(10)} ${prog.program.arms[h].length} keyposes; ${summary.events[h].join(', ')}`);
        console.log(`sim        extracted program at the video's placement: ${replay.success ? 'SUCCESS' : 'failed'}`);
        if (aug) console.log(`augment    ${aug.kept}/${aug.tried} candidates kept → ${info?.episodes} episodes, ${info?.frames} frames in ${dataset} (${times.augment.toFixed(0)} s)`);
        if (policy) console.log(`policy     BiDP, ${policy.steps} steps (${times.train.toFixed(0)} s): ${policy.successes}/${policy.episodes} unseen placements succeed, ${policy.latency.toFixed(0)} ms per denoise → ${policy.dir}`);
        if (video) console.log(`video      ${video}`);
        console.log(`files      ${prog.files.program}, ${prog.files.report}, ${hands.files.preview}`);
        console.log(`took       ${summary.seconds.total.toFixed(0)} s`);
      }),
    );
}
