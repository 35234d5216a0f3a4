/**
 * The virtual depth camera against geometry computed independently of MuJoCo's ray casting:
 * analytic signed distances to each primitive (from the geom's pose in MjData), face normals,
 * and a sampled visibility check along each camera ray.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Pose, Vec3 } from '../../core/geometry.ts';
import { quatToMat3 } from '../../core/geometry.ts';
import { YotoError } from '../../core/errors.ts';
import { compileMjcf, idOf, loadMujoco, type MjData, type MjModel, type Mujoco } from '../../sim/mujoco.ts';
import { DepthCamera, cameraPoseFromLookAt, type DepthCameraConfigInput, type PointCloud } from '../../sim/depth-camera.ts';
import { GeomType } from '../../sim/ray-primitives.ts';

const CAM_POS: Vec3 = [-0.7, 0, 0.5];
const CAM_LOOK: Vec3 = [0.1, 0, 0.05];

/** A table plane and one of each primitive; `wall` hides `hidden` completely, `box` hides the lower part of `peek`. */
function sceneXml(camera: Pose): string {
  const R = quatToMat3(camera.quaternion);
  // MJCF camera: x right, y up (the optical frame's −y), looking along −z.
  const xyaxes = [R[0], R[3], R[6], -R[1], -R[4], -R[7]].join(' ');
  return `<mujoco model="depth-camera-test">
<worldbody>
  <geom name="table" type="plane" size="0.6 0.6 0.01" rgba="0.8 0.8 0.8 1"/>
  <camera name="cam" pos="${camera.position.join(' ')}" xyaxes="${xyaxes}"/>
  <body name="box" pos="0.1 0 0.05" euler="0 0 0.5"><freejoint/><geom name="box" type="box" size="0.05 0.04 0.05"/></body>
  <body name="peek" pos="0.26 0.02 0.09"><freejoint/><geom name="peek" type="sphere" size="0.05"/></body>
  <body name="ball" pos="0.05 0.25 0.06"><freejoint/><geom name="ball" type="sphere" size="0.06"/></body>
  <body name="can" pos="-0.05 -0.22 0.1" euler="0.3 0 0"><freejoint/><geom name="can" type="cylinder" size="0.04 0.08"/></body>
  <body name="bar" pos="0.25 -0.2 0.04"><freejoint/><geom name="bar" type="capsule" fromto="-0.08 -0.06 0 0.08 0.06 0" size="0.03"/></body>
  <body name="egg" pos="0.3 0.25 0.06" euler="0.2 0.4 0"><freejoint/><geom name="egg" type="ellipsoid" size="0.05 0.035 0.045"/></body>
  <body name="wall" pos="-0.25 0 0.1"><freejoint/><geom name="wall" type="box" size="0.01 0.08 0.1"/></body>
  <body name="hidden" pos="-0.15 0 0.04"><freejoint/><geom name="hidden" type="sphere" size="0.03"/></body>
  <body name="arm_base" pos="0 -0.4 0">
    <geom name="arm_base" type="cylinder" size="0.05 0.02" pos="0 0 0.02"/>
    <body name="arm_link" pos="0 0 0.04"><joint type="hinge" axis="0 0 1"/>
      <geom name="arm_link" type="capsule" fromto="0 0 0 0.12 0.08 0.2" size="0.025"/>
    </body>
  </body>
  <body name="ghost" pos="0.15 0.12 0.03"><freejoint/><geom name="ghost" type="box" size="0.03 0.03 0.03" group="3"/></body>
</worldbody>
</mujoco>`;
}

let mj: Mujoco;
let model: MjModel;
let data: MjData;
const pose = cameraPoseFromLookAt(CAM_POS, CAM_LOOK);
const gid = (name: string) => idOf(mj, model, 'geom', name);

beforeAll(async () => {
  mj = await loadMujoco();
  model = compileMjcf(mj, sceneXml(pose), 'depth-camera test scene');
  data = new mj.MjData(model);
  mj.mj_forward(model, data);
});

const RAW: DepthCameraConfigInput = {
  width: 96,
  height: 72,
  pose: { position: CAM_POS, lookAt: CAM_LOOK },
  crop: null,
  downsample: 'none',
  minDepth: 0,
};

// ---- independent geometry -------------------------------------------------------------------

