import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadMujoco, compileMjcf, idOf, type Mujoco, type MjModel, type MjData } from '../../sim/mujoco.ts';
import { describeScene, RenderSceneSchema, type RenderScene } from '../../sim/render/render-scene.ts';
import { captureFrame, POSE_STRIDE } from '../../sim/render/render-frame.ts';
import { SceneRenderer } from '../../sim/render/scene-renderer.ts';
import { decodePng, pixelAt, type RgbaImage } from '../../sim/render/png.ts';
import { mujocoCamera, orbitCamera, type RenderCamera } from '../../sim/render/render-camera.ts';

// A red box that slides along x, a blue ball up high, other shapes off to the side, and two
// geoms that must not be drawn: a bright green collision-only box (group 3) and a transparent one.
const MJCF = `
<mujoco>
  <asset><material name="red" rgba="1 0 0 1"/></asset>
  <worldbody>
    <light pos="0 0 3" dir="0 0 -1" directional="true"/>
    <geom name="floor" type="plane" size="2 2 0.1" rgba="0.8 0.8 0.8 1"/>
    <body name="slider" pos="0 0 0.1">
      <joint name="slide" type="slide" axis="1 0 0"/>
      <geom name="redbox" type="box" size="0.1 0.1 0.1" material="red"/>
    </body>
    <geom name="ball" type="sphere" pos="-0.4 0.4 0.6" size="0.08" rgba="0 0 1 1"/>
    <geom name="capsule" type="capsule" fromto="0.6 -0.6 0.05 0.6 -0.3 0.05" size="0.05" rgba="0.9 0.7 0.1 1"/>
    <geom name="cylinder" type="cylinder" fromto="-0.6 -0.6 0 -0.6 -0.6 0.2" size="0.06" rgba="0.9 0.7 0.1 1"/>
    <geom name="ellipsoid" type="ellipsoid" pos="0.6 0.6 0.1" size="0.1 0.05 0.05" rgba="0.9 0.7 0.1 1"/>
    <geom name="collision" type="box" pos="0.4 -0.1 0.1" size="0.08 0.08 0.08" rgba="0 1 0 1" group="3"/>
    <geom name="ghost" type="box" pos="-0.3 -0.3 0.1" size="0.08 0.08 0.08" rgba="0 1 0 0"/>
    <camera name="top" pos="0 0 3" xyaxes="1 0 0 0 1 0" fovy="40"/>
    <camera name="side" pos="0 -3 0.35" xyaxes="1 0 0 0 0 1" fovy="40"/>
  </worldbody>
</mujoco>`;

const W = 200;
const H = 150;
const FOVY = 40;
/** Straight down from 3 m: image right = +x, image up = +y. */
const TOP: RenderCamera = { position: [0, 0, 3], lookAt: [0, 0, 0], up: [0, 1, 0], fovy: FOVY };

// By hue, not exact values: lit faces get shading and a specular sheen.
const dominant = (c: number, o1: number, o2: number) => c > 90 && c > 1.8 * o1 && c > 1.8 * o2;
const isRed = ([r, g, b]: number[]) => dominant(r, g, b);
const isBlue = ([r, g, b]: number[]) => dominant(b, r, g);
const isGreen = ([r, g, b]: number[]) => dominant(g, r, b);

/** Centroid (x, y in pixels, y down) and count of the pixels passing `test`. */
function blob(img: RgbaImage, test: (px: number[]) => boolean) {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (test(pixelAt(img, x, y))) {
        n++;
        sx += x + 0.5;
        sy += y + 0.5;
      }
    }
  }
  return { n, x: sx / n, y: sy / n };
}

let mj: Mujoco;
let model: MjModel;
let data: MjData;
let scene: RenderScene;

function frameWithSlide(x: number) {
  data.qpos[0] = x; // re-read the view each time: WASM memory may have grown
  mj.mj_forward(model, data);
  return captureFrame(model, data);
}

beforeAll(async () => {
  mj = await loadMujoco();
  model = compileMjcf(mj, MJCF, 'render test scene');
  data = new mj.MjData(model);
  mj.mj_forward(model, data);
  scene = describeScene(mj, model);
});

