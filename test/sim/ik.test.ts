import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { dist, quatAngle } from '../../core/geometry.ts';
import { World, HOME_Q, getTask, nominalScene } from '../../sim/index.ts';

let world: World;
beforeAll(async () => {
  const task = getTask('lift-bar');
  world = await World.create(task, nominalScene(task));
});
afterAll(() => world.dispose());

describe('IK (damped least squares on the MuJoCo site Jacobian)', () => {
  it('reaches random reachable poses to < 1 mm within joint limits', () => {
    const rng = new Rng(11);
    for (const arm of ['left', 'right'] as const) {
      const ik = world.arms[arm].ik;
      const ranges = ik.chain.ranges;
      for (let i = 0; i < 40; i++) {
        // A reachable pose: forward kinematics of random joints near the working posture.
        const q = HOME_Q[arm].map((h, j) => Math.min(ranges[j][1], Math.max(ranges[j][0], h + rng.uniform(-0.8, 0.8))));
        const target = ik.fk(q);
        const r = ik.solve(target, HOME_Q[arm], { restarts: 10, restartSeed: i });
        expect(r.ok, `${arm} pose ${i}: ${r.posErr} m`).toBe(true);
        const got = ik.fk(r.q);
        expect(dist(got.position, target.position)).toBeLessThan(1e-3);
        expect(quatAngle(got.quaternion, target.quaternion)).toBeLessThan(1e-2);
        r.q.forEach((v, j) => {
          expect(v).toBeGreaterThanOrEqual(ranges[j][0]);
          expect(v).toBeLessThanOrEqual(ranges[j][1]);
        });
      }
    }
  });

  it('reports failure for a pose out of reach instead of returning a wrong answer', () => {
    const ik = world.arms.left.ik;
    const home = ik.fk(HOME_Q.left);
    const r = ik.solve({ position: [1.5, 0, 0.3], quaternion: home.quaternion }, HOME_Q.left, { restarts: 3 });
    expect(r.ok).toBe(false);
    expect(r.posErr).toBeGreaterThan(0.3);
  });

  it('the Jacobian is real: a small joint step moves the TCP as predicted by IK convergence', () => {
    const ik = world.arms.right.ik;
    const a = ik.fk(HOME_Q.right);
    const q2 = HOME_Q.right.map((v, j) => (j === 0 ? v + 0.01 : v));
    const b = ik.fk(q2);
    expect(dist(a.position, b.position)).toBeGreaterThan(1e-3);
    const r = ik.solve(b, HOME_Q.right);
    expect(r.ok).toBe(true);
    expect(r.iterations).toBeLessThan(20);
    expect(Math.abs(r.q[0] - q2[0])).toBeLessThan(1e-3);
  });
});
