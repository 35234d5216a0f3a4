/**
 * handover (coordinated): the left arm picks a cube and hands it over in mid-air to the right arm,
 * which places it on a target pad. Success: the cube rests on the pad within 3 cm of its centre,
 * released by both grippers, for 0.5 s.
 */
import { add, quatFromYaw, type Vec3 } from '../../core/geometry.ts';
import { PROGRAM_VERSION, type Keypose, type Program } from '../../core/program.ts';
import type { Scene } from '../../core/scene.ts';
import { attrs, quat, vec } from '../mjcf/xml.ts';
import { foldYaw, pointing, topDown } from './gripper-frames.ts';
import type { Task, TaskWorld } from './task.ts';

const CUBE = { half: 0.03, mass: 0.1 };
const PAD = { half: 0.06, thickness: 0.005 };
const TOLERANCE = 0.03;
/** Where the cube changes hands (world frame). */
const HANDOVER: Vec3 = [0.02, 0, 0.24];
/** The TCP sits this far from the cube centre along the approach axis: a shallow grasp leaves room for the other hand. */
const GRASP_DEPTH = 0.02;

export const handover: Task = {
  name: 'handover',
  coordination: 'coordinated',
  description: 'The left arm picks a cube and hands it to the right arm, which places it on a target pad.',
  objects: [
    {
      name: 'cube',
      description: `cube ${2 * CUBE.half * 100} cm, ${CUBE.mass} kg`,
      nominal: { position: [0.02, 0.2, CUBE.half], yaw: 0 },
      range: { x: 0.05, y: 0.05, yaw: (15 * Math.PI) / 180 },
    },
    {
      name: 'pad',
      description: `target pad ${2 * PAD.half * 100} × ${2 * PAD.half * 100} cm`,
      nominal: { position: [0.04, -0.22, 0], yaw: 0 },
      range: { x: 0.05, y: 0.04, yaw: (15 * Math.PI) / 180 },
    },
  ],
  successDescription: `cube resting on the pad within ${TOLERANCE * 100} cm of its centre, released, for 0.5 s`,
  parameters: { cube_size_m: 2 * CUBE.half, pad_size_m: 2 * PAD.half, tolerance_m: TOLERANCE, hold_s: 0.5 },
  holdTime: 0.5,
  maxDuration: 35,

  objectsXml(scene: Scene): string {
    const k = scene.objects.cube;
    const p = scene.objects.pad;
    return `<body name="pad" pos="${vec(p.position)}" quat="${quat(quatFromYaw(p.yaw))}">
  <geom name="pad_geom" class="fixture" type="box" ${attrs({ size: [PAD.half, PAD.half, PAD.thickness / 2], pos: [0, 0, PAD.thickness / 2] })} rgba="0.25 0.7 0.35 1"/>
</body>
<body name="cube" pos="${vec(k.position)}" quat="${quat(quatFromYaw(k.yaw))}">
  <freejoint name="cube_free"/>
  <geom name="cube_geom" class="object" type="box" ${attrs({ size: [CUBE.half, CUBE.half, CUBE.half], mass: CUBE.mass })} rgba="0.2 0.35 0.85 1"/>
</body>`;
  },

  check(world: TaskWorld): boolean {
    const cube = world.bodyPose('cube').position;
    const pad = world.bodyPose('pad').position;
    const onPad = Math.hypot(cube[0] - pad[0], cube[1] - pad[1]) <= TOLERANCE && Math.abs(cube[2] - (pad[2] + PAD.thickness + CUBE.half)) < 0.005;
    if (!onPad) return false;
    // Released: no finger or palm of either arm touches the cube.
    const touching = world.contactsOf(world.bodyId('cube'));
    return !(['left', 'right'] as const).some((a) => world.arms[a].gripperBodyIds.some((b) => touching.has(b)));
  },

  scripted(scene: Scene): Program {
    const k = scene.objects.cube;
    const p = scene.objects.pad;
    const grip = topDown(foldYaw(k.yaw, Math.PI / 2));
    const above = (v: Vec3, dz: number): Vec3 => [v[0], v[1], v[2] + dz];
    const cubeTcp = above(k.position, GRASP_DEPTH);
    // At the handover both grippers are horizontal, closing along world x on the same two faces:
    // the left holds the +y half of the cube, the right takes the −y half.
    const offerQ = pointing([0, -1, 0], [1, 0, 0]);
    const takeQ = pointing([0, 1, 0], [1, 0, 0]);
    const offer = add(HANDOVER, [0, GRASP_DEPTH, 0]);
    const take = add(HANDOVER, [0, -GRASP_DEPTH, 0]);
    const left: Keypose[] = [
      { name: 'above-cube', position: above(cubeTcp, 0.1), quaternion: grip, gripper: 1, object: 'cube' },
      { name: 'grasp', position: cubeTcp, quaternion: grip, gripper: 0, object: 'cube', speed: 0.12 },
      { name: 'lift', position: above(cubeTcp, 0.15), quaternion: grip, gripper: 0, object: 'cube', speed: 0.2 },
      { name: 'offer', position: offer, quaternion: offerQ, gripper: 0, sync: 'offered', speed: 0.15 },
      { name: 'wait-take', position: offer, quaternion: offerQ, gripper: 0, sync: 'taken' },
      { name: 'release', position: offer, quaternion: offerQ, gripper: 1, sync: 'released' },
      { name: 'retreat', position: add(offer, [0, 0.12, 0.04]), quaternion: offerQ, gripper: 1, speed: 0.15 },
    ];
    // Carrying top-down after the handover: the cube centre is GRASP_DEPTH below the TCP.
    const padTop = p.position[2] + PAD.thickness;
    const placeTcp: Vec3 = [p.position[0], p.position[1], padTop + CUBE.half + GRASP_DEPTH + 0.004];
    const placeQ = topDown(0);
    const right: Keypose[] = [
      { name: 'pre-take', position: add(take, [0, -0.12, 0]), quaternion: takeQ, gripper: 1, sync: 'offered' },
      { name: 'take', position: take, quaternion: takeQ, gripper: 0, sync: 'taken', speed: 0.08 },
      { name: 'hold', position: take, quaternion: takeQ, gripper: 0, sync: 'released' },
      { name: 'withdraw', position: add(take, [0, -0.08, 0]), quaternion: takeQ, gripper: 0, speed: 0.15 },
      { name: 'above-pad', position: above(placeTcp, 0.12), quaternion: placeQ, gripper: 0, object: 'pad', speed: 0.2 },
      { name: 'place', position: placeTcp, quaternion: placeQ, gripper: 1, object: 'pad', speed: 0.1 },
      { name: 'retreat', position: above(placeTcp, 0.12), quaternion: placeQ, gripper: 1, object: 'pad' },
    ];
    return { version: PROGRAM_VERSION, task: 'handover', frame: 'world', arms: { left, right } };
  },
};

