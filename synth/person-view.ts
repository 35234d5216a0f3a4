/**
 * What a person's demonstration shows: the workcell without the robot arms (table, fixtures,
 * objects), and which points of it hide others (occlusion rays against exactly those geoms).
 */
import type { Vec3 } from '../core/geometry.ts';
import { ARMS } from '../core/program.ts';
import { describeScene, type RenderScene } from '../sim/render/render-scene.ts';
import type { World } from '../sim/world.ts';

/** Bodies of both arms (every body under an arm's base), by id. */
export function armBodies(world: World): Set<number> {
  const root = world.model.body_rootid as Int32Array;
  const bases = new Set(ARMS.map((a) => world.bodyId(world.arms[a].names.baseBody)));
  const out = new Set<number>();
  for (let b = 0; b < world.model.nbody; b++) if (bases.has(root[b])) out.add(b);
  return out;
}

/** The drawn scene minus the arms. */
export function sceneWithoutArms(world: World): RenderScene {
  const arms = armBodies(world);
  const scene = describeScene(world.mj, world.model);
  return { ...scene, geoms: scene.geoms.filter((g) => !arms.has(g.body)) };
}

/**
 * Occlusion by the drawn scene (arms excluded): is the segment from `eye` to `point` blocked by a
 * drawn geom more than `tolerance` before the point? Uses the world's current kinematics.
 */
export class Occluder {
  private readonly drawn: Uint8Array;
  private readonly bodyOf: Int32Array;
  private readonly group = [1, 1, 1, 0, 0, 0];

  constructor(private readonly world: World, scene: RenderScene) {
    this.drawn = new Uint8Array(world.model.ngeom);
    for (const g of scene.geoms) if (g.shape !== 'plane') this.drawn[g.id] = 1;
    this.bodyOf = Int32Array.from(world.model.geom_bodyid as Int32Array);
  }

  occluded(eye: Vec3, point: Vec3, tolerance = 0.002): boolean {
    const { mj, model, data } = this.world;
    const d = [point[0] - eye[0], point[1] - eye[1], point[2] - eye[2]];
    const len = Math.hypot(d[0], d[1], d[2]);
    const dir = d.map((v) => v / len);
    const geomBuf = new mj.IntBuffer(1);
    try {
      let t = 0;
      let exclude = -1;
      // Walk through undrawn geoms (arms, collision-only parts) until a drawn one or the point.
      for (let step = 0; step < 32; step++) {
        const o = [eye[0] + dir[0] * t, eye[1] + dir[1] * t, eye[2] + dir[2] * t];
        const hit = mj.mj_ray(model, data, o, dir, this.group, 1, exclude, geomBuf);
        if (hit < 0) return false;
        t += hit;
        if (t >= len - tolerance) return false;
        const g = (geomBuf.GetView() as Int32Array)[0];
        if (this.drawn[g]) return true;
        exclude = this.bodyOf[g];
        t += 1e-7;
      }
      return false;
    } finally {
      geomBuf.delete();
    }
  }
}
