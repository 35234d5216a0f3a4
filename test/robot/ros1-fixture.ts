/**
 * Shared pieces of the ROS 1 deploy tests: a short program that moves both arms from the fake
 * arms' home posture (up, across, closing the grippers, back), and robot.yaml variants written
 * for a harness's bridge.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import type { Program } from '../../core/program.ts';
import { ARMS } from '../../core/program.ts';
import { HOME_Q, KinematicArms } from '../../sim/index.ts';
import { ARM_BASES } from '../../sim/mjcf/workcell.ts';

export const EXAMPLE_ROS1 = new URL('../../robot/examples/sim-ur5e.ros1.yaml', import.meta.url).pathname;

/** Up 6 cm, 4 cm along x with the gripper closing, back home open: about 3 s at the executor's speeds. */
export async function shortProgram(): Promise<Program> {
  const twin = await KinematicArms.create(ARM_BASES);
  try {
    const arms = {} as Program['arms'];
    for (const a of ARMS) {
      const home = twin.fk(a, HOME_Q[a]);
      const [x, y, z] = home.position;
      arms[a] = [
        { name: 'up', position: [x, y, z + 0.06], quaternion: home.quaternion, gripper: 1 },
        { name: 'across', position: [x + 0.04, y, z + 0.06], quaternion: home.quaternion, gripper: 0 },
        { name: 'back', position: [x, y, z], quaternion: home.quaternion, gripper: 1 },
      ];
    }
    return { version: 1, frame: 'world', arms };
  } finally {
    twin.dispose();
  }
}

/** An example robot.yaml (ROS 1 unless told) with `edit` applied, written to a temp folder; returns its path. */
export function robotYaml(edit: (cfg: Record<string, any>) => void = () => {}, base = EXAMPLE_ROS1): string {
  const cfg = parse(readFileSync(base, 'utf8')) as Record<string, any>;
  edit(cfg);
  const dir = mkdtempSync(join(tmpdir(), 'yoto-robot-'));
  const file = join(dir, 'robot.yaml');
  writeFileSync(file, stringify(cfg));
  return file;
}
