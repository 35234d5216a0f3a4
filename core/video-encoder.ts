/**
 * Encodes raw RGBA frames into a video with ffmpeg, frames streamed into its stdin (no per-frame
 * files). The container comes from the output's extension: .mp4 (H.264, yuv420p, plays
 * everywhere) or .webm (VP9).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { YotoError } from './errors.ts';

export const FFMPEG_PATH = process.env.YOTO_FFMPEG ?? 'ffmpeg';

export interface VideoOptions {
  width: number;
  height: number;
  fps: number;
  /** Frames arrive bottom row first (straight from gl.readPixels); ffmpeg flips them. */
  bottomUp?: boolean;
  /** Quality: x264/VP9 CRF (lower is better; default 20 for mp4, 32 for webm). */
  crf?: number;
}

function codecArgs(out: string, crf: number | undefined): string[] {
  switch (extname(out).toLowerCase()) {
    case '.mp4':
      return ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(crf ?? 20), '-pix_fmt', 'yuv420p', '-movflags', '+faststart'];
    case '.webm':
      return ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-b:v', '0', '-crf', String(crf ?? 32), '-pix_fmt', 'yuv420p'];
    default:
      throw new YotoError('video output must end in .mp4 or .webm', out);
  }
}

export class VideoEncoder {
  readonly frameBytes: number;
  #proc: ChildProcess;
  #stderr = '';
  #failed: Error | undefined;
  #done: Promise<void>;
  #frames = 0;

  private constructor(readonly outPath: string, readonly opts: VideoOptions) {
    this.frameBytes = opts.width * opts.height * 4;
    const filters = [
      ...(opts.bottomUp ? ['vflip'] : []),
      // yuv420p needs even sizes.
      'pad=ceil(iw/2)*2:ceil(ih/2)*2',
    ];
    const args = [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${opts.width}x${opts.height}`, '-r', String(opts.fps), '-i', 'pipe:0',
      '-vf', filters.join(','),
      ...codecArgs(outPath, opts.crf),
      outPath,
    ];
    mkdirSync(dirname(outPath), { recursive: true });
    this.#proc = spawn(FFMPEG_PATH, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    this.#proc.stderr!.on('data', (d: Buffer) => {
      this.#stderr = (this.#stderr + d.toString()).slice(-4000);
    });
    // A dead ffmpeg makes writes fail with EPIPE; the exit code says why.
    this.#proc.stdin!.on('error', () => undefined);
    this.#done = new Promise<void>((ok, fail) => {
      this.#proc.on('error', (e: NodeJS.ErrnoException) => {
        this.#failed = e.code === 'ENOENT' ? new YotoError('ffmpeg not found; install it with apt-get install ffmpeg', FFMPEG_PATH) : e;
        fail(this.#failed);
      });
      this.#proc.on('close', (code) => {
        if (code === 0) ok();
        else {
          this.#failed ??= new YotoError(`ffmpeg failed (exit ${code}): ${this.#stderr.trim().split('\n').pop() ?? ''}`, outPath);
          fail(this.#failed);
        }
      });
    });
    this.#done.catch(() => undefined);
  }

  /** Start ffmpeg writing `outPath`. */
  static start(outPath: string, opts: VideoOptions): VideoEncoder {
    codecArgs(outPath, opts.crf); // check the extension before spawning
    return new VideoEncoder(outPath, opts);
  }

  get frames(): number {
    return this.#frames;
  }

  /** Queue one frame; resolves when ffmpeg can take more (backpressure). */
  async write(rgba: Uint8Array): Promise<void> {
    if (this.#failed) throw this.#failed;
    if (rgba.length !== this.frameBytes) throw new Error(`VideoEncoder: frame of ${rgba.length} bytes, expected ${this.frameBytes}`);
    this.#frames++;
    const stdin = this.#proc.stdin!;
    if (!stdin.write(rgba)) {
      await Promise.race([new Promise((ok) => stdin.once('drain', ok)), this.#done]);
    }
  }

  /** Close the input and wait for the file to be complete. */
  async finish(): Promise<void> {
    this.#proc.stdin!.end();
    await this.#done;
  }

  /** Stop without a usable file. */
  abort(): void {
    this.#proc.kill('SIGKILL');
  }
}
