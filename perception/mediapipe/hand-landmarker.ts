/**
 * MediaPipe HandLandmarker (tasks-vision) run in headless Chromium, driven from Node.
 * It only runs in a browser: it needs WebGL2 even on the CPU delegate, and headless Chromium
 * gives that through SwiftShader. One page per view, so the two views of a stereo pair run in
 * two renderer processes at once. Frames go to the page as raw RGB over a local HTTP route
 * (binary fetch); results come back as small JSON. Everything is served from 127.0.0.1 —
 * the tasks-vision wasm from node_modules, the model bundle from memory.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { launchBrowser, type BrowserSession } from '../../core/chromium.ts';
import { projectMounts, startStaticServer, type StaticServer } from '../../core/static-server.ts';
import { YotoError } from '../../core/errors.ts';
import { Vec3Schema } from '../../core/program.ts';
import type { Frame } from '../video/decode.ts';
import { resolveHandModel, type HandModel } from './model-bundle.ts';

/** MediaPipe's 21 hand landmarks, in its order (the list lives with the hands.json schema). */
export { LANDMARKS as HAND_LANDMARK_NAMES } from '../../core/hands.ts';

const PageHand = z.object({
  handedness: z.string().nullable(),
  handednessScore: z.number(),
  presence: z.number().nullable(),
  landmarks: z.array(z.number()).length(63),
  world: z.array(z.number()).length(63).nullable().optional(),
});
const PageResult = z.array(z.object({ hands: z.array(PageHand), ms: z.number() }));
const PageInit = z.record(z.string(), z.object({ loadMs: z.number() }));

export const HandObservationSchema = z.object({
  /** The model's label, as MediaPipe gives it ('Left' / 'Right'); see README on mirroring. */
  handedness: z.enum(['Left', 'Right']).nullable(),
  handednessScore: z.number(),
  /**
   * Per-landmark presence where tasks-vision reports it (max over landmarks), else null:
   * tasks-vision 1.1.0 filters by hand presence (minHandPresenceConfidence) but does not
   * return the score itself.
   */
  presence: z.number().nullable(),
  /** 21 × [x, y, z]: x, y in pixels of the view; z MediaPipe's relative depth (wrist-relative, x scale). */
  landmarks: z.array(Vec3Schema).length(21),
  /**
   * MediaPipe's metric hand shape ("world landmarks"): 21 × [x, y, z] in metres about the hand's
   * centre, axes along the camera's (x right, y down, z away); null when the model gave none.
   */
  world: z.array(Vec3Schema).length(21).nullable(),
});
export type HandObservation = z.infer<typeof HandObservationSchema>;

export interface ViewDetection {
  view: string;
  t: number;
  hands: HandObservation[];
  /** Time spent in detectForVideo, ms. */
  ms: number;
}

export type Delegate = 'CPU' | 'GPU';

export interface HandLandmarkerOptions {
  /** 'full', 'lite' (default) or a path to an official hand_landmarker.task. */
  model?: string;
  /** Model cache folder (default $YOTO_CACHE or ~/.cache/yoto). */
  cacheDir?: string;
  numHands?: number;
  /**
   * CPU (default): XNNPACK in wasm. GPU runs on SwiftShader without a real GPU and measured
   * 10–40× slower here (3–15 s a frame), so only pick it where Chromium has a real GPU.
   */
  delegate?: Delegate;
  minDetection?: number;
  minPresence?: number;
  minTracking?: number;
  /** 'pages' (default): one page per view, run concurrently; 'page': all views in one page. */
  layout?: 'pages' | 'page';
  /** 'fetch' (default): page pulls raw RGB from a route; 'base64': frames ride in page.evaluate. */
  transfer?: 'fetch' | 'base64';
}

interface HandsPageApi {
  init(o: { modelUrl: string; viewNames: string[]; delegate: Delegate; numHands: number; minDetection: number; minPresence: number; minTracking: number }): Promise<unknown>;
  detect(r: { view: string; url: string; width: number; height: number; tMs: number }[]): Promise<unknown>;
  detectBase64(r: { view: string; base64: string; width: number; height: number; tMs: number }[]): unknown;
  close(): void;
}
declare global {
  interface Window {
    yotoHands: HandsPageApi;
    yotoHandsReady?: boolean;
  }
}

const PAGE_PATH = '/perception/mediapipe/page/hands.html';

/** Landmarkers for named views (e.g. 'left', 'right') in one headless Chromium. */
export class HandLandmarker {
  private seq = 0;

  private constructor(
    readonly views: string[],
    readonly model: HandModel,
    readonly options: Required<Omit<HandLandmarkerOptions, 'model' | 'cacheDir'>>,
    private readonly browser: BrowserSession,
    private readonly server: StaticServer,
    /** Frames waiting for the page to fetch them from /frame?k=key. */
    private readonly frames: Map<string, Buffer>,
    /** The page each view runs in. */
    private readonly pageOf: Map<string, Page>,
    /** Model load time per view, ms. */
    readonly loadMs: Record<string, number>,
    /** Requests the pages made to anywhere but the local server (stays empty: offline). */
    readonly externalRequests: string[],
  ) {}

