/**
 * Hand landmarks: stereo frame pairs per second through MediaPipe HandLandmarker in headless
 * Chromium (640×480 per view, both views at once), for the lite and full models, plus the
 * alternatives that were measured to pick the defaults (one page for both views; frames passed
 * as base64 through page.evaluate instead of a binary fetch). Goal: ≥ 10 pairs/s with lite on
 * 2 cores.
 *
 * The machine may be shared, so besides wall-clock pairs/s it reports the CPU time all processes
 * (Node, Chromium, ffmpeg) spent per pair, and the rate that would give on 2 idle cores.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HandLandmarker, type HandLandmarkerOptions } from '../perception/mediapipe/hand-landmarker.ts';
import { detectStereoHands } from '../perception/mediapipe/stereo-hands.ts';
import { openStereo } from '../perception/video/stereo.ts';
import { PROJECT_ROOT } from '../core/static-server.ts';
import { quantile } from '../core/stats.ts';
import { cpuDelta, processTreeCpu } from '../perception/mediapipe/process-cpu.ts';

const LOOPS = 3; // the 12-frame fixture clip, played 3 times: 36 pairs
const WARMUP = 6;

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'yoto-bench-hands-'));
  try {
    const fixture = join(PROJECT_ROOT, 'test', 'fixtures', 'hand-clip');
    const clips = { left: join(dir, 'left.mkv'), right: join(dir, 'right.mkv') };
    const twins = { left: join(dir, 'left2.mkv'), right: join(dir, 'right2.mkv') };
    const ff = (input: string, out: string, ...filter: string[]) =>
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', String(LOOPS - 1), '-i', input, ...filter, '-c:v', 'ffv1', out]);
    // Where the hand is in each view of the fixture (it moves right by the stereo disparity).
    const strip = { left: 300, right: 160 };
    for (const v of ['left', 'right'] as const) {
      // Lossless copy of the looped clip, so decoding is not what we measure.
      ff(join(fixture, `${v}.webm`), clips[v]);
      // Two hands a view: the strip holding the hand, its mirror image (a right hand) on the far left.
      ff(join(fixture, `${v}.webm`), twins[v], '-filter_complex', `[0]crop=240:480:${strip[v]}:0,split[a][b];[a]hflip[m];[m]pad=400:480:0:0:color=0x4a5560[p];[p][b]hstack`);
    }
    const source = await openStereo(clips);
    const twinSource = await openStereo(twins);
    const pairs = source.pairs.length;

    let t0 = performance.now();
    let n = 0;
    for await (const _ of source.frames()) n++;
    const decodeRate = n / ((performance.now() - t0) / 1000);
    console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores; figures are noisy when it is above 2)`);
    console.log(`decode only (ffmpeg rgb24, both views): ${decodeRate.toFixed(1)} pairs/s`);
    console.log('config                          open s  pairs/s  detect ms/view  hands found  CPU ms/pair  → pairs/s on 2 idle cores');

    const configs: [string, HandLandmarkerOptions, boolean, number?][] = [
      ['lite, 2 pages, fetch', { model: 'lite' }, false],
      ['lite, 2 pages, lock-step views', { model: 'lite' }, false, 1],
      ['full, 2 pages, fetch', { model: 'full' }, false],
      ['lite, 2 pages, fetch, 2 hands', { model: 'lite' }, true],
      ['full, 2 pages, fetch, 2 hands', { model: 'full' }, true],
      ['lite, 1 page, fetch', { model: 'lite', layout: 'page' }, false],
      ['lite, 2 pages, base64', { model: 'lite', transfer: 'base64' }, false],
    ];
    // YOTO_BENCH_HANDS=substring runs only the configs whose name contains it (e.g. '2 hands').
    const pick = process.env.YOTO_BENCH_HANDS;
    const splits: string[] = [];
    for (const [name, opts, twin, ahead] of configs.filter(([n]) => !pick || n.includes(pick))) {
      t0 = performance.now();
      const lm = await HandLandmarker.open(['left', 'right'], opts);
      const openS = (performance.now() - t0) / 1000;
      try {
        const ms: number[] = [];
        let found = 0;
        let timed = 0;
        let start = 0;
        let cpu0: Record<string, number> = {};
        for await (const r of detectStereoHands(twin ? twinSource : source, lm, { ahead })) {
          if (r.index === WARMUP - 1) {
            start = performance.now();
            cpu0 = processTreeCpu();
          }
          if (r.index < WARMUP) continue;
          timed++;
          ms.push(r.left.ms, r.right.ms);
          found += r.left.hands.length + r.right.hands.length;
        }
        const rate = timed / ((performance.now() - start) / 1000);
        const byKind = cpuDelta(cpu0, processTreeCpu());
        const cpu = Object.values(byKind).reduce((a, b) => a + b, 0) / timed;
        splits.push(`  ${name}: ${Object.entries(byKind)
          .filter(([, s]) => s > 0)
          .sort((a, b) => b[1] - a[1])
          .map(([k, s]) => `${k} ${((s * 1000) / timed).toFixed(0)}`)
          .join(', ')}`);
        console.log(`${name.padEnd(31)} ${openS.toFixed(1).padStart(6)}  ${rate.toFixed(2).padStart(7)}  ${quantile(ms, 0.5).toFixed(0).padStart(14)}  ${`${found}/${(twin ? 4 : 2) * timed}`.padStart(11)}  ${(cpu * 1000).toFixed(0).padStart(11)}  ${(2 / cpu).toFixed(1).padStart(6)}`);
      } finally {
        await lm.close();
      }
    }
    console.log('CPU ms per pair by process kind:');
    for (const line of splits) console.log(line);
    console.log(`(${pairs} pairs per run, first ${WARMUP} not timed; detect = time inside detectForVideo per view; hands found = hands over hands shown;`);
    console.log(' the idle-core rate is 2 / CPU-seconds per pair, an upper bound that assumes the two views keep both cores busy)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
