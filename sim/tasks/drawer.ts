/**
 * drawer (asynchronous): the left arm pulls a drawer open; the right arm picks a cube and places
 * it inside. Success: drawer open ≥ 12 cm and the cube resting inside the drawer, for 0.5 s.
 */
import { add, quatFromYaw, quatRotate, sub, type Vec3 } from '../../core/geometry.ts';
import { PROGRAM_VERSION, type Keypose, type Program } from '../../core/program.ts';
import type { Scene } from '../../core/scene.ts';
import { attrs, quat, vec } from '../mjcf/xml.ts';
import { foldYaw, topDown } from './gripper-frames.ts';
import type { Task, TaskWorld } from './task.ts';

const CUBE = { half: 0.025, mass: 0.1 };
/** Tray interior in the drawer body's frame (m). */
const INTERIOR = { x: 0.11, y: 0.095, floor: 0.013, top: 0.1 };
const HANDLE = { x: -0.205, z: 0.07, radius: 0.008 };
const MIN_OPEN = 0.12;
const PULL = 0.16;

const box = (name: string, size: Vec3, pos: Vec3, rgba: string, cls = 'fixture') =>
  `<geom name="${name}" class="${cls}" type="box" ${attrs({ size, pos })} rgba="${rgba}"/>`;

export const drawer: Task = {
  name: 'drawer',
  coordination: 'asynchronous',
  description: 'The left arm pulls a drawer open; the right arm picks a cube and places it inside.',
  objects: [
    {
      name: 'cabinet',
      description: 'cabinet 26 × 24 × 14 cm with a sliding drawer; its front (and handle) faces −x at yaw 0',
      nominal: { position: [0.18, 0.12, 0], yaw: 0 },
      range: { x: 0.04, y: 0.04, yaw: (10 * Math.PI) / 180 },
    },
    {
      name: 'cube',
      description: `cube ${2 * CUBE.half * 100} cm, ${CUBE.mass} kg`,
      nominal: { position: [0.04, -0.18, CUBE.half], yaw: 0 },
      range: { x: 0.05, y: 0.05, yaw: (15 * Math.PI) / 180 },
    },
  ],
  successDescription: `drawer open ≥ ${MIN_OPEN * 100} cm and the cube resting inside it, for 0.5 s`,
  parameters: { min_open_m: MIN_OPEN, drawer_travel_m: 0.2, cube_size_m: 2 * CUBE.half, hold_s: 0.5 },
  holdTime: 0.5,
  maxDuration: 30,

  objectsXml(scene: Scene): string {
    const c = scene.objects.cabinet;
    const k = scene.objects.cube;
    const shell = '0.85 0.85 0.82 1';
    const tray = '0.55 0.7 0.85 1';
    return `<body name="cabinet" pos="${vec(c.position)}" quat="${quat(quatFromYaw(c.yaw))}">
  ${box('cabinet_top', [0.13, 0.12, 0.005], [0, 0, 0.135], shell)}
  ${box('cabinet_side_l', [0.13, 0.005, 0.065], [0, 0.115, 0.065], shell)}
  ${box('cabinet_side_r', [0.13, 0.005, 0.065], [0, -0.115, 0.065], shell)}
  ${box('cabinet_back', [0.005, 0.11, 0.065], [0.125, 0, 0.065], shell)}
  <body name="drawer">
    <joint name="drawer_slide" type="slide" axis="-1 0 0" range="0 0.2" damping="3" frictionloss="0.3" armature="0.05"/>
    <inertial pos="0 0 0.04" mass="0.5" diaginertia="0.003 0.003 0.004"/>
    ${box('drawer_floor', [0.12, 0.105, 0.005], [0, 0, INTERIOR.floor - 0.005], tray)}
    ${box('drawer_front', [0.006, 0.108, 0.06], [-0.125, 0, 0.065], tray)}
    ${box('drawer_back', [0.005, 0.105, 0.045], [0.115, 0, 0.055], tray)}
    ${box('drawer_side_l', [0.12, 0.005, 0.045], [0, 0.1, 0.055], tray)}
    ${box('drawer_side_r', [0.12, 0.005, 0.045], [0, -0.1, 0.055], tray)}
    ${box('handle_post_l', [0.037, 0.006, 0.006], [-0.168, 0.04, HANDLE.z], '0.3 0.3 0.3 1')}
    ${box('handle_post_r', [0.037, 0.006, 0.006], [-0.168, -0.04, HANDLE.z], '0.3 0.3 0.3 1')}
    <geom name="handle" class="fixture" type="capsule" ${attrs({ size: [HANDLE.radius], fromto: [HANDLE.x, -0.055, HANDLE.z, HANDLE.x, 0.055, HANDLE.z] })} rgba="0.3 0.3 0.3 1"/>
  </body>
</body>
<body name="cube" pos="${vec(k.position)}" quat="${quat(quatFromYaw(k.yaw))}">
  <freejoint name="cube_free"/>
  <geom name="cube_geom" class="object" type="box" ${attrs({ size: [CUBE.half, CUBE.half, CUBE.half], mass: CUBE.mass })} rgba="0.85 0.2 0.2 1"/>
</body>`;
  },

  check(world: TaskWorld): boolean {
    const open = world.jointQ('drawer_slide');
    if (open < MIN_OPEN) return false;
    const d = world.bodyPose('drawer');
    const cube = world.bodyPose('cube').position;
    // Cube centre in the drawer's frame.
    const local = quatRotate([-d.quaternion[0], -d.quaternion[1], -d.quaternion[2], d.quaternion[3]], sub(cube, d.position));
    const inside = Math.abs(local[0]) <= INTERIOR.x && Math.abs(local[1]) <= INTERIOR.y;
    const resting = local[2] <= INTERIOR.floor + CUBE.half + 0.01;
    return inside && resting;
  },

  scripted(scene: Scene): Program {
    const c = scene.objects.cabinet;
    const k = scene.objects.cube;
    const cq = quatFromYaw(c.yaw);
    const inCabinet = (v: Vec3): Vec3 => add(c.position, quatRotate(cq, v));
    // Left: fingers straddle the handle (closing along the pull axis), close, pull, let go, retreat.
    const pull = topDown(foldYaw(c.yaw));
    const handle = inCabinet([HANDLE.x, 0, HANDLE.z]);
    const pulled = inCabinet([HANDLE.x - PULL, 0, HANDLE.z]);
    const left: Keypose[] = [
      { name: 'above-handle', position: add(handle, [0, 0, 0.1]), quaternion: pull, gripper: 0.55, object: 'cabinet' },
      { name: 'at-handle', position: handle, quaternion: pull, gripper: 0, object: 'cabinet', speed: 0.12 },
      { name: 'pulled', position: pulled, quaternion: pull, gripper: 1, object: 'cabinet', speed: 0.1 },
      { name: 'retreat', position: add(pulled, [0, 0, 0.15]), quaternion: pull, gripper: 1, object: 'cabinet', sync: 'opened' },
    ];
    // Right: pick the cube, carry it above the drawer, wait for it to open, place it inside.
    const grip = topDown(foldYaw(k.yaw, Math.PI / 2));
    const cube = k.position;
    const tcp = (p: Vec3, dz: number): Vec3 => [p[0], p[1], p[2] + 0.008 + dz];
    // Release point: the exposed part of the open drawer, fingers closing across the drawer's width.
    const place = inCabinet([-0.2 - (PULL - 0.16), 0, INTERIOR.floor + CUBE.half + 0.006]);
    const placeQ = topDown(foldYaw(c.yaw + Math.PI / 2));
    const right: Keypose[] = [
      { name: 'above-cube', position: tcp(cube, 0.1), quaternion: grip, gripper: 1, object: 'cube' },
      { name: 'grasp', position: tcp(cube, 0), quaternion: grip, gripper: 0, object: 'cube', speed: 0.12 },
      { name: 'lift', position: tcp(cube, 0.2), quaternion: grip, gripper: 0, object: 'cube', speed: 0.2 },
      { name: 'above-drawer', position: tcp(place, 0.16), quaternion: placeQ, gripper: 0, object: 'cabinet', sync: 'opened' },
      { name: 'lower', position: tcp(place, 0), quaternion: placeQ, gripper: 1, object: 'cabinet', speed: 0.1 },
      { name: 'retreat', position: tcp(place, 0.16), quaternion: placeQ, gripper: 1, object: 'cabinet' },
    ];
    return { version: PROGRAM_VERSION, task: 'drawer', frame: 'world', arms: { left, right } };
  },
};
