/**
 * Video metadata from ffprobe (Debian's ffmpeg): size, frame rate, frame count, duration and
 * every frame's presentation time, read from the packets (no decoding). A file ffprobe cannot
 * read, one with no video, or one cut short gives a YotoError naming the file.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { z } from 'zod';
import { YotoError } from '../../core/errors.ts';

export const FFPROBE_PATH = process.env.YOTO_FFPROBE ?? 'ffprobe';

export interface VideoInfo {
  path: string;
  /** Size of the decoded frames, after the rotation the file asks for (ffmpeg applies it). */
  width: number;
  height: number;
  /** Display rotation the file carries, degrees (phones record upright video this way). */
  rotation: number;
  /** Nominal frames per second (the stream's average rate, else its base rate). */
  fps: number;
  frameCount: number;
  /** Seconds, from the first frame's start to the last frame's end. */
  duration: number;
  codec: string;
  /** Presentation time of each frame in display order, seconds. */
  times: number[];
}

const num = z.union([z.number(), z.string()]).transform((v) => Number(v));
const Probe = z.object({
  packets: z.array(z.object({ pts_time: num.optional(), dts_time: num.optional(), duration_time: num.optional(), size: num.optional(), pos: num.optional() })).default([]),
  streams: z.array(z.object({
    codec_name: z.string().optional(),
    width: z.number().optional(),
    height: z.number().optional(),
    r_frame_rate: z.string().optional(),
    avg_frame_rate: z.string().optional(),
    tags: z.object({ rotate: num.optional() }).optional(),
    side_data_list: z.array(z.object({ rotation: num.optional() })).optional(),
  })).default([]),
  format: z.object({ duration: num.optional() }).optional(),
});

function rate(r: string | undefined): number {
  if (!r) return NaN;
  const [a, b] = r.split('/').map(Number);
  return b ? a / b : a;
}

/** Run a command; resolve with stdout, stderr and exit code (spawn errors become YotoErrors). */
export function runTool(cmd: string, args: string[], what: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((ok, fail) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', (e) => fail(new YotoError(`cannot run ${cmd} (${e.message}); install ffmpeg (apt-get install ffmpeg)`, what)));
    p.on('close', (code) => ok({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code: code ?? 1 }));
  });
}

/** First meaningful line of ffmpeg's complaints, without the "[demuxer @ 0x...]" prefix. */
export function firstComplaint(stderr: string): string {
  const line = stderr.split('\n').map((l) => l.replace(/^\[[^\]]*\]\s*/, '').trim()).find((l) => l.length > 0);
  return line ?? 'unknown error';
}

const TRUNCATED = /ended prematurely|truncat|partial file|unexpected end|invalid data found|error while decoding|moov atom not found|EBML header parsing failed/i;

export async function probeVideo(path: string): Promise<VideoInfo> {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    throw new YotoError('video file not found', path);
  }
  if (size === 0) throw new YotoError('video file is empty', path);
  const { stdout, stderr, code } = await runTool(FFPROBE_PATH, [
    '-v', 'error', '-select_streams', 'v:0',
    '-show_entries', 'stream=codec_name,width,height,r_frame_rate,avg_frame_rate:stream_tags=rotate:stream_side_data=rotation:format=duration:packet=pts_time,dts_time,duration_time,size,pos',
    '-of', 'json', path,
  ], path);
  if (code !== 0) throw new YotoError(`cannot read video (${firstComplaint(stderr)})`, path);
  let probe: z.infer<typeof Probe>;
  try {
    probe = Probe.parse(JSON.parse(stdout));
  } catch {
    throw new YotoError('cannot read video (ffprobe gave no usable answer)', path);
  }
  const stream = probe.streams[0];
  if (!stream || !stream.width || !stream.height) throw new YotoError('has no video stream', path);
  if (TRUNCATED.test(stderr)) throw new YotoError(`video is truncated or corrupt (${firstComplaint(stderr)})`, path);
  const packets = probe.packets;
  if (packets.length === 0) throw new YotoError('video has no frames (truncated or empty)', path);
  // A container whose index promises more bytes than the file holds was cut short.
  const end = Math.max(...packets.map((p) => (p.pos ?? 0) + (p.size ?? 0)));
  if (end > size) throw new YotoError(`video is truncated (frame data runs to byte ${end} of a ${size}-byte file)`, path);

  let fps = rate(stream.avg_frame_rate);
  if (!Number.isFinite(fps) || fps <= 0) fps = rate(stream.r_frame_rate);
  const raw = packets.map((p) => p.pts_time ?? p.dts_time ?? NaN);
  const times = raw.every(Number.isFinite)
    ? [...raw].sort((a, b) => a - b)
    : packets.map((_, i) => i / (Number.isFinite(fps) && fps > 0 ? fps : 30));
  if (!Number.isFinite(fps) || fps <= 0) {
    fps = times.length > 1 ? (times.length - 1) / (times[times.length - 1] - times[0]) : 30;
  }
  const rotation = stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? stream.tags?.rotate ?? 0;
  const quarter = Math.abs(Math.round(rotation / 90)) % 2 === 1;
  const last = packets[packets.length - 1];
  const frameDuration = last.duration_time && last.duration_time > 0 ? last.duration_time : 1 / fps;
  return {
    path,
    width: quarter ? stream.height : stream.width,
    height: quarter ? stream.width : stream.height,
    rotation,
    fps,
    frameCount: times.length,
    duration: times[times.length - 1] - times[0] + frameDuration,
    codec: stream.codec_name ?? '?',
    times,
  };
}
