/**
 * A virtual depth camera: casts one ray per pixel of a pinhole camera into a MuJoCo scene and
 * returns what it hits as a world-frame point cloud — occlusion-aware by construction (each ray
 * stops at the first surface), so hidden objects and back faces never appear. This is the
 * policy's observation.
 *
 * Camera convention: the camera pose is its *optical* frame in `world` (as OpenCV and ROS
 * `*_optical_frame`): x right in the image, y down, z forward along the optical axis. Pixel
 * (u, v), u to the right and v downwards, sees along (u − cx) / fx, (v − cy) / fy, 1 in that
 * frame; pixel centres sit at integer coordinates, so the default principal point is
 * ((width − 1) / 2, (height − 1) / 2). Depth is z-depth (along the optical axis), metres.
 *
 * The pipeline per capture: ray cast → range gate [minDepth, maxDepth] on the true depth →
 * Gaussian depth noise (each point moves along its ray) → crop to the workspace box →
 * down-sampling to exactly `points` points.
 *
 * The caller keeps MjData's kinematics current (mj_forward / mj_kinematics, or a step): the rays
 * read geom poses from it. MuJoCo's ray casting skips geoms whose rgba alpha (or material alpha)
 * is 0, as a camera would not see them.
 */
import { z } from 'zod';
import type { Pose, Vec3 } from '../core/geometry.ts';
import { cross, mat3ToQuat, norm, quatFromAxes, quatToMat3, sub } from '../core/geometry.ts';
import { YotoError } from '../core/errors.ts';
import { parseWith } from '../core/read.ts';
import { Rng } from '../core/rng.ts';
import { QuatSchema, Vec3Schema } from '../core/program.ts';
import type { MjData, MjModel, Mujoco } from './mujoco.ts';
import { GeomType, isPrimitive, rayPrimitive } from './ray-primitives.ts';
import { farthestPointSample, padIndices, randomSubset, voxelGridSample } from './point-sampling.ts';

/** MuJoCo's number of geom groups (mjNGROUP). */
const NGROUP = 6;

export const CameraPoseSchema = z.union([
  z.strictObject({
    position: Vec3Schema,
    lookAt: Vec3Schema,
    /** Which world direction appears up in the image (default world +z). */
    up: Vec3Schema.default([0, 0, 1]),
  }),
  /** The optical frame's pose in `world`, quaternion [x, y, z, w]. */
  z.strictObject({ position: Vec3Schema, quaternion: QuatSchema }),
  /** A <camera> of the MJCF model, followed as it moves (MuJoCo cameras look along their −z). */
  z.strictObject({ camera: z.string().min(1) }),
]);
export type CameraPose = z.infer<typeof CameraPoseSchema>;

export const CropBoxSchema = z
  .strictObject({ min: Vec3Schema, max: Vec3Schema })
  .refine((b) => b.min.every((v, i) => v <= b.max[i]), 'crop.min must not exceed crop.max on any axis');
export type CropBox = z.infer<typeof CropBoxSchema>;

const positiveInt = z.number().int().positive();

