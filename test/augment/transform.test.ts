import { describe, expect, it } from 'vitest';
import { quatFromYaw, quatMul, quatRotate, type Quat, type Vec3 } from '../../core/geometry.ts';
import type { Program } from '../../core/program.ts';
import type { Scene } from '../../core/scene.ts';
import { candidateSeed, transformProgram } from '../../augment/index.ts';
import { getTask, nominalScene, placementRanges, samplePlacement } from '../../sim/index.ts';

const scene = (objects: Record<string, { position: Vec3; yaw: number }>): Scene => ({ version: 1, task: 't', frame: 'world', objects });
const down: Quat = [1, 0, 0, 0]; // TCP z pointing down
const s = Math.SQRT1_2;

function program(): Program {
  return {
    version: 1,
    frame: 'world',
    arms: {
      left: [
        { name: 'above', position: [0.1, 0.2, 0.15], quaternion: down, gripper: 1, object: 'bar' },
        { name: 'home', position: [0, 0.3, 0.3], quaternion: [0, 0, 0, 1], gripper: 1 },
      ],
      right: [{ name: 'grasp', position: [0.5, 0, 0.05], quaternion: [0, 0, s, s], gripper: 0, object: 'box', sync: 'x' }],
    },
  };
}

const expectClose = (a: readonly number[], b: readonly number[], digits = 12) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], digits));

describe('transformProgram: object-tied keyposes move rigidly with their object', () => {
  const from = scene({ bar: { position: [0, 0.2, 0.02], yaw: 0 }, box: { position: [0.4, 0, 0.025], yaw: 0.3 } });

  it('pure translation moves positions and keeps orientations', () => {
    const to = scene({ bar: { position: [0.05, 0.17, 0.02], yaw: 0 }, box: { position: [0.4, 0, 0.025], yaw: 0.3 } });
    const p = transformProgram(program(), from, to);
    expectClose(p.arms.left[0].position, [0.15, 0.17, 0.15]);
    expectClose(p.arms.left[0].quaternion, down);
    // The box did not move: its keypose stays.
    expectClose(p.arms.right[0].position, [0.5, 0, 0.05]);
    expectClose(p.arms.right[0].quaternion, [0, 0, s, s]);
  });

  it('a 90° turn rotates the offset about the object origin and the orientation about world z', () => {
    const to = scene({ bar: { position: [0.2, -0.1, 0.02], yaw: Math.PI / 2 }, box: { position: [0.4, 0, 0.025], yaw: 0.3 } });
    const p = transformProgram(program(), from, to);
    // Offset (0.1, 0, 0.13) from the bar turns into (0, 0.1, 0.13).
    expectClose(p.arms.left[0].position, [0.2, 0.0, 0.15]);
    // down = 180° about x; turned 90° about z it is 180° about the (1, 1, 0) diagonal.
    expectClose(p.arms.left[0].quaternion, [s, s, 0, 0]);
    // Seen as axes: the approach axis still points down, the finger axis turned from x to y.
    expectClose(quatRotate(p.arms.left[0].quaternion, [0, 0, 1]), [0, 0, -1]);
    expectClose(quatRotate(p.arms.left[0].quaternion, [1, 0, 0]), [0, 1, 0]);
  });

  it('a turn and a move together, on an object at any yaw (only the change of yaw counts)', () => {
    const d = -0.4;
    const to = scene({ bar: { position: [0, 0.2, 0.02], yaw: 0 }, box: { position: [0.3, 0.1, 0.025], yaw: 0.3 + d } });
    const p = transformProgram(program(), from, to);
    const off: Vec3 = [0.1, 0, 0.025]; // keypose − box origin
    expectClose(p.arms.right[0].position, [0.3 + Math.cos(d) * off[0] - Math.sin(d) * off[1], 0.1 + Math.sin(d) * off[0] + Math.cos(d) * off[1], 0.05]);
    expectClose(p.arms.right[0].quaternion, quatMul(quatFromYaw(d), [0, 0, s, s]));
    // Which for this yaw-only orientation is simply the summed yaw.
    expectClose(p.arms.right[0].quaternion, quatFromYaw(Math.PI / 2 + d));
  });

  it('keyposes tied to no object are unchanged, other fields are kept, the input is not modified', () => {
    const src = program();
    const copy = structuredClone(src);
    const to = scene({ bar: { position: [0.3, 0.3, 0.02], yaw: 1 }, box: { position: [0.1, 0.1, 0.025], yaw: -1 } });
    const p = transformProgram(src, from, to);
    expect(p.arms.left[1]).toEqual(src.arms.left[1]);
    expect(p.arms.right[0]).toMatchObject({ name: 'grasp', gripper: 0, object: 'box', sync: 'x' });
    expect(src).toEqual(copy);
  });

  it('a keypose on an object the scene does not place is an error naming the keypose', () => {
    const to = scene({ bar: { position: [0, 0.2, 0.02], yaw: 0 } });
    const bad = program();
    bad.arms.right[0].object = 'lid';
    expect(() => transformProgram(bad, scene({ bar: { position: [0, 0.2, 0.02], yaw: 0 } }), to)).toThrow(/arms\.right\[0\]\.object.*"lid"/);
  });
});

describe('samplePlacement', () => {
  const task = getTask('drawer');
  const demo = nominalScene(task);
  demo.objects.cube.position = [0.06, -0.2, demo.objects.cube.position[2]];

  it('is seeded, stays within each range around the demonstration, keeps z', () => {
    const ranges = placementRanges(task);
    for (let k = 0; k < 50; k++) {
      const a = samplePlacement(task, demo, candidateSeed(3, k));
      expect(samplePlacement(task, demo, candidateSeed(3, k))).toEqual(a);
      for (const o of task.objects) {
        const p = a.objects[o.name];
        const d = demo.objects[o.name];
        expect(Math.abs(p.position[0] - d.position[0])).toBeLessThanOrEqual(ranges[o.name].x);
        expect(Math.abs(p.position[1] - d.position[1])).toBeLessThanOrEqual(ranges[o.name].y);
        expect(Math.abs(p.yaw - d.yaw)).toBeLessThanOrEqual(ranges[o.name].yaw);
        expect(p.position[2]).toBe(d.position[2]);
      }
    }
    expect(samplePlacement(task, demo, candidateSeed(3, 0))).not.toEqual(samplePlacement(task, demo, candidateSeed(3, 1)));
    expect(samplePlacement(task, demo, candidateSeed(3, 0))).not.toEqual(samplePlacement(task, demo, candidateSeed(4, 0)));
  });

  it('takes range overrides and rejects unknown objects', () => {
    const fixed = placementRanges(task, { cube: { x: 0, y: 0, yaw: 0 } });
    const p = samplePlacement(task, demo, 5, fixed);
    expect(p.objects.cube).toEqual(demo.objects.cube);
    expect(p.objects.cabinet).not.toEqual(demo.objects.cabinet);
    expect(() => placementRanges(task, { lid: { x: 0, y: 0, yaw: 0 } })).toThrow(/unknown object "lid"/);
  });
});
