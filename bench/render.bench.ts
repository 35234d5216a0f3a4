/**
 * Rendering speed at 640×480 on a workcell-sized scene (two 6-link capsule arms, table, objects;
 * ~40 geoms): Chromium launch, first frame, frames/s for each way of getting pixels out of the
 * page, and a 300-frame mp4 end to end.
 */
import { mkdtempSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadMujoco, compileMjcf } from '../sim/mujoco.ts';
import { describeScene } from '../sim/render/render-scene.ts';
import { captureFrame, type RenderFrame } from '../sim/render/render-frame.ts';
import { orbitCamera } from '../sim/render/render-camera.ts';
import { SceneRenderer } from '../sim/render/scene-renderer.ts';
import { startStaticServer, readBody } from '../core/static-server.ts';

const W = 640;
const H = 480;

function arm(name: string, x: number, yaw: number): string {
  let xml = `<body name="${name}" pos="${x} 0 0.75" euler="0 0 ${yaw}">
    <geom type="cylinder" size="0.07 0.05" rgba="0.25 0.27 0.3 1"/>`;
  let close = '';
  const links = [0.16, 0.42, 0.39, 0.13, 0.1, 0.1];
  for (const [i, len] of links.entries()) {
    const axis = i % 2 === 0 ? '0 0 1' : '0 1 0';
    xml += `<body name="${name}${i}" pos="0 0 ${i === 0 ? 0.05 : links[i - 1]}">
      <joint name="${name}j${i}" axis="${axis}" range="-3 3"/>
      <geom type="capsule" fromto="0 0 0 0 0 ${len}" size="${0.05 - 0.004 * i}" rgba="0.85 0.87 0.9 1"/>
      <geom type="cylinder" size="${0.055 - 0.004 * i} 0.03" rgba="0.2 0.45 0.8 1"/>`;
    close += '</body>';
  }
  xml += `<geom type="box" pos="0.03 0 0.12" size="0.01 0.02 0.04" rgba="0.3 0.3 0.3 1"/>
    <geom type="box" pos="-0.03 0 0.12" size="0.01 0.02 0.04" rgba="0.3 0.3 0.3 1"/>`;
  return xml + close + '</body>';
}

const MJCF = `<mujoco>
  <option gravity="0 0 0"/>
  <worldbody>
    <light pos="0.5 -0.5 3" dir="-0.2 0.2 -1" directional="true"/>
    <geom type="plane" size="3 3 0.1" rgba="0.75 0.77 0.8 1"/>
    <geom type="box" pos="0 0 0.37" size="0.6 0.4 0.03" rgba="0.55 0.42 0.3 1"/>
    ${[[-0.55, -0.35], [0.55, -0.35], [-0.55, 0.35], [0.55, 0.35]].map(([x, y]) => `<geom type="cylinder" pos="${x} ${y} 0.17" size="0.03 0.17" rgba="0.3 0.3 0.3 1"/>`).join('')}
    <geom type="box" pos="-0.85 0 0.37" size="0.12 0.12 0.37" rgba="0.3 0.3 0.33 1"/>
    <geom type="box" pos="0.85 0 0.37" size="0.12 0.12 0.37" rgba="0.3 0.3 0.33 1"/>
    ${arm('left', -0.85, 0)}
    ${arm('right', 0.85, 3.14159)}
    <body pos="0 0 0.43"><freejoint/><geom type="capsule" fromto="-0.2 0 0 0.2 0 0" size="0.02" rgba="0.9 0.5 0.1 1"/></body>
    <body pos="0.1 0.2 0.425"><freejoint/><geom type="box" size="0.025 0.025 0.025" rgba="0.8 0.1 0.1 1"/></body>
    <geom type="cylinder" pos="-0.2 -0.2 0.401" size="0.06 0.001" rgba="0.2 0.7 0.3 1"/>
    <geom type="sphere" pos="0.25 -0.2 0.44" size="0.04" rgba="0.6 0.2 0.8 1"/>
  </worldbody>
</mujoco>`;

/**
 * CPU time (ms) used so far by this process's Chromium (its descendants other than ffmpeg): on a
 * shared machine wall time swings with the load, while CPU per frame is what rendering costs.
 */
function chromiumCpuMs(): number {
  const procs = new Map<number, { ppid: number; ticks: number; name: string }>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(pid), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), name });
    } catch {
      // the process ended meanwhile
    }
  }
  let ticks = 0;
  const mine = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of procs) {
      if (!mine.has(pid) && mine.has(p.ppid)) {
        mine.add(pid);
        if (p.name !== 'ffmpeg') ticks += p.ticks;
        grew = true;
      }
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

async function time<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, (performance.now() - t0) / 1000];
}