interface GeomFrame {
  type: number;
  size: Vec3;
  pos: Vec3;
  /** Row-major rotation, local → world. */
  mat: number[];
}

function geomFrame(g: number): GeomFrame {
  const size = model.geom_size as Float64Array;
  const xpos = data.geom_xpos as Float64Array;
  const xmat = data.geom_xmat as Float64Array;
  return {
    type: (model.geom_type as Int32Array)[g],
    size: [size[3 * g], size[3 * g + 1], size[3 * g + 2]],
    pos: [xpos[3 * g], xpos[3 * g + 1], xpos[3 * g + 2]],
    mat: Array.from(xmat.subarray(9 * g, 9 * g + 9)),
  };
}

const toLocal = (f: GeomFrame, p: ArrayLike<number>): Vec3 => {
  const d = [p[0] - f.pos[0], p[1] - f.pos[1], p[2] - f.pos[2]];
  const m = f.mat;
  return [m[0] * d[0] + m[3] * d[1] + m[6] * d[2], m[1] * d[0] + m[4] * d[1] + m[7] * d[2], m[2] * d[0] + m[5] * d[1] + m[8] * d[2]];
};
const toWorldDir = (f: GeomFrame, n: Vec3): Vec3 => {
  const m = f.mat;
  return [m[0] * n[0] + m[1] * n[1] + m[2] * n[2], m[3] * n[0] + m[4] * n[1] + m[5] * n[2], m[6] * n[0] + m[7] * n[1] + m[8] * n[2]];
};

/** Signed distance to the solid (negative inside); for an ellipsoid an upper bound on |distance|. */
function sdf(f: GeomFrame, p: ArrayLike<number>): number {
  const [x, y, z] = toLocal(f, p);
  const [a, b, c] = f.size;
  const boxLike = (d: number[]) => Math.hypot(...d.map((v) => Math.max(v, 0))) + Math.min(Math.max(...d), 0);
  switch (f.type) {
    case GeomType.plane:
      return z;
    case GeomType.sphere:
      return Math.hypot(x, y, z) - a;
    case GeomType.capsule:
      return Math.hypot(x, y, z - Math.max(-b, Math.min(b, z))) - a;
    case GeomType.cylinder:
      return boxLike([Math.hypot(x, y) - a, Math.abs(z) - b]);
    case GeomType.box:
      return boxLike([Math.abs(x) - a, Math.abs(y) - b, Math.abs(z) - c]);
    case GeomType.ellipsoid:
      // Along the ray from the centre, the surface point is p / k, so |p − surface| = |k − 1|·|p|/k.
      {
        const k = Math.hypot(x / a, y / b, z / c);
        return ((k - 1) * Math.hypot(x, y, z)) / k;
      }
    default:
      throw new Error(`test sdf: unsupported geom type ${f.type}`);
  }
}

/** Outward normals (world) of the surfaces of the geom that pass within `tol` of the point. */
function faceNormals(f: GeomFrame, p: ArrayLike<number>, tol = 1e-6): Vec3[] {
  const [x, y, z] = toLocal(f, p);
  const [a, b, c] = f.size;
  const out: Vec3[] = [];
  const unit = (v: Vec3): Vec3 => {
    const n = Math.hypot(...v);
    return [v[0] / n, v[1] / n, v[2] / n];
  };
  switch (f.type) {
    case GeomType.plane:
      out.push([0, 0, 1]);
      break;
    case GeomType.sphere:
      out.push(unit([x, y, z]));
      break;
    case GeomType.ellipsoid:
      out.push(unit([x / (a * a), y / (b * b), z / (c * c)]));
      break;
    case GeomType.capsule:
      out.push(unit([x, y, z - Math.max(-b, Math.min(b, z))]));
      break;
    case GeomType.cylinder:
      if (Math.hypot(x, y) >= a - tol) out.push(unit([x, y, 0]));
      if (Math.abs(z) >= b - tol) out.push([0, 0, Math.sign(z)]);
      break;
    case GeomType.box:
      [x, y, z].forEach((q, i) => {
        if (Math.abs(q) >= f.size[i] - tol) out.push(i === 0 ? [Math.sign(q), 0, 0] : i === 1 ? [0, Math.sign(q), 0] : [0, 0, Math.sign(q)]);
      });
      break;
  }
  return out.map((n) => toWorldDir(f, n));
}

