import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeVideo } from '../../perception/video/probe.ts';
import { decodeFrames, type Frame } from '../../perception/video/decode.ts';
import { alignStereo, openStereo } from '../../perception/video/stereo.ts';
import { isYotoError } from '../../core/errors.ts';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'hand-clip');
const LEFT = join(FIXTURE, 'left.webm');
const RIGHT = join(FIXTURE, 'right.webm');

const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

async function collect(it: AsyncIterable<Frame>): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of it) out.push(f);
  return out;
}

async function yotoError(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect(isYotoError(e), String(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected a YotoError');
}

const meanAbsDiff = (a: Uint8Array, b: Uint8Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
};

describe('video decoding', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'yoto-video-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('probes size, rate, frame count and frame times', async () => {
    const info = await probeVideo(LEFT);
    expect(info).toMatchObject({ width: 640, height: 480, fps: 30, frameCount: 12, codec: 'vp9' });
    expect(info.times).toHaveLength(12);
    info.times.forEach((t, i) => expect(t).toBeCloseTo(i / 30, 2));
    expect(info.duration).toBeCloseTo(0.4, 2);
  });

  it('streams every frame as RGB with its time', async () => {
    const frames = await collect(decodeFrames(LEFT));
    expect(frames.map((f) => f.index)).toEqual([...Array(12).keys()]);
    for (const f of frames) {
      expect(f.rgb.length).toBe(640 * 480 * 3);
      expect(f.t).toBeCloseTo(f.index / 30, 2);
    }
    // Top-left corner is the slate-grey background (0x4a5560), the centre-right has skin.
    const px = (f: Frame, x: number, y: number) => Array.from(f.rgb.subarray((y * 640 + x) * 3, (y * 640 + x) * 3 + 3));
    const [r, g, b] = px(frames[0], 5, 5);
    expect(Math.abs(r - 0x4a) + Math.abs(g - 0x55) + Math.abs(b - 0x60)).toBeLessThan(20);
    const skin = px(frames[0], 370, 250);
    expect(skin[0]).toBeGreaterThan(skin[2] + 40);
    expect((await collect(decodeFrames(LEFT, { maxFrames: 3 }))).length).toBe(3);
  });

  it('names the file for missing, garbage and truncated videos', async () => {
    const garbage = join(dir, 'garbage.mp4');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)));
    const truncWebm = join(dir, 'cut.webm');
    writeFileSync(truncWebm, readFileSync(LEFT).subarray(0, 3000));
    const mp4 = join(dir, 'whole.mp4');
    ffmpeg('-i', LEFT, '-c', 'copy', '-movflags', '+faststart', mp4);
    const truncMp4 = join(dir, 'cut.mp4');
    const whole = readFileSync(mp4);
    writeFileSync(truncMp4, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const empty = join(dir, 'empty.webm');
    writeFileSync(empty, '');

    expect((await yotoError(probeVideo(join(dir, 'nope.webm')))).message).toMatch(/nope\.webm: video file not found/);
    expect((await yotoError(probeVideo(empty))).message).toMatch(/empty\.webm: video file is empty/);
    expect((await yotoError(probeVideo(garbage))).message).toMatch(/garbage\.mp4: cannot read video/);
    expect((await yotoError(probeVideo(truncWebm))).message).toMatch(/cut\.webm: video .*(truncated|no frames)/);
    expect((await yotoError(probeVideo(truncMp4))).message).toMatch(/cut\.mp4: video is truncated/);
    // The intact mp4 decodes fully.
    expect((await collect(decodeFrames(mp4))).length).toBe(12);
  });

  it('gives the upright size of a video that carries a rotation, and decodes it upright', async () => {
    const rot = join(dir, 'rot.mp4');
    ffmpeg('-i', LEFT, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rot);
    const info = await probeVideo(rot);
    expect([info.width, info.height, Math.abs(info.rotation)]).toEqual([480, 640, 90]);
    const [f] = await collect(decodeFrames(rot, { maxFrames: 1 }));
    const [g] = await collect(decodeFrames(LEFT, { maxFrames: 1 }));
    expect([f.width, f.height, f.rgb.length]).toEqual([480, 640, 480 * 640 * 3]);
    // It is the original turned a quarter turn one way or the other.
    const turned = (cw: boolean) => {
      const out = new Uint8Array(g.rgb.length);
      for (let y = 0; y < 640; y++) for (let x = 0; x < 480; x++) {
        const [sx, sy] = cw ? [y, 479 - x] : [639 - y, x];
        out.set(g.rgb.subarray((sy * 640 + sx) * 3, (sy * 640 + sx) * 3 + 3), (y * 480 + x) * 3);
      }
      return out;
    };
    expect(Math.min(meanAbsDiff(f.rgb, turned(true)), meanAbsDiff(f.rgb, turned(false)))).toBeLessThan(2);
  });

  it('reports a decode that stops early with the file and frame', async () => {
    const info = await probeVideo(LEFT);
    // Claim more frames than the file has: the decoder must notice it stopped short.
    const err = await yotoError(collect(decodeFrames(LEFT, {}, { ...info, frameCount: 20, times: [...info.times, ...Array(8).fill(1)] })));
    expect(err.message).toMatch(/left\.webm: video stops decoding at frame 12 of 20/);
  });

  it('pairs identical timelines one to one, silently', () => {
    const t = [0, 1 / 30, 2 / 30];
    expect(alignStereo(t, t, { left: 30, right: 30 })).toEqual({ pairs: t.map((x, i) => ({ t: x, left: i, right: i, dt: 0 })), warnings: [] });
  });

  it('aligns different rates and lengths by timestamp, with warnings', () => {
    const left = Array.from({ length: 30 }, (_, i) => i / 30);
    const right = Array.from({ length: 12 }, (_, i) => i / 15 + 0.004);
    const { pairs, warnings } = alignStereo(left, right, { left: 30, right: 15 });
    expect(pairs.map((p) => [p.left, p.right])).toEqual(right.map((_, i) => [2 * i, i]));
    for (const p of pairs) expect(Math.abs(p.dt)).toBeLessThan(1 / 60);
    expect(warnings.join('\n')).toMatch(/different frame rates \(30 vs 15 fps\)/);
    expect(warnings.join('\n')).toMatch(/different lengths \(30 vs 12 frames\)/);
    expect(warnings.join('\n')).toMatch(/12 stereo pairs; 18 left and 0 right frames/);
    // A right stream starting later and ending earlier: only the overlap pairs.
    const late = alignStereo(left, left.slice(5, 20), { left: 30, right: 30 });
    expect(late.pairs.map((p) => [p.left, p.right])).toEqual(Array.from({ length: 15 }, (_, i) => [i + 5, i]));
  });

  it('opens two files of different rate and length as aligned stereo pairs', async () => {
    const right15 = join(dir, 'right15.webm');
    ffmpeg('-i', RIGHT, '-vf', 'fps=15', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', right15);
    const left8 = join(dir, 'left8.webm');
    ffmpeg('-i', LEFT, '-frames:v', '8', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', left8);
    const src = await openStereo({ left: left8, right: right15 });
    expect(src.right.fps).toBe(15);
    expect(src.warnings.join('\n')).toMatch(/different frame rates/);
    expect(src.pairs.length).toBe(4);
    const frames = [];
    for await (const p of src.frames()) frames.push(p);
    expect(frames.map((p) => [p.left.index, p.right.index])).toEqual(src.pairs.map((p) => [p.left, p.right]));
    for (const p of frames) expect(Math.abs(p.left.t - p.right.t)).toBeLessThan(1 / 60);
  });

  it('splits a side-by-side video into left and right halves', async () => {
    const sbs = join(dir, 'sbs.mkv');
    ffmpeg('-i', LEFT, '-i', RIGHT, '-filter_complex', 'hstack', '-c:v', 'ffv1', sbs);
    const src = await openStereo({ sbs });
    expect(src.sbs).toBe(true);
    expect([src.left.width, src.left.height, src.pairs.length]).toEqual([640, 480, 12]);
    const left = await collect(decodeFrames(LEFT));
    const right = await collect(decodeFrames(RIGHT));
    let n = 0;
    for await (const p of src.frames({ maxPairs: 3 })) {
      expect(p.left.width).toBe(640);
      // ffv1 is lossless over the decoded halves (up to yuv420 round trip).
      expect(meanAbsDiff(p.left.rgb, left[p.index].rgb)).toBeLessThan(2);
      expect(meanAbsDiff(p.right.rgb, right[p.index].rgb)).toBeLessThan(2);
      expect(meanAbsDiff(p.left.rgb, p.right.rgb)).toBeGreaterThan(2);
      n++;
    }
    expect(n).toBe(3);
  });
});
