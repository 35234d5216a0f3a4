/**
 * The kinematic twin: same FK as the simulated workcell for the same joints, its commands are
 * what the program executor sends, and the executor runs on it as on the World.
 */
import { describe, expect, it } from 'vitest';
import { ARMS } from '../../core/program.ts';
import { dist, quatAngle } from '../../core/geometry.ts';
import { HOME_Q, KinematicArms, ProgramExecutor, World, DEFAULT_EXECUTOR, getTask, nominalScene } from '../../sim/index.ts';
import { ARM_BASES } from '../../sim/mjcf/workcell.ts';

describe('KinematicArms', () => {
  it('gives the workcell TCP poses for the same joints, and the executor drives it', async () => {
    const task = getTask('lift-bar');
    const world = await World.create(task, nominalScene(task));
    const twin = await KinematicArms.create(ARM_BASES);
    try {
      for (const a of ARMS) {
        twin.observe(a, { q: HOME_Q[a], gripper: 1 }, true);
        const w = world.tcpPose(a);
        const t = twin.tcpPose(a);
        expect(dist(w.position, t.position)).toBeLessThan(1e-6);
        expect(quatAngle(w.quaternion, t.quaternion)).toBeLessThan(1e-6);
        const q2 = HOME_Q[a].map((v, i) => v + 0.1 * (i + 1));
        world.setArmCtrl(a, q2);
        expect(dist(twin.fk(a, q2).position, world.arms[a].ik.fk(q2).position)).toBeLessThan(1e-6);
      }
      const program = task.scripted(nominalScene(task));
      const exec = new ProgramExecutor(twin, program, { ...DEFAULT_EXECUTOR, controlDt: 0.1 });
      for (let i = 0; i < 5; i++) exec.control();
      const cmd = twin.command('left');
      expect(cmd.q.some((v, i) => Math.abs(v - HOME_Q.left[i]) > 1e-4)).toBe(true);
      // The commanded joints reach towards the first keypose.
      const before = dist(twin.fk('left', HOME_Q.left).position, program.arms.left[0].position);
      expect(dist(twin.fk('left', cmd.q).position, program.arms.left[0].position)).toBeLessThan(before);
    } finally {
      twin.dispose();
      world.dispose();
    }
  });
});