const pointAt = (cloud: PointCloud, k: number): Vec3 => [cloud.points[3 * k], cloud.points[3 * k + 1], cloud.points[3 * k + 2]];

/**
 * Whether the open segment from the camera to `p` passes through the inside of any of `geoms`
 * (sampled every 0.5 mm where it crosses the geom's bounding sphere; planes are one-sided and skipped).
 */
function occluded(o: Vec3, p: Vec3, geoms: number[]): number {
  const d: Vec3 = [p[0] - o[0], p[1] - o[1], p[2] - o[2]];
  const len = Math.hypot(...d);
  const rbound = model.geom_rbound as Float64Array;
  for (const g of geoms) {
    const f = geomFrame(g);
    if (f.type === GeomType.plane) continue;
    // Parameter interval where the segment is inside the bounding sphere.
    const oc = [o[0] - f.pos[0], o[1] - f.pos[1], o[2] - f.pos[2]];
    const b = (oc[0] * d[0] + oc[1] * d[1] + oc[2] * d[2]) / len;
    const c = oc[0] ** 2 + oc[1] ** 2 + oc[2] ** 2 - rbound[g] ** 2;
    const disc = b * b - c;
    if (disc <= 0) continue;
    const s0 = Math.max(0, -b - Math.sqrt(disc));
    const s1 = Math.min(len - 0.002, -b + Math.sqrt(disc));
    for (let s = s0; s < s1; s += 0.0005) {
      const q = [o[0] + (d[0] * s) / len, o[1] + (d[1] * s) / len, o[2] + (d[2] * s) / len];
      if (sdf(f, q) < -1e-4) return g;
    }
  }
  return -1;
}

const countOn = (cloud: PointCloud, g: number) => cloud.geomIds.filter((x) => x === g).length;

// ---- tests -------------------------------------------------------------------------------------