export const DepthCameraConfigSchema = z
  .strictObject({
    /** Image size in pixels (one ray per pixel). */
    width: positiveInt.max(4096).default(96),
    height: positiveInt.max(4096).default(72),
    /** Vertical field of view, degrees; used for fy (and fx) when they are not given. */
    fovy: z.number().gt(0).lt(180).default(58),
    /** Focal lengths and principal point, pixels (see the camera convention above); one focal length given sets both. */
    fx: z.number().positive().optional(),
    fy: z.number().positive().optional(),
    cx: z.number().optional(),
    cy: z.number().optional(),
    /** Default: behind the table's −x end at head height, looking at the table centre. */
    pose: CameraPoseSchema.default({ position: [-0.75, 0, 0.6], lookAt: [0.05, 0, 0], up: [0, 0, 1] }),
    /** Nearer hits give no return (the pixel stays empty, as on a real sensor), metres. */
    minDepth: z.number().min(0).default(0.05),
    /** Farther hits give no return, metres. */
    maxDepth: z.number().positive().default(3),
    /**
     * World-frame box the points must lie in; null keeps everything. The default is the
     * workcell's workspace: the volume above its table (top at z = 0, 0.9 × 1.24 m), the table
     * surface itself left out so the point budget goes to arms and objects.
     */
    crop: CropBoxSchema.nullable().default({ min: [-0.5, -0.7, 0.01], max: [0.5, 0.7, 1.0] }),
    /** Points after down-sampling (exact; fewer visible points are repeated cyclically). */
    points: positiveInt.default(512),
    /** 'fps' farthest-point sampling; 'voxel' one point per voxel, then a seeded subset; 'none' keeps all. */
    downsample: z.enum(['fps', 'voxel', 'none']).default('fps'),
    /** Voxel side for 'voxel', metres. */
    voxelSize: z.number().positive().default(0.01),
    /** Standard deviation of Gaussian noise on each pixel's depth, metres; 0 = exact. */
    noiseStd: z.number().min(0).default(0),
    /** Seed for the noise and the sampling (capture can override it per frame). */
    seed: z.number().int().default(0),
    exclude: z
      .strictObject({
        /** Geom groups (0–5) the camera does not see. */
        groups: z.array(z.number().int().min(0).max(NGROUP - 1)).default([]),
        /** Bodies (by name) whose own geoms the camera does not see. */
        bodies: z.array(z.string()).default([]),
        /** Bodies (by name) whose geoms and all descendants' geoms the camera does not see (e.g. an arm's base). */
        subtrees: z.array(z.string()).default([]),
      })
      .default({ groups: [], bodies: [], subtrees: [] }),
    /** Whether the camera sees geoms fixed to the world body (table, floor). */
    includeStatic: z.boolean().default(true),
    /**
     * 'analytic': MuJoCo's ray–primitive tests in TypeScript, each geom tested only on the pixels its
     * bounding sphere covers (meshes and height fields go through mj_rayMesh / mj_rayHfield);
     * 'mjRay': MuJoCo's mj_ray per pixel — the reference, about ten times slower. (mj_multiRay is not
     * offered: in MuJoCo 3.3 its angular culling drops hits on large geoms seen at steep angles, such
     * as a table top in front of the camera.)
     */
    caster: z.enum(['analytic', 'mjRay']).default('analytic'),
    /** Also return the depth image. */
    returnDepth: z.boolean().default(false),
  })
  .refine((c) => c.minDepth < c.maxDepth, { message: 'minDepth must be less than maxDepth', path: ['minDepth'] });
export type DepthCameraConfig = z.output<typeof DepthCameraConfigSchema>;
export type DepthCameraConfigInput = z.input<typeof DepthCameraConfigSchema>;

export interface PointCloud {
  /** Number of points. */
  count: number;
  /** World-frame points, x0 y0 z0 x1 ..., metres. */
  points: Float64Array;
  /** The MuJoCo geom each point lies on. */
  geomIds: Int32Array;
  /** The pixel each point came from, v · width + u. */
  pixels: Int32Array;
  /** The camera's optical frame in `world` at capture time. */
  pose: Pose;
  width: number;
  height: number;
  /** z-depth per pixel (row-major, metres, noise included, before cropping); 0 = no return. Only with returnDepth. */
  depth?: Float32Array;
}

export interface CaptureOptions {
  /**
   * Seed for this frame's noise and sampling (default: the config's seed). With one seed every
   * frame of a still scene gets the same noise; pass a per-frame seed for independent noise.
   */
  seed?: number;
  /** A pose for this frame instead of the config's. */
  pose?: CameraPose;
}

/** The optical frame's pose for a camera at `position` looking at `lookAt`, with `up` up in the image. */
export function cameraPoseFromLookAt(position: Vec3, lookAt: Vec3, up: Vec3 = [0, 0, 1]): Pose {
  const f = sub(lookAt, position);
  const fn = norm(f);
  if (fn < 1e-9) throw new YotoError('camera lookAt coincides with its position', 'pose');
  const zAxis: Vec3 = [f[0] / fn, f[1] / fn, f[2] / fn];
  const r = cross(zAxis, up);
  const rn = norm(r);
  if (rn < 1e-6) throw new YotoError('camera up is parallel to its viewing direction', 'pose.up');
  const xAxis: Vec3 = [r[0] / rn, r[1] / rn, r[2] / rn];
  const yAxis = cross(zAxis, xAxis);
  return { position: [...position], quaternion: quatFromAxes(xAxis, yAxis, zAxis) };
}

