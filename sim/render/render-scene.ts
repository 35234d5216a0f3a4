/**
 * The static part of a rendered MuJoCo scene: one entry per visible geom (shape, size, colour)
 * and the model's lights, read from the compiled MjModel. Plain JSON, so it can be handed to a
 * browser page as is (sim/render/page/scene-view.js builds the three.js meshes from it).
 */
import { z } from 'zod';
import { Vec3Schema } from '../../core/program.ts';
import type { Mujoco, MjModel } from '../mujoco.ts';

export const RENDER_SCENE_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const Rgba = z.tuple([finite, finite, finite, finite]);

export const GeomShapeSchema = z.enum(['plane', 'sphere', 'capsule', 'ellipsoid', 'cylinder', 'box']);
export type GeomShape = z.infer<typeof GeomShapeSchema>;

export const RenderGeomSchema = z.strictObject({
  /** MuJoCo geom id: the index of this geom's pose in a RenderFrame. */
  id: z.number().int().nonnegative(),
  /** Geom name, or '' when unnamed. */
  name: z.string(),
  /** MuJoCo body id (0 = world: never moves). */
  body: z.number().int().nonnegative(),
  shape: GeomShapeSchema,
  /**
   * MuJoCo's geom_size: plane (half x, half y, grid spacing; 0 half-size = infinite),
   * sphere (radius), capsule/cylinder (radius, half-length along local z), ellipsoid (radii),
   * box (half-extents).
   */
  size: Vec3Schema,
  /** Colour in [0,1], display (sRGB) values as MuJoCo draws them; the material's when the geom has one. */
  rgba: Rgba,
});
export type RenderGeom = z.infer<typeof RenderGeomSchema>;

export const RenderLightSchema = z.strictObject({
  /**
   * Position and direction in the frame of the light's body (the world for lights in
   * <worldbody>). The renderer takes its key light's direction from the first shadow-casting one.
   */
  position: Vec3Schema,
  direction: Vec3Schema,
  directional: z.boolean(),
  castShadow: z.boolean(),
  diffuse: Vec3Schema,
});
export type RenderLight = z.infer<typeof RenderLightSchema>;

export const RenderSceneSchema = z.strictObject({
  version: z.literal(RENDER_SCENE_VERSION),
  frame: z.literal('world'),
  /** Number of geoms in the model: the length of a RenderFrame's pose table. */
  ngeom: z.number().int().nonnegative(),
  geoms: z.array(RenderGeomSchema),
  lights: z.array(RenderLightSchema),
  /** Centre and radius of the model's moving parts (MuJoCo's stat.center / stat.extent): sizes the shadow camera. */
  center: Vec3Schema,
  extent: finite,
});
export type RenderScene = z.infer<typeof RenderSceneSchema>;

export interface DescribeOptions {
  /**
   * Geom groups to draw. MuJoCo's viewer shows groups 0–2 by default, and the common convention
   * (MuJoCo Menagerie, yoto's workcell) puts collision-only geoms in group 3, so the default is
   * [0, 1, 2]: geoms in groups 3–5 are hidden.
   */
  groups?: number[];
}

/** MuJoCo's default geom colour: when a geom has a material and this colour, the material's colour wins. */
const DEFAULT_RGBA = [0.5, 0.5, 0.5, 1];

function nameAt(names: Int8Array, adr: number): string {
  let end = adr;
  while (end < names.length && names[end] !== 0) end++;
  return Buffer.from(names.buffer, names.byteOffset + adr, end - adr).toString('utf8');
}

/**
 * Describe what to draw. Geoms that are fully transparent (alpha 0), in a hidden group, or of a
 * shape not drawn (height fields, meshes, SDFs) are left out.
 */
export function describeScene(mj: Mujoco, model: MjModel, opts: DescribeOptions = {}): RenderScene {
  const groups = new Set(opts.groups ?? [0, 1, 2]);
  const shapes = new Map<number, GeomShape>([
    [mj.mjtGeom.mjGEOM_PLANE.value, 'plane'],
    [mj.mjtGeom.mjGEOM_SPHERE.value, 'sphere'],
    [mj.mjtGeom.mjGEOM_CAPSULE.value, 'capsule'],
    [mj.mjtGeom.mjGEOM_ELLIPSOID.value, 'ellipsoid'],
    [mj.mjtGeom.mjGEOM_CYLINDER.value, 'cylinder'],
    [mj.mjtGeom.mjGEOM_BOX.value, 'box'],
  ]);
  // Views into WASM memory: read them now, in one go, and copy what is kept.
  const type = model.geom_type as Int32Array;
  const size = model.geom_size as Float64Array;
  const geomRgba = model.geom_rgba as Float32Array;
  const matid = model.geom_matid as Int32Array;
  const matRgba = model.mat_rgba as Float32Array;
  const group = model.geom_group as Int32Array;
  const bodyid = model.geom_bodyid as Int32Array;
  const names = model.names as Int8Array;
  const nameAdr = model.name_geomadr as Int32Array;

  const geoms: RenderGeom[] = [];
  for (let g = 0; g < model.ngeom; g++) {
    const shape = shapes.get(type[g]);
    if (!shape || !groups.has(group[g])) continue;
    let rgba = Array.from(geomRgba.subarray(4 * g, 4 * g + 4));
    const m = matid[g];
    if (m >= 0 && rgba.every((v, i) => Math.abs(v - DEFAULT_RGBA[i]) < 1e-6)) {
      rgba = Array.from(matRgba.subarray(4 * m, 4 * m + 4));
    }
    if (rgba[3] <= 0) continue;
    geoms.push({
      id: g,
      name: nameAt(names, nameAdr[g]),
      body: bodyid[g],
      shape,
      size: [size[3 * g], size[3 * g + 1], size[3 * g + 2]],
      rgba: rgba.map((v) => Math.round(v * 1e6) / 1e6) as [number, number, number, number],
    });
  }

  const lights: RenderLight[] = [];
  const lpos = model.light_pos as Float64Array;
  const ldir = model.light_dir as Float64Array;
  const ltype = model.light_type as Int32Array;
  const lshadow = model.light_castshadow as Uint8Array;
  const ldiffuse = model.light_diffuse as Float32Array;
  const directional = mj.mjtLightType.mjLIGHT_DIRECTIONAL.value;
  for (let l = 0; l < model.nlight; l++) {
    lights.push({
      position: [lpos[3 * l], lpos[3 * l + 1], lpos[3 * l + 2]],
      direction: [ldir[3 * l], ldir[3 * l + 1], ldir[3 * l + 2]],
      directional: ltype[l] === directional,
      castShadow: lshadow[l] !== 0,
      diffuse: [ldiffuse[3 * l], ldiffuse[3 * l + 1], ldiffuse[3 * l + 2]].map((v) => Math.round(v * 1e6) / 1e6) as [number, number, number],
    });
  }

  const center = model.stat.center as ArrayLike<number>;
  return RenderSceneSchema.parse({
    version: RENDER_SCENE_VERSION,
    frame: 'world',
    ngeom: model.ngeom,
    geoms,
    lights,
    center: [center[0], center[1], center[2]],
    extent: model.stat.extent,
  });
}
