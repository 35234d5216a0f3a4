/**
 * Drives synth/page/synth.html in headless Chromium: the workcell scene without the arms, two
 * skinned human hands posed per frame, rendered from both cameras of the stereo rig.
 */
import type { Page } from 'playwright-core';
import { launchBrowser, type BrowserSession } from '../core/chromium.ts';
import { startStaticServer, projectMounts, type StaticServer } from '../core/static-server.ts';
import type { Pose } from '../core/geometry.ts';
import { POSE_STRIDE } from '../sim/render/render-frame.ts';
import { RenderSceneSchema, type RenderScene } from '../sim/render/render-scene.ts';
import type { RenderCamera } from '../sim/render/render-camera.ts';
import { HAND_JOINTS, loadHandModel } from './hand-model.ts';

const PAGE = '/synth/page/synth.html';
/** Floats per joint pose sent to the page: position (3) and quaternion (4). */
export const JOINT_STRIDE = 7;
/** Pixels per page.evaluate, in bytes (about 8 images at 640×480). */
const BATCH_BYTES = 10_000_000;

/** One hand to draw: its 25 joint poses (HAND_JOINTS order) and its forearm's pose, world frame. */
export interface HandDrawing {
  joints: Pose[];
  forearm: Pose;
}

/** One frame to draw: every geom's pose and both hands (left first). */
export interface SynthFrame {
  poses: Float32Array;
  hands: [HandDrawing, HandDrawing];
}

interface SynthWindow {
  yotoSynth: {
    init(scene: RenderScene, options: object, hands: { url: string; color?: number; sleeve?: number }[], jointNames: readonly string[]): Promise<void>;
    renderBatch(poses: Float32Array, joints: Float32Array, count: number, cameras: RenderCamera[]): Uint8Array;
  };
}

/** Image quality knobs (SceneView options); SwiftShader's cost grows with each. */
export interface SynthLook {
  /** MSAA (default true). */
  antialias?: boolean;
  /** Shadow-casting key light (default true). */
  shadows?: boolean;
  /** Shadow map size, texels (default 1024). */
  shadowMapSize?: number;
  /** Skin and sleeve colours, 0xRRGGBB sRGB (default a light skin tone and a blue sleeve). */
  skin?: number;
  sleeve?: number;
}

export class SynthRenderer {
  private constructor(
    private readonly browser: BrowserSession,
    private readonly server: StaticServer,
    readonly scene: RenderScene,
    readonly width: number,
    readonly height: number,
  ) {}

  static async launch(scene: RenderScene, size: { width: number; height: number }, look: SynthLook = {}): Promise<SynthRenderer> {
    const server = await startStaticServer({ mounts: projectMounts() });
    let browser: BrowserSession | undefined;
    try {
      browser = await launchBrowser({ viewport: size });
      const errors: string[] = [];
      browser.page.on('pageerror', (e) => errors.push(e.message));
      await browser.page.goto(server.url + PAGE);
      await browser.page.waitForFunction(() => 'yotoSynth' in window, undefined, { timeout: 30_000 }).catch(() => {
        throw new Error(`synth page did not start: ${errors.join('; ') || 'timeout'}`);
      });
      const s = RenderSceneSchema.parse(scene);
      const { antialias = true, shadows = true, shadowMapSize = 1024 } = look;
      const options = { width: size.width, height: size.height, antialias, shadows, shadowMapSize, floor: 'checker', checkerSize: 0.25 };
      const colours = { color: look.skin, sleeve: look.sleeve };
      const hands = [{ url: loadHandModel('left').url, ...colours }, { url: loadHandModel('right').url, ...colours }];
      await browser.page.evaluate(([sc, o, h, j]) => (window as unknown as SynthWindow).yotoSynth.init(sc, o, h, j), [s, options, hands, [...HAND_JOINTS]] as const);
      return new SynthRenderer(browser, server, s, size.width, size.height);
    } catch (e) {
      await browser?.close();
      await server.close();
      throw e;
    }
  }

  get page(): Page {
    return this.browser.page;
  }

  /**
   * Render frames in order from every camera; `sink` gets each image (RGBA, bottom row first)
   * with its frame index and camera index. The next batch renders while the sink consumes this one.
   */
  async renderEach(frames: SynthFrame[], cameras: RenderCamera[], sink: (rgbaBottomUp: Buffer, frame: number, camera: number) => Promise<void> | void): Promise<void> {
    const table = this.scene.ngeom * POSE_STRIDE;
    const jointFloats = 2 * (HAND_JOINTS.length + 1) * JOINT_STRIDE;
    const imageBytes = this.width * this.height * 4;
    const batch = Math.max(1, Math.floor(BATCH_BYTES / (imageBytes * cameras.length)));
    const renderBatch = (start: number): Promise<Uint8Array> => {
      const count = Math.min(batch, frames.length - start);
      const poses = new Float32Array(count * table);
      const joints = new Float32Array(count * jointFloats);
      for (let k = 0; k < count; k++) {
        const f = frames[start + k];
        if (f.poses.length !== table) throw new Error(`frame ${start + k} has ${f.poses.length / POSE_STRIDE} geoms; the scene has ${this.scene.ngeom}`);
        poses.set(f.poses, k * table);
        let o = k * jointFloats;
        for (const hand of f.hands)
          for (const p of [...hand.joints, hand.forearm]) {
            joints.set(p.position, o);
            joints.set(p.quaternion, o + 3);
            o += JOINT_STRIDE;
          }
      }
      return this.page.evaluate(([p, j, n, c]) => (window as unknown as SynthWindow).yotoSynth.renderBatch(p, j, n, c), [poses, joints, count, cameras] as const);
    };
    let pending: Promise<Uint8Array> | undefined = frames.length > 0 ? renderBatch(0) : undefined;
    try {
      for (let start = 0; pending; start += batch) {
        const pixels = Buffer.from(await pending);
        pending = start + batch < frames.length ? renderBatch(start + batch) : undefined;
        const images = pixels.length / imageBytes;
        for (let k = 0; k < images; k++) {
          await sink(pixels.subarray(k * imageBytes, (k + 1) * imageBytes), start + Math.floor(k / cameras.length), k % cameras.length);
        }
      }
    } finally {
      pending?.catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.close();
  }
}
