/**
 * Streams a video's frames as raw RGB (rgb24) from ffmpeg's stdout: no per-frame files, one
 * frame in memory at a time (plus the pipe). Every decoded frame comes out, in display order,
 * with its presentation time from the probe; a file that stops decoding early is a YotoError
 * naming the file and the frame.
 */
import { spawn } from 'node:child_process';
import { YotoError } from '../../core/errors.ts';
import { firstComplaint, probeVideo, type VideoInfo } from './probe.ts';

import { FFMPEG_PATH } from '../../core/video-encoder.ts';
export { FFMPEG_PATH };

export interface Frame {
  /** 0-based index in the stream. */
  index: number;
  /** Presentation time, seconds. */
  t: number;
  width: number;
  height: number;
  /** width × height × 3 bytes, rows top to bottom. */
  rgb: Uint8Array;
}

export interface DecodeOptions {
  /** Stop after this many frames. */
  maxFrames?: number;
}

/** Decode all frames of `path` (probing it first unless `info` is given). */
export async function* decodeFrames(path: string, opts: DecodeOptions = {}, info?: VideoInfo): AsyncGenerator<Frame> {
  const meta = info ?? (await probeVideo(path));
  const { width, height } = meta;
  const frameBytes = width * height * 3;
  const limit = Math.min(opts.maxFrames ?? Infinity, meta.frameCount);
  const proc = spawn(FFMPEG_PATH, [
    '-hide_banner', '-nostdin', '-v', 'error', '-i', path,
    '-map', '0:v:0', '-fps_mode', 'passthrough', '-an', '-sn',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  let spawnError: Error | undefined;
  proc.on('error', (e) => (spawnError = e));
  const exited = new Promise<number>((ok) => proc.on('close', (code) => ok(code ?? 1)));

  let index = 0;
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < chunk.length && index < limit) {
        const n = Math.min(frameBytes - filled, chunk.length - at);
        frame.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === frameBytes) {
          yield { index, t: meta.times[index] ?? index / meta.fps, width, height, rgb: frame };
          index++;
          frame = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
      if (index >= limit) break;
    }
    if (index >= limit) return;
    const code = await exited;
    if (spawnError) throw new YotoError(`cannot run ${FFMPEG_PATH} (${spawnError.message}); install ffmpeg`, path);
    if (code !== 0 || index < meta.frameCount) {
      const why = stderr.trim() ? firstComplaint(stderr) : 'decoder stopped early';
      throw new YotoError(`video stops decoding at frame ${index} of ${meta.frameCount} (${why}); the file may be truncated or corrupt`, path);
    }
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
}