export class DepthCamera {
  readonly config: DepthCameraConfig;
  readonly fx: number;
  readonly fy: number;
  readonly cx: number;
  readonly cy: number;
  private readonly mj: Mujoco;
  private readonly model: MjModel;
  /** Per-pixel ray in the optical frame with z = 1, so a hit's ray parameter is its z-depth. */
  private readonly rayCam: Float64Array;
  private readonly geomgroup: Uint8Array;
  /** 1 for each body whose geoms the camera must not see. */
  private readonly excludedBody: Uint8Array;
  /** The single excluded body mj_ray can skip itself, or −1. */
  private readonly nativeExclude: number;
  private readonly needsRecast: boolean;

  constructor(mj: Mujoco, model: MjModel, config: DepthCameraConfigInput = {}) {
    this.mj = mj;
    this.model = model;
    this.config = parseWith(DepthCameraConfigSchema, config, 'depth camera config');
    const c = this.config;
    const fyFromFov = (c.height / 2) / Math.tan((c.fovy * Math.PI) / 360);
    this.fy = c.fy ?? c.fx ?? fyFromFov;
    this.fx = c.fx ?? this.fy;
    this.cx = c.cx ?? (c.width - 1) / 2;
    this.cy = c.cy ?? (c.height - 1) / 2;

    const n = c.width * c.height;
    this.rayCam = new Float64Array(3 * n);
    for (let v = 0; v < c.height; v++) {
      for (let u = 0; u < c.width; u++) {
        const i = v * c.width + u;
        const x = (u - this.cx) / this.fx;
        const y = (v - this.cy) / this.fy;
        this.rayCam[3 * i] = x;
        this.rayCam[3 * i + 1] = y;
        this.rayCam[3 * i + 2] = 1;
      }
    }

    this.geomgroup = new Uint8Array(NGROUP).fill(1);
    for (const g of c.exclude.groups) this.geomgroup[g] = 0;

    const nbody = model.nbody;
    this.excludedBody = new Uint8Array(nbody);
    const bodyId = (name: string, field: string) => {
      const id = mj.mj_name2id(model, mj.mjtObj.mjOBJ_BODY.value, name);
      if (id < 0) throw new YotoError(`no body named "${name}" in the model`, `depth camera config: exclude.${field}`);
      return id;
    };
    for (const name of c.exclude.bodies) this.excludedBody[bodyId(name, 'bodies')] = 1;
    const roots = new Set(c.exclude.subtrees.map((name) => bodyId(name, 'subtrees')));
    if (roots.size > 0) {
      const parent = model.body_parentid as Int32Array;
      for (let b = 0; b < nbody; b++) {
        // Walk up to the world body (0, its own parent); bodies are few, so no memo.
        for (let a = b; ; a = parent[a]) {
          if (roots.has(a)) {
            this.excludedBody[b] = 1;
            break;
          }
          if (a === 0) break;
        }
      }
    }
    const excluded = [...this.excludedBody.keys()].filter((b) => this.excludedBody[b]);
    this.nativeExclude = excluded.length >= 1 ? excluded[0] : -1;
    this.needsRecast = excluded.length > 1;

    if ('camera' in c.pose) this.cameraId(c.pose.camera);
  }

  /** The optical frame's pose in `world` for `pose` (default: the config's) in the state `data`. */
  poseOf(data: MjData, pose: CameraPose = this.config.pose): Pose {
    if ('lookAt' in pose) return cameraPoseFromLookAt(pose.position, pose.lookAt, pose.up);
    if ('quaternion' in pose) return { position: [...pose.position], quaternion: [...pose.quaternion] };
    const id = this.cameraId(pose.camera);
    const p = data.cam_xpos as Float64Array;
    const m = data.cam_xmat as Float64Array;
    // MuJoCo camera axes are the columns of cam_xmat: x right, y up, looking along −z. The optical
    // frame keeps x and flips y and z.
    const r = Array.from(m.subarray(9 * id, 9 * id + 9));
    const optical = [r[0], -r[1], -r[2], r[3], -r[4], -r[5], r[6], -r[7], -r[8]];
    return { position: [p[3 * id], p[3 * id + 1], p[3 * id + 2]], quaternion: mat3ToQuat(optical) };
  }