  static async open(views: string[] = ['left', 'right'], opts: HandLandmarkerOptions = {}): Promise<HandLandmarker> {
    const model = resolveHandModel(opts.model ?? 'lite', opts.cacheDir);
    const o = {
      numHands: opts.numHands ?? 2,
      delegate: opts.delegate ?? 'CPU',
      minDetection: opts.minDetection ?? 0.5,
      minPresence: opts.minPresence ?? 0.5,
      minTracking: opts.minTracking ?? 0.5,
      layout: opts.layout ?? 'pages',
      transfer: opts.transfer ?? 'fetch',
    } satisfies HandLandmarker['options'];
    const frames = new Map<string, Buffer>();
    const server = await startStaticServer({
      mounts: projectMounts(),
      files: { '/model.task': { body: Buffer.from(model.bytes.buffer, model.bytes.byteOffset, model.bytes.byteLength), type: 'application/octet-stream' } },
      routes: {
        '/frame': (req: IncomingMessage, res: ServerResponse) => {
          const key = new URL(req.url ?? '/', 'http://x').searchParams.get('k') ?? '';
          const body = frames.get(key);
          if (!body) {
            res.writeHead(404).end();
            return;
          }
          frames.delete(key);
          res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
          res.end(body);
        },
      },
    });
    let browser: BrowserSession | undefined;
    try {
      browser = await launchBrowser({ viewport: { width: 320, height: 240 } });
      const external: string[] = [];
      browser.context.on('request', (r) => {
        if (!r.url().startsWith(server.url + '/') && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) external.push(r.url());
      });
      const groups = o.layout === 'pages' ? views.map((v) => [v]) : [views];
      const pages: Page[] = [browser.page];
      while (pages.length < groups.length) pages.push(await browser.context.newPage());
      const pageOf = new Map<string, Page>();
      const loadMs: Record<string, number> = {};
      const errors: string[] = [];
      await Promise.all(groups.map(async (group, i) => {
        const page = pages[i];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(server.url + PAGE_PATH);
        await page.waitForFunction(() => window.yotoHandsReady === true, null, { timeout: 60_000 });
        const init = PageInit.parse(await page.evaluate((a) => window.yotoHands.init(a), {
          modelUrl: '/model.task', viewNames: group, delegate: o.delegate, numHands: o.numHands,
          minDetection: o.minDetection, minPresence: o.minPresence, minTracking: o.minTracking,
        }));
        for (const v of group) {
          pageOf.set(v, page);
          loadMs[v] = init[v]?.loadMs ?? NaN;
        }
      })).catch((e: unknown) => {
        const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
        throw new YotoError(`MediaPipe HandLandmarker failed to start in Chromium (${why}${errors.length ? `; page: ${errors[0]}` : ''})`, model.path);
      });
      return new HandLandmarker(views, model, o, browser, server, frames, pageOf, loadMs, external);
    } catch (e) {
      await browser?.close();
      await server.close();
      throw e;
    }
  }

  /**
   * Detect hands in one frame per view (all views at once). `t` is the frame time in seconds;
   * it must increase from call to call (MediaPipe's VIDEO mode tracks hands across frames).
   */
  async detect(inputs: { view: string; frame: Frame; t?: number }[]): Promise<ViewDetection[]> {
    const byPage = new Map<Page, { view: string; frame: Frame; t: number }[]>();
    for (const inp of inputs) {
      const page = this.pageOf.get(inp.view);
      if (!page) throw new Error(`no landmarker for view ${inp.view}`);
      const list = byPage.get(page) ?? [];
      list.push({ view: inp.view, frame: inp.frame, t: inp.t ?? inp.frame.t });
      byPage.set(page, list);
    }
    const results = new Map<string, ViewDetection>();
    await Promise.all([...byPage].map(async ([page, list]) => {
      let raw: unknown;
      if (this.options.transfer === 'base64') {
        raw = await page.evaluate((r) => window.yotoHands.detectBase64(r), list.map((x) => ({
          view: x.view, width: x.frame.width, height: x.frame.height, tMs: x.t * 1000,
          base64: Buffer.from(x.frame.rgb.buffer, x.frame.rgb.byteOffset, x.frame.rgb.byteLength).toString('base64'),
        })));
      } else {
        const reqs = list.map((x) => {
          const key = `${x.view}-${this.seq++}`;
          this.frames.set(key, Buffer.from(x.frame.rgb.buffer, x.frame.rgb.byteOffset, x.frame.rgb.byteLength));
          return { view: x.view, url: `/frame?k=${encodeURIComponent(key)}`, width: x.frame.width, height: x.frame.height, tMs: x.t * 1000 };
        });
        raw = await page.evaluate((r) => window.yotoHands.detect(r), reqs);
      }
      const parsed = PageResult.parse(raw);
      list.forEach((x, i) => {
        results.set(x.view, {
          view: x.view,
          t: x.t,
          ms: parsed[i].ms,
          hands: parsed[i].hands.map((h) => ({
            handedness: h.handedness === 'Left' || h.handedness === 'Right' ? h.handedness : null,
            handednessScore: h.handednessScore,
            presence: h.presence,
            landmarks: Array.from({ length: 21 }, (_, k) => [h.landmarks[3 * k], h.landmarks[3 * k + 1], h.landmarks[3 * k + 2]] as [number, number, number]),
            world: h.world ? Array.from({ length: 21 }, (_, k) => [h.world![3 * k], h.world![3 * k + 1], h.world![3 * k + 2]] as [number, number, number]) : null,
          })),
        });
      });
    }));
    return inputs.map((x) => results.get(x.view)!);
  }

  async close(): Promise<void> {
    this.frames.clear();
    await this.browser.close();
    await this.server.close();
  }
}
