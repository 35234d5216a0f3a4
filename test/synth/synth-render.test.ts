/**
 * `yoto synth` end to end through headless Chromium and ffmpeg: a short lift-bar clip, its
 * videos, calibration and ground truth checked against each other.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerSynthCommand } from '../../cli/synth.ts';
import { SceneSchema } from '../../core/scene.ts';
import { readCalibration } from '../../perception/calibration/read-calibration.ts';
import { StereoCamera } from '../../perception/stereo-camera.ts';
import { TruthSchema, type Truth } from '../../synth/truth.ts';
import { decodePng } from '../../sim/render/png.ts';

const FRAMES = 8;
const W = 640;
const H = 480;

/** Run `yoto synth ...` in this process; returns stdout lines, stderr lines and the exit code. */
async function yotoSynth(args: string[]): Promise<{ out: string[]; err: string[]; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  const code0 = process.exitCode;
  process.exitCode = 0;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const program = new Command().name('yoto').exitOverride();
    program.configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void err.push(s) });
    registerSynthCommand(program);
    await program.parseAsync(['node', 'yoto', 'synth', ...args]);
    return { out, err, code: Number(process.exitCode ?? 0) };
  } finally {
    console.log = log;
    console.error = error;
    process.exitCode = code0;
  }
}

function ffprobe(path: string): { codec: string; width: number; height: number; frames: number; rate: string } {
  const json = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames,r_frame_rate', '-of', 'json', path], { encoding: 'utf8' });
  const s = JSON.parse(json).streams[0];
  return { codec: s.codec_name, width: s.width, height: s.height, frames: Number(s.nb_read_frames), rate: s.r_frame_rate };
}

/** Frame `index` of a video as RGB bytes, top row first. */
function decodeFrame(path: string, index: number): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-vf', `select=eq(n\\,${index})`, '-vframes', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 64 << 20 });
}

describe('yoto synth (Chromium, ffmpeg)', () => {
  let dir: string;
  let run: { out: string[]; err: string[]; code: number };
  let truth: Truth;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yoto-synth-'));
    // Pure green skin and blue sleeves make the hands easy to find in the images.
    run = await yotoSynth(['--task', 'lift-bar', '--seed', '4', '--out', dir, '--frames', String(FRAMES), '--preview', '--skin', '00ff00', '--sleeve', '0000ff', '--json']);
    if (run.code === 0) truth = TruthSchema.parse(JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a JSON summary as the last line and writes every file', () => {
    expect(run.err.filter((l) => /error/.test(l))).toEqual([]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.out[run.out.length - 1]);
    expect(summary).toMatchObject({ task: 'lift-bar', seed: 4, frames: FRAMES, fps: 30 });
    for (const f of ['left.webm', 'right.webm', 'calib.yaml', 'scene.json', 'truth.json', 'preview.png']) expect(existsSync(join(dir, f))).toBe(true);
    const preview = decodePng(readFileSync(join(dir, 'preview.png')));
    expect(preview.width).toBeGreaterThan(2 * W);
    expect(preview.height).toBe(H);
    expect(SceneSchema.parse(JSON.parse(readFileSync(join(dir, 'scene.json'), 'utf8')))).toMatchObject({ task: 'lift-bar', seed: 4 });
  });

  it('writes two VP9 videos of the expected size, rate and frame count', () => {
    for (const v of ['left', 'right']) {
      const p = ffprobe(join(dir, `${v}.webm`));
      expect(p).toEqual({ codec: 'vp9', width: W, height: H, frames: FRAMES, rate: '30/1' });
    }
  });

  it('writes truth whose frames, times and keyposes are consistent', () => {
    expect(truth.frames).toHaveLength(FRAMES);
    truth.frames.forEach((f, i) => {
      expect(f.t).toBeCloseTo(i / 30, 6);
      expect(f.sim_t).toBeGreaterThanOrEqual(f.t - 1e-9);
      expect(f.sim_t - f.t).toBeLessThan(0.0101); // the first control step at or after t
    });
    expect(truth.success).toBeNull(); // cut short: the episode's outcome is unknown
    expect(truth.keyposes.left[0].start).toBe(0);
    expect(truth.landmark_joints[0]).toBe('wrist');
  });

  it('projects truth landmarks through calib.yaml (read by perception) onto the stored pixels, inside the image where visible', () => {
    const cam = new StereoCamera(readCalibration(join(dir, 'calib.yaml')));
    let visible = 0;
    for (const f of truth.frames)
      for (const hand of ['left', 'right'] as const)
        for (const view of ['left', 'right'] as const)
          f[hand].world.forEach((p, i) => {
            const uv = cam.project(view, p)!;
            const stored = f[hand].pixels[view][i]!;
            expect(Math.abs(uv[0] - stored[0])).toBeLessThan(0.05); // world points are rounded to 10 µm
            expect(Math.abs(uv[1] - stored[1])).toBeLessThan(0.05);
            if (f[hand].visible[view][i]) {
              visible++;
              expect(uv[0]).toBeGreaterThanOrEqual(-0.5);
              expect(uv[0]).toBeLessThanOrEqual(W - 0.5);
              expect(uv[1]).toBeGreaterThanOrEqual(-0.5);
              expect(uv[1]).toBeLessThanOrEqual(H - 0.5);
            }
          });
    expect(visible).toBeGreaterThan(0.8 * FRAMES * 2 * 2 * 21);
  });

  it('draws the hands where the truth says they are', () => {
    const frame = Math.floor(FRAMES / 2);
    for (const view of ['left', 'right'] as const) {
      const rgb = decodeFrame(join(dir, `${view}.webm`), frame);
      expect(rgb.length).toBe(W * H * 3);
      const green = (x: number, y: number): boolean => {
        if (x < 0 || y < 0 || x >= W || y >= H) return false;
        const o = 3 * (y * W + x);
        return rgb[o + 1] > 90 && rgb[o + 1] > 1.6 * rgb[o] && rgb[o + 1] > 1.6 * rgb[o + 2];
      };
      const nearGreen = (u: number, v: number, r: number): boolean => {
        for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) if (green(Math.round(u) + dx, Math.round(v) + dy)) return true;
        return false;
      };
      const pts: [number, number][] = [];
      let hits = 0;
      let n = 0;
      for (const hand of ['left', 'right'] as const) {
        const h = truth.frames[frame][hand];
        h.pixels[view].forEach((uv, i) => {
          if (!uv) return;
          pts.push(uv);
          if (!h.visible[view][i]) return;
          n++;
          if (nearGreen(uv[0], uv[1], 5)) hits++;
        });
      }
      expect(n).toBeGreaterThan(20);
      expect(hits / n).toBeGreaterThan(0.85);
      // …and nothing green far from every landmark (the bare forearm reaches ≈ 12 cm past the wrist).
      let stray = 0;
      for (let y = 0; y < H; y += 2)
        for (let x = 0; x < W; x += 2)
          if (green(x, y) && pts.every(([u, v]) => Math.hypot(u - x, v - y) > 110)) stray++;
      expect(stray).toBe(0);
    }
  });

  it('refuses an unknown task with one error line and a non-zero exit', async () => {
    const r = await yotoSynth(['--task', 'juggle', '--out', join(dir, 'never')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/juggle/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
