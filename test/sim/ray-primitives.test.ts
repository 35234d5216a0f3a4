import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { loadMujoco, type Mujoco } from '../../sim/mujoco.ts';
import { GeomType, rayPrimitive } from '../../sim/ray-primitives.ts';

let mj: Mujoco;
beforeAll(async () => {
  mj = await loadMujoco();
});

describe('rayPrimitive', () => {
  it("agrees with MuJoCo's mju_rayGeom on random rays, from outside and inside, for every primitive", () => {
    const rng = new Rng(11);
    const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    for (const [name, type] of Object.entries(GeomType)) {
      if (!['plane', 'sphere', 'capsule', 'ellipsoid', 'cylinder', 'box'].includes(name)) continue;
      let hits = 0;
      for (let k = 0; k < 1500; k++) {
        const size = [rng.uniform(0.02, 0.3), rng.uniform(0.02, 0.3), rng.uniform(0.02, 0.3)];
        if (type === GeomType.plane && k % 2 === 0) size[0] = size[1] = 0; // infinite plane
        const p = [rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5)];
        // Half the rays aimed near the geom, so that hits are common.
        const target = k % 2 ? [rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2)] : [rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-2, 2)];
        const v = [target[0] - p[0], target[1] - p[1], target[2] - p[2]].map((x) => x * rng.uniform(0.2, 3));
        const ours = rayPrimitive(type, size[0], size[1], size[2], p[0], p[1], p[2], v[0], v[1], v[2]);
        const theirs = mj.mju_rayGeom([0, 0, 0], identity, size, p, v, type);
        if (theirs < 0) expect(ours, `${name} #${k}`).toBe(-1);
        else {
          hits++;
          expect(Math.abs(ours - theirs), `${name} #${k}`).toBeLessThan(1e-9 * Math.max(1, theirs));
        }
      }
      expect(hits, name).toBeGreaterThan(150);
    }
  });
});