  /** One frame: the point cloud (and optionally depth image) the camera sees in the state `data`. */
  capture(data: MjData, options: CaptureOptions = {}): PointCloud {
    const c = this.config;
    const { width, height } = c;
    const n = width * height;
    const pose = this.poseOf(data, options.pose ? parseWith(CameraPoseSchema, options.pose, 'capture pose') : c.pose);
    const R = quatToMat3(pose.quaternion);
    const o = pose.position;

    // Rays in world: R · rayCam (not normalised: the ray parameter stays the z-depth).
    const vec = new Float64Array(3 * n);
    const rc = this.rayCam;
    for (let i = 0; i < n; i++) {
      const x = rc[3 * i], y = rc[3 * i + 1], zc = rc[3 * i + 2];
      vec[3 * i] = R[0] * x + R[1] * y + R[2] * zc;
      vec[3 * i + 1] = R[3] * x + R[4] * y + R[5] * zc;
      vec[3 * i + 2] = R[6] * x + R[7] * y + R[8] * zc;
    }

    let t: Float64Array;
    let geom: Int32Array;
    if (c.caster === 'analytic') ({ depth: t, geom } = this.castAnalytic(data, o, R, vec));
    else {
      ({ depth: t, geom } = this.castEach(data, o, vec, n));
      if (this.needsRecast) this.recastExcluded(data, o, vec, t, geom);
    }

    const rng = new Rng(options.seed ?? c.seed);
    const depthImage = c.returnDepth ? new Float32Array(n) : undefined;
    const pts = new Float64Array(3 * n);
    const gids = new Int32Array(n);
    const pix = new Int32Array(n);
    const crop = c.crop;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const g = geom[i];
      let d = t[i];
      if (g < 0 || d < c.minDepth || d > c.maxDepth) continue;
      if (c.noiseStd > 0) d = Math.max(1e-6, d + rng.normal(0, c.noiseStd));
      if (depthImage) depthImage[i] = d;
      const px = o[0] + vec[3 * i] * d;
      const py = o[1] + vec[3 * i + 1] * d;
      const pz = o[2] + vec[3 * i + 2] * d;
      if (crop) {
        const { min, max } = crop;
        if (px < min[0] || px > max[0] || py < min[1] || py > max[1] || pz < min[2] || pz > max[2]) continue;
      }
      pts[3 * m] = px;
      pts[3 * m + 1] = py;
      pts[3 * m + 2] = pz;
      gids[m] = g;
      pix[m] = i;
      m++;
    }

    let keep: Int32Array | null = null;
    if (c.downsample === 'fps') keep = padIndices(farthestPointSample(pts, m, c.points, rng), c.points);
    else if (c.downsample === 'voxel') keep = padIndices(randomSubset(voxelGridSample(pts, m, c.voxelSize), c.points, rng), c.points);