describe('describeScene', () => {
  it('lists the visible geoms with their shapes, sizes and colours', () => {
    const byName = Object.fromEntries(scene.geoms.map((g) => [g.name, g]));
    expect(Object.keys(byName).sort()).toEqual(['ball', 'capsule', 'cylinder', 'ellipsoid', 'floor', 'redbox']);
    expect(byName.floor.shape).toBe('plane');
    expect(byName.redbox).toMatchObject({ shape: 'box', size: [0.1, 0.1, 0.1], rgba: [1, 0, 0, 1] }); // material colour
    expect(byName.redbox.body).toBe(idOf(mj, model, 'body', 'slider'));
    expect(byName.ball.body).toBe(0);
    expect(byName.capsule.shape).toBe('capsule');
    expect(byName.capsule.size[0]).toBeCloseTo(0.05);
    expect(byName.capsule.size[1]).toBeCloseTo(0.15); // half-length of the 0.3 m segment
    expect(byName.cylinder.size[1]).toBeCloseTo(0.1);
    expect(byName.ellipsoid.size).toEqual([0.1, 0.05, 0.05]);
    expect(byName.ball.id).toBe(idOf(mj, model, 'geom', 'ball'));
    expect(scene.ngeom).toBe(model.ngeom);
    expect(scene.lights).toEqual([
      { position: [0, 0, 3], direction: [0, 0, -1], directional: true, castShadow: true, diffuse: [0.7, 0.7, 0.7] },
    ]);
  });

  it('is plain JSON that its schema accepts', () => {
    expect(RenderSceneSchema.parse(JSON.parse(JSON.stringify(scene)))).toEqual(scene);
  });

  it('draws collision geoms when asked for group 3', () => {
    const all = describeScene(mj, model, { groups: [0, 1, 2, 3] });
    expect(all.geoms.map((g) => g.name)).toContain('collision');
    expect(all.geoms.map((g) => g.name)).not.toContain('ghost');
  });
});

describe('captureFrame', () => {
  it('copies every geom pose (position, row-major rotation)', () => {
    const f = frameWithSlide(0.25);
    const box = idOf(mj, model, 'geom', 'redbox');
    expect(f.poses.length).toBe(model.ngeom * POSE_STRIDE);
    expect(Array.from(f.poses.subarray(box * POSE_STRIDE, box * POSE_STRIDE + 3))).toEqual([0.25, 0, expect.closeTo(0.1, 6)]);
    const xmat = data.geom_xmat as Float64Array;
    for (let k = 0; k < 9; k++) expect(f.poses[box * POSE_STRIDE + 3 + k]).toBeCloseTo(xmat[9 * box + k], 6);
  });
});

describe('cameras', () => {
  const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 9));
  it('reads MJCF cameras as position, look-at point, image up and fovy', () => {
    frameWithSlide(0);
    const top = mujocoCamera(model, data, idOf(mj, model, 'camera', 'top'));
    close(top.position, TOP.position);
    close(top.lookAt, [0, 0, 2]); // one metre along the view direction
    close(top.up!, TOP.up!);
    expect(top.fovy).toBeCloseTo(FOVY);
    const side = mujocoCamera(model, data, idOf(mj, model, 'camera', 'side'));
    close(side.lookAt, [0, -2, 0.35]);
    close(side.up!, [0, 0, 1]);
    expect(() => mujocoCamera(model, data, 7)).toThrow(/no camera 7/);
  });

  it('puts orbit cameras on a sphere around the target', () => {
    const c = orbitCamera([1, 2, 0.5], 2, 90, 30, 50);
    close(c.position, [1, 2 + 2 * Math.cos(Math.PI / 6), 0.5 + 1]);
    expect(c.lookAt).toEqual([1, 2, 0.5]);
  });
});