describe('DepthCamera', () => {
  it('puts every point on the surface of the geom it hit (< 2 mm), for every primitive type', () => {
    for (const caster of ['analytic', 'mjRay'] as const) {
      const cloud = new DepthCamera(mj, model, { ...RAW, caster }).capture(data);
      expect(cloud.count).toBeGreaterThan(2000);
      let worst = 0;
      for (let k = 0; k < cloud.count; k++) worst = Math.max(worst, Math.abs(sdf(geomFrame(cloud.geomIds[k]), pointAt(cloud, k))));
      expect(worst).toBeLessThan(0.002);
      const types = new Set(Array.from(cloud.geomIds, (g) => geomFrame(g).type));
      for (const t of ['plane', 'sphere', 'capsule', 'cylinder', 'box', 'ellipsoid'] as const) expect(types.has(GeomType[t])).toBe(true);
    }
  });

  it('shows no face turned away from the camera', () => {
    const cloud = new DepthCamera(mj, model, RAW).capture(data);
    const o = cloud.pose.position;
    for (let k = 0; k < cloud.count; k++) {
      const p = pointAt(cloud, k);
      const normals = faceNormals(geomFrame(cloud.geomIds[k]), p);
      expect(normals.length).toBeGreaterThan(0);
      const facing = normals.some((n) => n[0] * (o[0] - p[0]) + n[1] * (o[1] - p[1]) + n[2] * (o[2] - p[2]) > -1e-9);
      expect(facing, `point ${k} on geom ${cloud.geomIds[k]} faces away`).toBe(true);
    }
    // The box, face by face: back faces (camera on their inner side) empty, front faces populated.
    const box = geomFrame(gid('box'));
    const onBox = Array.from(cloud.geomIds.keys()).filter((k) => cloud.geomIds[k] === gid('box'));
    let front = 0;
    for (let axis = 0; axis < 3; axis++) {
      for (const side of [-1, 1]) {
        const nLocal: Vec3 = [0, 0, 0];
        nLocal[axis] = side;
        const n = toWorldDir(box, nLocal);
        const centre = box.pos.map((v, i) => v + n[i] * box.size[axis]);
        const facesCamera = n[0] * (o[0] - centre[0]) + n[1] * (o[1] - centre[1]) + n[2] * (o[2] - centre[2]) > 0;
        const hits = onBox.filter((k) => side * toLocal(box, pointAt(cloud, k))[axis] > box.size[axis] - 1e-6).length;
        if (facesCamera) {
          if (hits > 0) front++;
        } else expect(hits, `box back face ${side > 0 ? '+' : '-'}${'xyz'[axis]}`).toBe(0);
      }
    }
    expect(front).toBeGreaterThanOrEqual(2);
  });

  it('sees nothing hidden behind another object', () => {
    const cam = new DepthCamera(mj, model, RAW);
    const cloud = cam.capture(data);
    const hidden = gid('hidden');
    // In the field of view, but behind the wall:
    const px = cam.project(cloud.pose, geomFrame(hidden).pos);
    expect(px.depth).toBeGreaterThan(0);
    expect(px.u).toBeGreaterThan(5);
    expect(px.u).toBeLessThan(90);
    expect(px.v).toBeGreaterThan(5);
    expect(px.v).toBeLessThan(66);
    expect(countOn(cloud, hidden)).toBe(0);
    // Partly hidden behind the box: its top shows.
    expect(countOn(cloud, gid('peek'))).toBeGreaterThan(10);
    // No point is seen through any solid.
    const all = Array.from({ length: model.ngeom }, (_, g) => g);
    for (let k = 0; k < cloud.count; k++) expect(occluded(cloud.pose.position, pointAt(cloud, k), all), `point ${k}`).toBe(-1);
    // Without the wall the hidden sphere appears — it was occlusion, not the frame, that hid it.
    const noWall = new DepthCamera(mj, model, { ...RAW, exclude: { bodies: ['wall'] } }).capture(data);
    expect(countOn(noWall, hidden)).toBeGreaterThan(10);
    expect(countOn(noWall, gid('wall'))).toBe(0);
  });

  it('analytic caster matches mj_ray pixel for pixel, exclusions included', () => {
    const configs: DepthCameraConfigInput[] = [
      RAW,
      { ...RAW, exclude: { bodies: ['wall', 'box'], groups: [3] } },
      { ...RAW, pose: { position: [0.6, 0.5, 0.7], lookAt: [0, 0, 0] }, width: 64, height: 48, exclude: { subtrees: ['arm_base'] } },
    ];
    for (const config of configs) {
      const a = new DepthCamera(mj, model, { ...config, caster: 'analytic', returnDepth: true }).capture(data);
      const b = new DepthCamera(mj, model, { ...config, caster: 'mjRay', returnDepth: true }).capture(data);
      expect(a.count).toBeGreaterThan(1000);
      expect(Array.from(a.pixels)).toEqual(Array.from(b.pixels));
      expect(Array.from(a.geomIds)).toEqual(Array.from(b.geomIds));
      let worst = 0;
      for (let i = 0; i < a.depth!.length; i++) worst = Math.max(worst, Math.abs(a.depth![i] - b.depth![i]));
      expect(worst).toBeLessThan(1e-6);
    }
  });

  it('traces meshes through MuJoCo, matching mj_ray', () => {
    // A mesh cube and an octahedron on a plane; mesh geoms take mj_rayMesh inside the analytic caster.
    const meshModel = compileMjcf(mj, `<mujoco><asset>
      <mesh name="cube" vertex="-1 -1 -1 1 -1 -1 -1 1 -1 1 1 -1 -1 -1 1 1 -1 1 -1 1 1 1 1 1" scale="0.05 0.05 0.05"/>
      <mesh name="octa" vertex="1 0 0 -1 0 0 0 1 0 0 -1 0 0 0 1 0 0 -1" scale="0.06 0.06 0.06"/>
    </asset><worldbody>
      <geom type="plane" size="1 1 0.1"/>
      <body pos="0.1 0.05 0.05" euler="0 0 0.4"><freejoint/><geom name="cube" type="mesh" mesh="cube"/></body>
      <body pos="0.0 -0.12 0.07"><freejoint/><geom name="octa" type="mesh" mesh="octa"/></body>
    </worldbody></mujoco>`, 'mesh scene');
    const meshData = new mj.MjData(meshModel);
    mj.mj_forward(meshModel, meshData);
    const config: DepthCameraConfigInput = { ...RAW, returnDepth: true };
    const a = new DepthCamera(mj, meshModel, { ...config, caster: 'analytic' }).capture(meshData);
    const b = new DepthCamera(mj, meshModel, { ...config, caster: 'mjRay' }).capture(meshData);
    for (const name of ['cube', 'octa']) {
      expect(a.geomIds.filter((g) => g === idOf(mj, meshModel, 'geom', name)).length, name).toBeGreaterThan(20);
    }
    expect(Array.from(a.geomIds)).toEqual(Array.from(b.geomIds));
    for (let i = 0; i < a.depth!.length; i++) expect(Math.abs(a.depth![i] - b.depth![i])).toBeLessThan(1e-9);
    meshData.delete();
    meshModel.delete();
  });

  it('excludes geoms by body, subtree and group, and static geoms on request', () => {
    const base = new DepthCamera(mj, model, RAW).capture(data);
    for (const name of ['box', 'wall', 'arm_base', 'arm_link', 'ghost', 'table']) expect(countOn(base, gid(name)), name).toBeGreaterThan(0);

    const two = new DepthCamera(mj, model, { ...RAW, exclude: { bodies: ['wall', 'box'] } }).capture(data);
    expect(countOn(two, gid('wall')) + countOn(two, gid('box'))).toBe(0);
    expect(countOn(two, gid('hidden'))).toBeGreaterThan(10);
    expect(countOn(two, gid('peek'))).toBeGreaterThan(countOn(base, gid('peek')));
    const visible = Array.from({ length: model.ngeom }, (_, g) => g).filter((g) => g !== gid('wall') && g !== gid('box'));
    for (let k = 0; k < two.count; k++) expect(occluded(two.pose.position, pointAt(two, k), visible)).toBe(-1);

    const sub = new DepthCamera(mj, model, { ...RAW, exclude: { subtrees: ['arm_base'] } }).capture(data);
    expect(countOn(sub, gid('arm_base')) + countOn(sub, gid('arm_link'))).toBe(0);
    const own = new DepthCamera(mj, model, { ...RAW, exclude: { bodies: ['arm_base'] } }).capture(data);
    expect(countOn(own, gid('arm_base'))).toBe(0);
    expect(countOn(own, gid('arm_link'))).toBeGreaterThan(0);

    const grp = new DepthCamera(mj, model, { ...RAW, exclude: { groups: [3] } }).capture(data);
    expect(countOn(grp, gid('ghost'))).toBe(0);
    expect(countOn(grp, gid('box'))).toBe(countOn(base, gid('box')));

    const dyn = new DepthCamera(mj, model, { ...RAW, includeStatic: false }).capture(data);
    expect(countOn(dyn, gid('table')) + countOn(dyn, gid('arm_base'))).toBe(0);
    expect(countOn(dyn, gid('arm_link'))).toBeGreaterThan(0);
  });

  it('follows the documented camera convention; pose forms agree', () => {
    // Straight down from 1 m with world +x up in the image: image right is world −y.
    const cam = new DepthCamera(mj, model, { ...RAW, pose: { position: [0.0, 0.0, 1.0], lookAt: [0, 0, 0], up: [1, 0, 0] }, returnDepth: true, exclude: { subtrees: ['arm_base'] } });
    const cloud = cam.capture(data);
    for (let k = 0; k < cloud.count; k++) {
      const p = pointAt(cloud, k);
      const u = cloud.pixels[k] % cloud.width;
      const v = Math.floor(cloud.pixels[k] / cloud.width);
      // Where the image axes point in the world:
      if (u < cam.cx - 1) expect(p[1]).toBeGreaterThan(0);
      if (u > cam.cx + 1) expect(p[1]).toBeLessThan(0);
      if (v < cam.cy - 1) expect(p[0]).toBeGreaterThan(0);
      if (v > cam.cy + 1) expect(p[0]).toBeLessThan(0);
      // project() inverts capture, and the depth image holds z-depth.
      const pr = cam.project(cloud.pose, p);
      expect(pr.u).toBeCloseTo(u, 6);
      expect(pr.v).toBeCloseTo(v, 6);
      expect(cloud.depth![cloud.pixels[k]]).toBeCloseTo(pr.depth, 5);
      if (cloud.geomIds[k] === gid('table')) expect(pr.depth).toBeCloseTo(1, 6);
    }
    // lookAt, the equivalent quaternion and the MJCF camera give the same cloud.
    const byLook = new DepthCamera(mj, model, RAW).capture(data);
    const byQuat = new DepthCamera(mj, model, { ...RAW, pose: { position: pose.position, quaternion: pose.quaternion } }).capture(data);
    const byMjcf = new DepthCamera(mj, model, { ...RAW, pose: { camera: 'cam' } }).capture(data);
    for (const other of [byQuat, byMjcf]) {
      expect(Array.from(other.geomIds)).toEqual(Array.from(byLook.geomIds));
      for (let j = 0; j < byLook.points.length; j++) expect(Math.abs(other.points[j] - byLook.points[j])).toBeLessThan(1e-6);
    }
  });

  it('uses explicit pinhole intrinsics', () => {
    // Principal point at the top-left pixel: the whole image lies right of and below the optical axis.
    const fx = 80, fy = 60;
    const cam = new DepthCamera(mj, model, { ...RAW, width: 40, height: 30, fx, fy, cx: 0, cy: 0, pose: { position: [0.3, 0.3, 1], lookAt: [0.3, 0.3, 0], up: [1, 0, 0] } });
    const cloud = cam.capture(data);
    expect(cloud.count).toBe(40 * 30);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 0; k < cloud.count; k++) {
      if (cloud.geomIds[k] !== gid('table')) continue;
      const p = pointAt(cloud, k);
      // Optical x = world −y, optical y = world −x here, at depth 1.
      xs.push(0.3 - p[1]);
      ys.push(0.3 - p[0]);
      expect(0.3 - p[1]).toBeCloseTo((cloud.pixels[k] % 40) / fx, 9);
      expect(0.3 - p[0]).toBeCloseTo(Math.floor(cloud.pixels[k] / 40) / fy, 9);
    }
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-1e-12);
    expect(Math.max(...xs)).toBeCloseTo(39 / fx, 9);
    expect(Math.max(...ys)).toBeCloseTo(29 / fy, 9);
  });

  it('crops to the workspace box', () => {
    const crop = { min: [-0.1, -0.3, 0.005] as Vec3, max: [0.35, 0.3, 0.12] as Vec3 };
    const raw = new DepthCamera(mj, model, RAW).capture(data);
    const inside = (p: Vec3) => p.every((v, i) => v >= crop.min[i] && v <= crop.max[i]);
    const rawInside = Array.from({ length: raw.count }, (_, k) => inside(pointAt(raw, k))).filter(Boolean).length;
    expect(rawInside).toBeGreaterThan(100);
    expect(rawInside).toBeLessThan(raw.count - 100);
    const cropped = new DepthCamera(mj, model, { ...RAW, crop }).capture(data);
    expect(cropped.count).toBe(rawInside);
    for (let k = 0; k < cropped.count; k++) expect(inside(pointAt(cropped, k))).toBe(true);
  });

  it('farthest-point samples exactly N real points that cover the cloud', () => {
    const raw = new DepthCamera(mj, model, RAW).capture(data);
    const N = 256;
    const cloud = new DepthCamera(mj, model, { ...RAW, downsample: 'fps', points: N }).capture(data);
    expect(cloud.count).toBe(N);
    expect(new Set(cloud.pixels).size).toBe(N);
    const rawByPixel = new Map(Array.from(raw.pixels, (px, k) => [px, k]));
    for (let k = 0; k < N; k++) {
      const r = rawByPixel.get(cloud.pixels[k])!;
      expect(pointAt(cloud, k)).toEqual(pointAt(raw, r));
      expect(cloud.geomIds[k]).toBe(raw.geomIds[r]);
    }
    // Greedy farthest-point property: every cloud point is within the sample's minimum spacing of it.
    let spacing = Infinity;
    for (let a = 0; a < N; a++) for (let b = a + 1; b < N; b++) spacing = Math.min(spacing, Math.hypot(...pointAt(cloud, a).map((v, i) => v - pointAt(cloud, b)[i])));
    let cover = 0;
    for (let k = 0; k < raw.count; k++) {
      let best = Infinity;
      for (let s = 0; s < N; s++) best = Math.min(best, Math.hypot(...pointAt(raw, k).map((v, i) => v - pointAt(cloud, s)[i])));
      cover = Math.max(cover, best);
    }
    expect(cover).toBeLessThanOrEqual(spacing + 1e-12);
  });

  it('voxel-samples exactly N points, at most one per voxel', () => {
    const size = 0.02;
    const cloud = new DepthCamera(mj, model, { ...RAW, downsample: 'voxel', voxelSize: size, points: 300 }).capture(data);
    expect(cloud.count).toBe(300);
    expect(new Set(cloud.pixels).size).toBe(300);
    // Keys relative to the raw cloud's minimum corner, as the sampler grids it.
    const raw = new DepthCamera(mj, model, RAW).capture(data);
    const lo = [0, 1, 2].map((i) => Math.min(...Array.from({ length: raw.count }, (_, k) => raw.points[3 * k + i])));
    const keys = Array.from({ length: cloud.count }, (_, k) => pointAt(cloud, k).map((v, i) => Math.floor((v - lo[i]) / size)).join(','));
    expect(new Set(keys).size).toBe(300);
  });

  it('repeats points to reach N when fewer are visible', () => {
    const small: DepthCameraConfigInput = { ...RAW, width: 8, height: 6 };
    const raw = new DepthCamera(mj, model, small).capture(data);
    expect(raw.count).toBeGreaterThan(10);
    expect(raw.count).toBeLessThan(100);
    const cloud = new DepthCamera(mj, model, { ...small, downsample: 'fps', points: 100 }).capture(data);
    expect(cloud.count).toBe(100);
    expect(new Set(cloud.pixels)).toEqual(new Set(raw.pixels));
  });

  it('is deterministic in its seed', () => {
    const cfg: DepthCameraConfigInput = { ...RAW, downsample: 'fps', points: 128, noiseStd: 0.002 };
    const cam = new DepthCamera(mj, model, { ...cfg, seed: 7 });
    const a = cam.capture(data);
    const b = new DepthCamera(mj, model, { ...cfg, seed: 7 }).capture(data);
    const c = cam.capture(data, { seed: 8 });
    expect(Array.from(b.points)).toEqual(Array.from(a.points));
    expect(Array.from(b.pixels)).toEqual(Array.from(a.pixels));
    expect(Array.from(c.points)).not.toEqual(Array.from(a.points));
  });

  it('adds depth noise of the requested standard deviation along each ray', () => {
    const std = 0.004;
    const clean = new DepthCamera(mj, model, { ...RAW, returnDepth: true }).capture(data);
    const noisy = new DepthCamera(mj, model, { ...RAW, returnDepth: true, noiseStd: std, seed: 3 }).capture(data);
    expect(Array.from(noisy.pixels)).toEqual(Array.from(clean.pixels));
    const diffs = Array.from(clean.pixels, (px) => noisy.depth![px] - clean.depth![px]);
    const mean = diffs.reduce((s, v) => s + v, 0) / diffs.length;
    const sd = Math.sqrt(diffs.reduce((s, v) => s + (v - mean) ** 2, 0) / (diffs.length - 1));
    expect(sd).toBeGreaterThan(0.9 * std);
    expect(sd).toBeLessThan(1.1 * std);
    expect(Math.abs(mean)).toBeLessThan((4 * std) / Math.sqrt(diffs.length));
    // Each noisy point stays on its pixel's ray: its offset from the clean point is parallel to the ray.
    const o = clean.pose.position;
    for (let k = 0; k < clean.count; k++) {
      const p = pointAt(clean, k);
      const q = pointAt(noisy, k);
      const ray = p.map((v, i) => v - o[i]);
      const off = q.map((v, i) => v - p[i]);
      const crossN = Math.hypot(ray[1] * off[2] - ray[2] * off[1], ray[2] * off[0] - ray[0] * off[2], ray[0] * off[1] - ray[1] * off[0]);
      expect(crossN / Math.hypot(...ray)).toBeLessThan(1e-9);
    }
  });

  it('rejects bad configuration with a YotoError naming the field', () => {
    const bad: [DepthCameraConfigInput, RegExp][] = [
      [{ width: 0 }, /width/],
      [{ crop: { min: [0, 0, 1], max: [1, 1, 0] } }, /crop/],
      [{ minDepth: 2, maxDepth: 1 }, /minDepth/],
      [{ exclude: { bodies: ['nope'] } }, /exclude\.bodies.*nope/],
      [{ pose: { camera: 'nope' } }, /camera.*nope/],
      [{ pose: { position: [0, 0, 1], lookAt: [0, 0, 1] } }, /lookAt/],
    ];
    for (const [config, message] of bad) {
      let err: unknown;
      try {
        new DepthCamera(mj, model, config).capture(data);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(config)).toBeInstanceOf(YotoError);
      expect((err as Error).message).toMatch(message);
    }
  });
});