export default async function (): Promise<void> {
  const mj = await loadMujoco();
  const model = compileMjcf(mj, MJCF, 'render bench scene');
  const data = new mj.MjData(model);
  const scene = describeScene(mj, model);
  const frames: RenderFrame[] = [];
  for (let i = 0; i < 300; i++) {
    const qpos = data.qpos as Float64Array;
    for (let j = 0; j < 12; j++) qpos[j] = 0.8 * Math.sin(0.05 * i + j);
    mj.mj_forward(model, data);
    frames.push(captureFrame(model, data, i / 30));
  }
  const camera = orbitCamera([0, 0, 0.6], 2.6, -65, 28, 45);
  console.log(`scene: ${scene.geoms.length} geoms drawn, ${W}×${H}, MSAA + shadows; load average ${loadavg()[0].toFixed(1)}`);

  const [r, launch] = await time(() => SceneRenderer.launch(scene, { width: W, height: H }));
  const dir = mkdtempSync(join(tmpdir(), 'yoto-render-bench-'));
  try {
    console.log(`launch (Chromium + page + scene): ${launch.toFixed(2)} s`);
    const [, first] = await time(() => r.render(frames[0], camera));
    console.log(`first frame (shader compile): ${first.toFixed(2)} s`);

    const n = 30;
    const some = frames.slice(0, n);
    const fps = (s: number, k = n) => `${(k / s).toFixed(1)} frames/s (${((1000 * s) / k).toFixed(0)} ms/frame)`;

    const inPage = await r.page.evaluate(([poses, count, cam]) => {
      const api = (window as unknown as { yotoRender: { view: { setPoses(p: Float32Array): void; setCamera(c: unknown): void; render(): void; readPixels(): Uint8Array } } }).yotoRender;
      const t0 = performance.now();
      for (let i = 0; i < count; i++) {
        api.view.setPoses(poses);
        api.view.setCamera(cam);
        api.view.render();
        api.view.readPixels();
      }
      return (performance.now() - t0) / 1000;
    }, [frames[1].poses, n, camera] as const);
    console.log(`render + readPixels inside the page:    ${fps(inPage)}`);

    const [, batched] = await time(() => r.renderEach(some, camera, () => undefined));
    console.log(`batched page.evaluate (used):           ${fps(batched)}`);

    const [, single] = await time(async () => {
      for (const f of some.slice(0, 10)) await r.renderRgba(f, camera);
    });
    console.log(`one page.evaluate per frame:            ${fps(single, 10)}`);

    // The alternative: raw bytes POSTed to a local server (no base64), one frame at a time.
    const sink = await startStaticServer({
      mounts: [],
      routes: { '/sink': (req, res) => void readBody(req).then(() => res.writeHead(204).end()) },
    });
    const [, posted] = await time(() =>
      r.page.evaluate(async ([poses, count, cam, url]) => {
        const api = (window as unknown as { yotoRender: { view: { setPoses(p: Float32Array): void; setCamera(c: unknown): void; render(): void; readPixels(): Uint8Array } } }).yotoRender;
        for (let i = 0; i < count; i++) {
          api.view.setPoses(poses);
          api.view.setCamera(cam);
          api.view.render();
          await fetch(url, { method: 'POST', body: api.view.readPixels() as Uint8Array<ArrayBuffer>, mode: 'no-cors' });
        }
      }, [frames[1].poses, 10, camera, `${sink.url}/sink`] as const),
    );
    await sink.close();
    console.log(`fetch POST of raw bytes per frame:      ${fps(posted, 10)}`);

    // A screenshot needs the canvas on screen and composited.
    await r.page.evaluate(() => document.body.appendChild((window as unknown as { yotoRender: { view: { canvas: HTMLCanvasElement } } }).yotoRender.view.canvas));
    const [, shots] = await time(async () => {
      for (let i = 0; i < 5; i++) {
        await r.page.evaluate(([poses, cam]) => {
          const v = (window as unknown as { yotoRender: { view: { setPoses(p: Float32Array): void; setCamera(c: unknown): void; render(): void } } }).yotoRender.view;
          v.setPoses(poses);
          v.setCamera(cam);
          v.render();
        }, [frames[i].poses, camera] as const);
        await r.page.locator('canvas').screenshot({ type: 'png' });
      }
    });
    console.log(`page screenshot per frame:              ${fps(shots, 5)}`);
    await r.setScene(scene); // detaches the canvas again

    const cpu0 = chromiumCpuMs();
    const [video, total] = await time(() => r.renderVideo(frames, camera, 30, join(dir, 'bench.mp4')));
    const cpu = (chromiumCpuMs() - cpu0) / video.frames;
    console.log(`300-frame mp4 end to end:               ${fps(total, video.frames)}, ${total.toFixed(1)} s total`);
    console.log(`  Chromium CPU per frame: ${cpu.toFixed(0)} ms (wall ≈ CPU / cores when the machine is idle)`);
    const [png, pngs] = await time(() => r.renderPngs(frames.slice(0, 30), camera, join(dir, 'png')));
    console.log(`PNG frames to disk:                     ${fps(pngs, png.length)}`);
  } finally {
    await r.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