describe('SceneRenderer', () => {
  let r: SceneRenderer;
  let dir: string;
  beforeAll(async () => {
    r = await SceneRenderer.launch(scene, { width: W, height: H });
    dir = mkdtempSync(join(tmpdir(), 'yoto-render-test-'));
  });
  afterAll(async () => {
    await r?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders a PNG of the requested size with the box where the camera sees it', async () => {
    const png = await r.render(frameWithSlide(0), TOP);
    const img = decodePng(png);
    expect([img.width, img.height]).toEqual([W, H]);
    expect(isRed(pixelAt(img, W / 2, H / 2))).toBe(true);
    // Corners see the floor, not the box.
    expect(isRed(pixelAt(img, 2, 2))).toBe(false);
    expect(isRed(pixelAt(img, W - 3, H - 3))).toBe(false);
    // The box's top face is 2.8 m from the camera; its centroid is at the image centre and its
    // size matches the pinhole projection (0.2 m wide → f·0.2/2.8 px).
    const f = H / 2 / Math.tan(((FOVY / 2) * Math.PI) / 180);
    const red = blob(img, isRed);
    expect(red.x).toBeCloseTo(W / 2, 0);
    expect(red.y).toBeCloseTo(H / 2, 0);
    const side = (f * 0.2) / 2.8;
    expect(red.n).toBeGreaterThan(0.8 * side * side);
    expect(red.n).toBeLessThan(1.3 * side * side);
    // Hidden geoms are not drawn; the blue ball is up-left (x < 0, y > 0).
    expect(blob(img, isGreen).n).toBe(0);
    const blue = blob(img, isBlue);
    expect(blue.x).toBeLessThan(W / 2);
    expect(blue.y).toBeLessThan(H / 2);
  });

  it('moves the box in the image when the body moves', async () => {
    const f = H / 2 / Math.tan(((FOVY / 2) * Math.PI) / 180);
    const images: RgbaImage[] = [];
    await r.renderEach([frameWithSlide(0), frameWithSlide(0.3)], TOP, (px) => {
      images.push({ width: W, height: H, data: Uint8Array.from(px) });
    });
    // renderEach hands over GL order (bottom row first): the top-down image's y is flipped.
    const [a, b] = images.map((img) => blob(img, isRed));
    // 0.3 m at the top face's depth; the side face that comes into view pulls it back a little.
    expect(Math.abs(b.x - a.x - (f * 0.3) / 2.8)).toBeLessThan(1.5);
    expect(Math.abs(b.y - a.y)).toBeLessThan(0.5);
    const moved = decodePng(await r.render(frameWithSlide(0.3), TOP));
    expect(isRed(pixelAt(moved, W / 2, H / 2))).toBe(false);
  });

  it('keeps world z up in the image (seen through the MJCF side camera)', async () => {
    const img = await r.renderRgba(frameWithSlide(0), mujocoCamera(model, data, idOf(mj, model, 'camera', 'side')));
    const red = blob(img, isRed);
    const blue = blob(img, isBlue);
    expect(red.n).toBeGreaterThan(20);
    expect(blue.n).toBeGreaterThan(5);
    expect(blue.y).toBeLessThan(red.y - 20); // the ball (z = 0.6) is above the box (z = 0.1)
    expect(blue.x).toBeLessThan(red.x - 10); // and to its left (x = −0.4)
  });

  it('writes PNG frames and an mp4 whose frame count ffprobe reads back', async () => {
    const frames = Array.from({ length: 12 }, (_, i) => frameWithSlide(-0.3 + 0.05 * i));
    const paths = await r.renderPngs(frames.slice(0, 2), TOP, join(dir, 'frames'));
    expect(paths.map((p) => p.slice(dir.length))).toEqual(['/frames/frame_00000.png', '/frames/frame_00001.png']);
    const first = decodePng(readFileSync(paths[0]));
    expect([first.width, first.height]).toEqual([W, H]);
    expect(blob(first, isRed).x).toBeLessThan(W / 2 - 10); // slide −0.3: box on the left

    const out = join(dir, 'run.mp4');
    const res = await r.renderVideo(frames, TOP, 24, out, { pngEvery: 5, pngDir: join(dir, 'every5') });
    expect(res.frames).toBe(12);
    expect(res.pngs.map((p) => p.slice(dir.length))).toEqual(['/every5/frame_00000.png', '/every5/frame_00005.png', '/every5/frame_00010.png']);
    // Frame 10 (slide +0.2) shows the box right of centre, frame 0 (−0.3) left of it.
    expect(blob(decodePng(readFileSync(res.pngs[2])), isRed).x).toBeGreaterThan(W / 2 + 5);
    expect(blob(decodePng(readFileSync(res.pngs[0])), isRed).x).toBeLessThan(W / 2 - 10);
    expect(existsSync(out)).toBe(true);
    const probe = execFileSync('ffprobe', [
      '-v', 'error', '-count_frames', '-select_streams', 'v:0',
      '-show_entries', 'stream=nb_read_frames,width,height,codec_name,pix_fmt', '-of', 'json', out,
    ]).toString();
    const s = JSON.parse(probe).streams[0];
    expect(s).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: W, height: H, nb_read_frames: '12' });
  });

  it('writes webm too, and rejects other extensions', async () => {
    const out = join(dir, 'run.webm');
    await r.renderVideo([frameWithSlide(0), frameWithSlide(0.1), frameWithSlide(0.2)], TOP, 10, out);
    const probe = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,codec_name', '-of', 'json', out]).toString();
    expect(JSON.parse(probe).streams[0]).toMatchObject({ codec_name: 'vp9', nb_read_frames: '3' });
    await expect(r.renderVideo([frameWithSlide(0)], TOP, 10, join(dir, 'run.gif'))).rejects.toThrow(/\.mp4 or \.webm/);
  });

  it('switches scenes without relaunching (here: collision geoms shown)', async () => {
    await r.setScene(describeScene(mj, model, { groups: [0, 1, 2, 3] }));
    try {
      const img = await r.renderRgba(frameWithSlide(0), TOP);
      const green = blob(img, isGreen);
      expect(green.n).toBeGreaterThan(20);
      expect(green.x).toBeGreaterThan(W / 2); // the collision box is at x = 0.4
    } finally {
      await r.setScene(scene);
    }
  });

  it('refuses frames from another model', async () => {
    const bad = { time: 0, poses: new Float32Array(POSE_STRIDE) };
    await expect(r.render(bad, TOP)).rejects.toThrow(/1 geoms; the scene has/);
  });
});
