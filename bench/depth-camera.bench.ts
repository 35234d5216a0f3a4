/**
 * Point-cloud capture time of the virtual depth camera on a workcell-like scene (table, floor, two
 * capsule arms with grippers, a dozen objects: ~50 geoms), for several image sizes and the two
 * casters; and, for the record, mj_multiRay, which is faster still but misses hits (see
 * sim/depth-camera.ts), with how many pixels it gets wrong.
 */
import { compileMjcf, loadMujoco, type MjData, type MjModel, type Mujoco } from '../sim/mujoco.ts';
import { DepthCamera, type DepthCameraConfigInput } from '../sim/depth-camera.ts';
import { quatToMat3 } from '../core/geometry.ts';
import { Rng } from '../core/rng.ts';
import { quantile } from '../core/stats.ts';

function benchScene(): string {
  const rng = new Rng(1);
  const arm = (name: string, y: number, dir: number) => {
    let xml = `<body name="${name}" pos="0 ${y} 0"><geom type="cylinder" size="0.06 0.05" pos="0 0 0.05"/>`;
    let close = '</body>';
    const links = [0.16, 0.42, 0.39, 0.1, 0.1, 0.08];
    for (let i = 0; i < links.length; i++) {
      xml += `<body pos="0 0 ${i === 0 ? 0.1 : links[i - 1]}" euler="${i % 2 ? 0.5 * dir : 0} ${i % 2 ? 0 : 0.6} 0"><joint type="hinge" axis="${i % 2 ? '1 0 0' : '0 1 0'}"/>` +
        `<geom type="capsule" fromto="0 0 0 0 0 ${links[i]}" size="${0.05 - 0.005 * i}"/><geom type="box" size="0.03 0.03 0.02" pos="0 0 ${links[i]}"/>`;
      close += '</body>';
    }
    xml += `<body pos="0 0 0.08"><geom type="box" size="0.04 0.01 0.02"/><geom type="box" size="0.008 0.01 0.04" pos="0.03 0 0.05"/><geom type="box" size="0.008 0.01 0.04" pos="-0.03 0 0.05"/></body>`;
    return xml + close;
  };
  let objects = '';
  const shapes = ['box" size="0.03 0.03 0.03', 'sphere" size="0.035', 'cylinder" size="0.03 0.05', 'capsule" size="0.02 0.06', 'ellipsoid" size="0.04 0.03 0.02'];
  for (let i = 0; i < 12; i++) {
    objects += `<body pos="${rng.uniform(-0.3, 0.3)} ${rng.uniform(-0.35, 0.35)} 0.06" euler="0 0 ${rng.uniform(0, 3)}"><freejoint/><geom type="${shapes[i % shapes.length]}"/></body>`;
  }
  return `<mujoco model="depth-camera-bench"><worldbody>
  <geom type="plane" size="3 3 0.1" pos="0 0 -0.75"/>
  <geom type="box" size="0.45 0.62 0.02" pos="0 0 -0.02"/>
  ${[[-0.4, -0.57], [-0.4, 0.57], [0.4, -0.57], [0.4, 0.57]].map(([x, y]) => `<geom type="box" size="0.03 0.03 0.355" pos="${x} ${y} -0.395"/>`).join('')}
  ${arm('left', 0.5, 1)}${arm('right', -0.5, -1)}
  ${objects}
</worldbody></mujoco>`;
}

function medianMs(reps: number, f: () => void): number {
  for (let i = 0; i < 3; i++) f(); // warm-up (JIT)
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return quantile(t, 0.5);
}

/** mj_multiRay over the same pixel rays as the camera; returns its time and how many pixels disagree with mj_ray. */
function multiRay(mj: Mujoco, model: MjModel, data: MjData, w: number, h: number, fovy: number, position: [number, number, number]): { ms: number; wrong: number } {
  const cam = new DepthCamera(mj, model, { width: w, height: h, fovy, pose: { position, lookAt: [0.05, 0, 0] }, crop: null, downsample: 'none', minDepth: 0, maxDepth: 100, returnDepth: true, caster: 'mjRay' });
  const pose = cam.poseOf(data);
  const R = quatToMat3(pose.quaternion);
  const n = w * h;
  const vec = new Float64Array(3 * n);
  for (let v = 0; v < h; v++)
    for (let u = 0; u < w; u++) {
      const i = v * w + u;
      const x = (u - cam.cx) / cam.fx, y = (v - cam.cy) / cam.fy;
      for (let r = 0; r < 3; r++) vec[3 * i + r] = R[3 * r] * x + R[3 * r + 1] * y + R[3 * r + 2];
    }
  const geom = new mj.IntBuffer(n);
  const dist = new mj.DoubleBuffer(n);
  const group = new Uint8Array(6).fill(1);
  const ms = medianMs(5, () => mj.mj_multiRay(model, data, [...pose.position], vec as unknown as number[], group, 1, -1, geom, dist, n, 100));
  const got = Float64Array.from(dist.GetView() as Float64Array);
  geom.delete();
  dist.delete();
  const ref = cam.capture(data).depth!;
  let wrong = 0;
  for (let i = 0; i < n; i++) if (Math.abs((got[i] < 0 ? 0 : got[i]) - ref[i]) > 1e-6) wrong++;
  return { ms, wrong };
}

export default async function (): Promise<void> {
  const mj = await loadMujoco();
  const model = compileMjcf(mj, benchScene(), 'bench scene');
  const data = new mj.MjData(model);
  mj.mj_forward(model, data);
  console.log(`scene: ${model.ngeom} geoms, ${model.nbody} bodies; camera at (-0.75, 0, 0.6) looking at the table`);

  const cases: [string, DepthCameraConfigInput, number][] = [
    ['64×48, raw cloud', { width: 64, height: 48, downsample: 'none' }, 20],
    ['96×72, raw cloud', { width: 96, height: 72, downsample: 'none' }, 20],
    ['128×96, raw cloud', { width: 128, height: 96, downsample: 'none' }, 10],
    ['160×120, raw cloud', { width: 160, height: 120, downsample: 'none' }, 10],
    ['96×72 → 512 fps (default config)', {}, 20],
    ['96×72 → 512 voxel 1 cm', { downsample: 'voxel' }, 20],
    ['96×72 → 512 fps + 2 mm noise', { noiseStd: 0.002 }, 20],
    ['160×120 → 1024 fps', { width: 160, height: 120, points: 1024 }, 10],
  ];
  for (const [label, config, reps] of cases) {
    const cam = new DepthCamera(mj, model, config);
    let count = 0;
    const ms = medianMs(reps, () => (count = cam.capture(data).count));
    console.log(`analytic ${label.padEnd(34)} ${ms.toFixed(2).padStart(7)} ms/capture  (${count} points)`);
  }
  for (const [w, h] of [[96, 72], [160, 120]]) {
    const cam = new DepthCamera(mj, model, { width: w, height: h, downsample: 'none', caster: 'mjRay' });
    const ms = medianMs(3, () => cam.capture(data));
    console.log(`mjRay    ${`${w}×${h}, raw cloud`.padEnd(34)} ${ms.toFixed(2).padStart(7)} ms/capture  (mj_ray per pixel, reference)`);
  }
  for (const [w, h] of [[96, 72], [160, 120]]) {
    const r = multiRay(mj, model, data, w, h, 58, [-0.75, 0, 0.6]);
    console.log(`mj_multiRay ${`${w}×${h}`.padEnd(31)} ${r.ms.toFixed(2).padStart(7)} ms/call     (${r.wrong} of ${w * h} pixels differ from mj_ray — not used)`);
  }
}