    const cloud: PointCloud = keep
      ? {
          count: keep.length,
          points: Float64Array.from({ length: 3 * keep.length }, (_, j) => pts[3 * keep[(j / 3) | 0] + (j % 3)]),
          geomIds: Int32Array.from(keep, (k) => gids[k]),
          pixels: Int32Array.from(keep, (k) => pix[k]),
          pose,
          width,
          height,
        }
      : { count: m, points: pts.slice(0, 3 * m), geomIds: gids.slice(0, m), pixels: pix.slice(0, m), pose, width, height };
    if (depthImage) cloud.depth = depthImage;
    return cloud;
  }

  /** Where a world point appears: pixel coordinates (u right, v down) and z-depth, for a camera pose. */
  project(pose: Pose, point: Vec3): { u: number; v: number; depth: number } {
    const R = quatToMat3(pose.quaternion);
    const d = sub(point, pose.position);
    // Optical-frame coordinates: Rᵀ d.
    const x = R[0] * d[0] + R[3] * d[1] + R[6] * d[2];
    const y = R[1] * d[0] + R[4] * d[1] + R[7] * d[2];
    const zc = R[2] * d[0] + R[5] * d[1] + R[8] * d[2];
    return { u: this.cx + (this.fx * x) / zc, v: this.cy + (this.fy * y) / zc, depth: zc };
  }

  private cameraId(name: string): number {
    const id = this.mj.mj_name2id(this.model, this.mj.mjtObj.mjOBJ_CAMERA.value, name);
    if (id < 0) throw new YotoError(`no camera named "${name}" in the model`, 'depth camera config: pose.camera');
    return id;
  }

  /** Which geoms the camera cannot see now: MuJoCo's own rules (group, static, alpha 0) plus the excluded bodies. */
  private hiddenGeoms(): Uint8Array {
    const m = this.model;
    const ngeom = m.ngeom;
    const bodyOf = m.geom_bodyid as Int32Array;
    const group = m.geom_group as Int32Array;
    const rgba = m.geom_rgba as Float32Array;
    const matid = m.geom_matid as Int32Array;
    const matRgba = m.mat_rgba as Float32Array;
    const weld = m.body_weldid as Int32Array;
    const hidden = new Uint8Array(ngeom);
    for (let g = 0; g < ngeom; g++) {
      const b = bodyOf[g];
      const alpha = matid[g] >= 0 ? matRgba[4 * matid[g] + 3] : rgba[4 * g + 3];
      if (this.excludedBody[b] || alpha === 0 || (!this.config.includeStatic && weld[b] === 0) ||
        !this.geomgroup[Math.min(NGROUP - 1, Math.max(0, group[g]))]) hidden[g] = 1;
    }
    return hidden;
  }

  /**
   * Per geom: the block of pixels its bounding sphere can cover, then the exact ray test on each
   * pixel of it (in the geom's frame). Nearest hit wins; ties go to the lower geom id, as in mj_ray.
   */
  private castAnalytic(data: MjData, o: Vec3, R: readonly number[], vec: Float64Array): { depth: Float64Array; geom: Int32Array } {
    const { width: W, height: H } = this.config;
    const n = W * H;
    const depth = new Float64Array(n).fill(-1);
    const geom = new Int32Array(n).fill(-1);
    const m = this.model;
    const types = m.geom_type as Int32Array;
    const size = m.geom_size as Float64Array;
    const rbound = m.geom_rbound as Float64Array;
    const xpos = Float64Array.from(data.geom_xpos as Float64Array);
    const xmat = Float64Array.from(data.geom_xmat as Float64Array);
    const hidden = this.hiddenGeoms();
    for (let g = 0; g < m.ngeom; g++) {
      if (hidden[g]) continue;
      const type = types[g];
      let u0 = 0, u1 = W - 1, v0 = 0, v1 = H - 1;
      const dx = xpos[3 * g] - o[0], dy = xpos[3 * g + 1] - o[1], dz = xpos[3 * g + 2] - o[2];
      if (type !== GeomType.plane) {
        // Bounding sphere in the optical frame (Rᵀ d); its image is inside the box of x/z, y/z bounds.
        const r = rbound[g];
        const cxc = R[0] * dx + R[3] * dy + R[6] * dz;
        const cyc = R[1] * dx + R[4] * dy + R[7] * dz;
        const czc = R[2] * dx + R[5] * dy + R[8] * dz;
        if (czc + r <= 0) continue; // wholly behind the camera
        if (czc - r > 1e-9) {
          const lo = (a: number) => (a >= 0 ? a / (czc + r) : a / (czc - r));
          const hi = (a: number) => (a >= 0 ? a / (czc - r) : a / (czc + r));
          u0 = Math.max(u0, Math.floor(this.cx + this.fx * lo(cxc - r)));
          u1 = Math.min(u1, Math.ceil(this.cx + this.fx * hi(cxc + r)));
          v0 = Math.max(v0, Math.floor(this.cy + this.fy * lo(cyc - r)));
          v1 = Math.min(v1, Math.ceil(this.cy + this.fy * hi(cyc + r)));
          if (u0 > u1 || v0 > v1) continue;
        }
      }
      const mt = xmat.subarray(9 * g, 9 * g + 9);
      // Ray origin in the geom's frame: matᵀ (o − pos).
      const px = -(mt[0] * dx + mt[3] * dy + mt[6] * dz);
      const py = -(mt[1] * dx + mt[4] * dy + mt[7] * dz);
      const pz = -(mt[2] * dx + mt[5] * dy + mt[8] * dz);
      const s0 = size[3 * g], s1 = size[3 * g + 1], s2 = size[3 * g + 2];
      const primitive = isPrimitive(type);
      if (!primitive && type !== GeomType.mesh && type !== GeomType.hfield)
        throw new YotoError(`geom ${g} has a type (${type}) the analytic caster cannot trace; use caster 'mjRay'`, 'depth camera config: caster');
      for (let v = v0; v <= v1; v++) {
        for (let u = u0; u <= u1; u++) {
          const i = v * W + u;
          const wx = vec[3 * i], wy = vec[3 * i + 1], wz = vec[3 * i + 2];
          let t: number;
          if (primitive) {
            t = rayPrimitive(type, s0, s1, s2, px, py, pz,
              mt[0] * wx + mt[3] * wy + mt[6] * wz, mt[1] * wx + mt[4] * wy + mt[7] * wz, mt[2] * wx + mt[5] * wy + mt[8] * wz);
          } else {
            const f = type === GeomType.mesh ? this.mj.mj_rayMesh : this.mj.mj_rayHfield;
            t = f.call(this.mj, m, data, g, [...o], [wx, wy, wz]);
          }
          if (t >= 0 && (geom[i] < 0 || t < depth[i])) {
            depth[i] = t;
            geom[i] = g;
          }
        }
      }
    }
    return { depth, geom };
  }

  private castEach(data: MjData, o: Vec3, vec: Float64Array, n: number): { depth: Float64Array; geom: Int32Array } {
    const mj = this.mj;
    const depth = new Float64Array(n);
    const geom = new Int32Array(n);
    const geomBuf = new mj.IntBuffer(1);
    const group = Array.from(this.geomgroup);
    const origin = [...o];
    const flg = this.config.includeStatic ? 1 : 0;
    try {
      for (let i = 0; i < n; i++) {
        const d = [vec[3 * i], vec[3 * i + 1], vec[3 * i + 2]];
        depth[i] = mj.mj_ray(this.model, data, origin, d, group, flg, this.nativeExclude, geomBuf);
        geom[i] = depth[i] < 0 ? -1 : (geomBuf.GetView() as Int32Array)[0];
      }
    } finally {
      geomBuf.delete();
    }
    return { depth, geom };
  }

  /**
   * Rays that stopped on an excluded body continue from that hit (mj_ray, that body skipped)
   * until they reach a visible geom or nothing: excluded geoms must not occlude either.
   */
  private recastExcluded(data: MjData, o: Vec3, vec: Float64Array, depth: Float64Array, geom: Int32Array): void {
    const mj = this.mj;
    const bodyOf = Int32Array.from(this.model.geom_bodyid as Int32Array);
    const group = Array.from(this.geomgroup);
    const flg = this.config.includeStatic ? 1 : 0;
    const geomBuf = new mj.IntBuffer(1);
    const nudge = 1e-7; // past the surface just hit, so touching excluded bodies cannot stall the walk
    try {
      for (let i = 0; i < geom.length; i++) {
        let g = geom[i];
        if (g < 0 || !this.excludedBody[bodyOf[g]]) continue;
        let t = depth[i];
        let body = bodyOf[g];
        const d = [vec[3 * i], vec[3 * i + 1], vec[3 * i + 2]];
        g = -1;
        for (let step = 0; step < 64; step++) {
          t += nudge;
          const hit = mj.mj_ray(this.model, data, [o[0] + d[0] * t, o[1] + d[1] * t, o[2] + d[2] * t], d, group, flg, body, geomBuf);
          if (hit < 0) break;
          t += hit;
          const hg = (geomBuf.GetView() as Int32Array)[0];
          if (!this.excludedBody[bodyOf[hg]]) {
            g = hg;
            break;
          }
          body = bodyOf[hg];
        }
        geom[i] = g;
        depth[i] = g < 0 ? -1 : t;
      }
    } finally {
      geomBuf.delete();
    }
  }
}
