/**
 * Renders a MuJoCo scene with three.js in headless Chromium: one browser and one page for the
 * renderer's life (launching takes 1–2 s; a 640×480 frame with MSAA and shadows costs about
 * 0.2 CPU-seconds on SwiftShader), images as PNG, RGBA or straight into ffmpeg.
 *
 * Pixels come back from gl.readPixels in batches of frames per page.evaluate (Playwright
 * carries typed arrays as base64, encoded natively by Uint8Array.toBase64), and the page renders
 * the next batch while Node hands this one to the encoder. A fetch POST of raw bytes to the local
 * server and a screenshot per frame were both slower (bench/render.bench.ts).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type BrowserSession } from '../../core/chromium.ts';
import { startStaticServer, projectMounts, type StaticServer } from '../../core/static-server.ts';
import { writeFileAtomic } from '../../core/atomic.ts';
import { RenderSceneSchema, type RenderScene } from './render-scene.ts';
import { POSE_STRIDE, type RenderFrame } from './render-frame.ts';
import { RenderCameraSchema, type RenderCamera } from './render-camera.ts';
import { encodePng, type RgbaImage } from './png.ts';
import { VideoEncoder } from '../../core/video-encoder.ts';

export interface RendererOptions {
  width: number;
  height: number;
  /** MSAA (default true). */
  antialias?: boolean;
  /** Shadow-casting key light (default true). */
  shadows?: boolean;
  /** Plane geoms drawn as a checker (default) or plain. */
  floor?: 'checker' | 'plain';
  /** Checker square size, metres (default 0.25). */
  checkerSize?: number;
  /** Background colour, 0xRRGGBB sRGB (default light grey 0xd9dde2). */
  background?: number;
}

/** One camera for every frame, or one per frame. */
export type CameraSpec = RenderCamera | RenderCamera[];

export interface VideoRenderOptions {
  /** x264/VP9 CRF (default 20 for mp4, 32 for webm; lower is better and bigger). */
  crf?: number;
  /** Also write every k-th frame as a PNG (default 0: none). */
  pngEvery?: number;
  /** Where those PNGs go (default: the video's folder), named `<pngPrefix>_00000.png`. */
  pngDir?: string;
  pngPrefix?: string;
}

export interface VideoResult {
  path: string;
  frames: number;
  fps: number;
  /** PNGs written alongside (see VideoRenderOptions.pngEvery). */
  pngs: string[];
}

/** Called with each frame's pixels (RGBA, bottom row first) in order. */
type FrameSink = (rgbaBottomUp: Buffer, index: number) => Promise<void> | void;

const PAGE = '/sim/render/page/render.html';
/**
 * Pixels per page.evaluate, in bytes (8 frames at 640×480): large enough to amortise the call,
 * small enough to keep the base64 string CDP carries modest.
 */
const BATCH_BYTES = 10_000_000;

export class SceneRenderer {
  #browser: BrowserSession;
  #server: StaticServer;
  #scene: RenderScene;
  readonly width: number;
  readonly height: number;
  readonly options: RendererOptions;

  private constructor(browser: BrowserSession, server: StaticServer, scene: RenderScene, options: RendererOptions) {
    this.#browser = browser;
    this.#server = server;
    this.#scene = scene;
    this.options = options;
    this.width = options.width;
    this.height = options.height;
  }

  /** Start Chromium, load the render page and build `scene`. */
  static async launch(scene: RenderScene, options: RendererOptions): Promise<SceneRenderer> {
    if (!(Number.isInteger(options.width) && Number.isInteger(options.height) && options.width > 0 && options.height > 0)) {
      throw new Error(`SceneRenderer: bad image size ${options.width}×${options.height}`);
    }
    const server = await startStaticServer({ mounts: projectMounts() });
    let browser: BrowserSession | undefined;
    try {
      browser = await launchBrowser({ viewport: { width: options.width, height: options.height } });
      const r = new SceneRenderer(browser, server, RenderSceneSchema.parse(scene), options);
      const errors: string[] = [];
      browser.page.on('pageerror', (e) => errors.push(e.message));
      await browser.page.goto(server.url + PAGE);
      await browser.page.waitForFunction(() => 'yotoRender' in window, undefined, { timeout: 30_000 }).catch(() => {
        throw new Error(`render page did not start: ${errors.join('; ') || 'timeout'}`);
      });
      await r.setScene(scene);
      return r;
    } catch (e) {
      await browser?.close();
      await server.close();
      throw e;
    }
  }

  /** The Chromium page, for extensions: `window.yotoRender.view` is the SceneView (add objects with view.add). */
  get page(): Page {
    return this.#browser.page;
  }

  /** Base URL of the renderer's static server (serves the project and three.js). */
  get serverUrl(): string {
    return this.#server.url;
  }

  get scene(): RenderScene {
    return this.#scene;
  }

  /** Replace the scene (e.g. another task) without relaunching the browser. */
  async setScene(scene: RenderScene): Promise<void> {
    this.#scene = RenderSceneSchema.parse(scene);
    const { antialias = true, shadows = true, floor = 'checker', checkerSize = 0.25, background = 0xd9dde2 } = this.options;
    const opts = { width: this.width, height: this.height, antialias, shadows, floor, checkerSize, background };
    await this.page.evaluate(([s, o]) => (window as unknown as YotoRenderWindow).yotoRender.init(s, o), [this.#scene, opts] as const);
  }

  /**
   * Render frames in order, handing each frame's pixels (RGBA, bottom row first) to `sink`.
   * Frames travel in batches; the page renders the next batch while the sink consumes this one.
   */
  async renderEach(frames: RenderFrame[], camera: CameraSpec, sink: FrameSink): Promise<void> {
    const cameras = Array.isArray(camera) ? camera.map((c) => RenderCameraSchema.parse(c)) : RenderCameraSchema.parse(camera);
    if (Array.isArray(cameras) && cameras.length !== frames.length) {
      throw new Error(`renderEach: ${cameras.length} cameras for ${frames.length} frames`);
    }
    const table = this.#scene.ngeom * POSE_STRIDE;
    for (const [i, f] of frames.entries()) {
      if (f.poses.length !== table) throw new Error(`frame ${i} has ${f.poses.length / POSE_STRIDE} geoms; the scene has ${this.#scene.ngeom}`);
    }
    const frameBytes = this.width * this.height * 4;
    const batch = Math.max(1, Math.floor(BATCH_BYTES / frameBytes));
    const renderBatch = (start: number): Promise<Uint8Array> => {
      const count = Math.min(batch, frames.length - start);
      const poses = new Float32Array(count * table);
      for (let k = 0; k < count; k++) poses.set(frames[start + k].poses, k * table);
      const cams = Array.isArray(cameras) ? cameras.slice(start, start + count) : cameras;
      return this.page.evaluate(
        ([p, n, c]) => (window as unknown as YotoRenderWindow).yotoRender.renderBatch(p, n, c),
        [poses, count, cams] as const,
      );
    };
    let pending: Promise<Uint8Array> | undefined = frames.length > 0 ? renderBatch(0) : undefined;
    try {
      for (let start = 0; pending; start += batch) {
        const pixels = Buffer.from(await pending);
        pending = start + batch < frames.length ? renderBatch(start + batch) : undefined;
        const count = pixels.length / frameBytes;
        for (let k = 0; k < count; k++) await sink(pixels.subarray(k * frameBytes, (k + 1) * frameBytes), start + k);
      }
    } finally {
      // A failed sink leaves a batch in flight: let it finish quietly.
      pending?.catch(() => undefined);
    }
  }

  /** One frame as RGBA, top row first. */
  async renderRgba(frame: RenderFrame, camera: RenderCamera): Promise<RgbaImage> {
    let img: RgbaImage | undefined;
    await this.renderEach([frame], camera, (px) => {
      img = { width: this.width, height: this.height, data: flipRows(px, this.width, this.height) };
    });
    return img!;
  }

  /** One frame as a PNG. */
  async render(frame: RenderFrame, camera: RenderCamera): Promise<Buffer> {
    return encodePng(await this.renderRgba(frame, camera));
  }

  /** Write frames as `dir/<prefix>_00000.png`, ...; returns the paths. */
  async renderPngs(frames: RenderFrame[], camera: CameraSpec, dir: string, prefix = 'frame'): Promise<string[]> {
    mkdirSync(dir, { recursive: true });
    const paths: string[] = [];
    await this.renderEach(frames, camera, (px, i) => {
      const path = join(dir, `${prefix}_${String(i).padStart(5, '0')}.png`);
      writeFileAtomic(path, encodePng({ width: this.width, height: this.height, data: flipRows(px, this.width, this.height) }));
      paths.push(path);
    });
    return paths;
  }

  /**
   * Render frames straight into ffmpeg: `outPath` ending in .mp4 (H.264) or .webm (VP9).
   * With `pngEvery`, every k-th frame (0, k, 2k, ...) is also written as a PNG in the same pass.
   */
  async renderVideo(frames: RenderFrame[], camera: CameraSpec, fps: number, outPath: string, opts: VideoRenderOptions = {}): Promise<VideoResult> {
    if (frames.length === 0) throw new Error('renderVideo: no frames');
    const every = opts.pngEvery ?? 0;
    const pngDir = opts.pngDir ?? dirname(outPath);
    const prefix = opts.pngPrefix ?? 'frame';
    const pngs: string[] = [];
    const encoder = VideoEncoder.start(outPath, { width: this.width, height: this.height, fps, bottomUp: true, crf: opts.crf });
    try {
      await this.renderEach(frames, camera, async (px, i) => {
        await encoder.write(px);
        if (every > 0 && i % every === 0) {
          const path = join(pngDir, `${prefix}_${String(i).padStart(5, '0')}.png`);
          writeFileAtomic(path, encodePng({ width: this.width, height: this.height, data: flipRows(px, this.width, this.height) }));
          pngs.push(path);
        }
      });
      await encoder.finish();
    } catch (e) {
      encoder.abort();
      throw e;
    }
    return { path: outPath, frames: encoder.frames, fps, pngs };
  }

  async close(): Promise<void> {
    await this.#browser.close();
    await this.#server.close();
  }
}

/** Reverse the row order of an RGBA image (GL's bottom-up to the usual top-down). */
export function flipRows(px: Uint8Array, width: number, height: number): Uint8Array {
  const row = width * 4;
  const out = new Uint8Array(px.length);
  for (let y = 0; y < height; y++) out.set(px.subarray(y * row, (y + 1) * row), (height - 1 - y) * row);
  return out;
}

/** What render-page.js puts on window (for typing the page.evaluate calls). */
interface YotoRenderWindow {
  yotoRender: {
    init(scene: RenderScene, options: Required<RendererOptions>): void;
    renderBatch(poses: Float32Array, count: number, camera: CameraSpec): Uint8Array;
  };
}
