/**
 * Re-targeting a keypose program to a new placement: each keypose tied to an object (its `object`
 * field) moves rigidly with that object — translated with the object's origin and rotated about
 * it by the object's change of yaw, orientation included. Keyposes tied to no object stay put.
 * (YOTO translates only; objects here also turn, so the grasp turns with them.)
 */
import { add, quatFromYaw, quatMul, quatNormalize, quatRotate, sub, type Quat, type Vec3 } from '../core/geometry.ts';
import { YotoError } from '../core/errors.ts';
import { ARMS, type Keypose, type Program } from '../core/program.ts';
import type { ObjectPlacement, Scene } from '../core/scene.ts';

/** A planar rigid motion: rotate by `yaw` about world z through `from`, then move `from` to `to`. */
export interface ObjectMotion {
  from: Vec3;
  to: Vec3;
  yaw: number;
}

export function objectMotion(from: ObjectPlacement, to: ObjectPlacement): ObjectMotion {
  return { from: from.position, to: to.position, yaw: to.yaw - from.yaw };
}

/** Apply an object's motion to a pose tied to it. */
export function movePose(m: ObjectMotion, position: Vec3, quaternion: Quat): { position: Vec3; quaternion: Quat } {
  const rot = quatFromYaw(m.yaw);
  return {
    position: add(m.to, quatRotate(rot, sub(position, m.from))),
    quaternion: quatNormalize(quatMul(rot, quaternion)),
  };
}

/** The program for placement `to`, given the program demonstrated at placement `from`. */
export function transformProgram(program: Program, from: Scene, to: Scene): Program {
  const motions = new Map<string, ObjectMotion>();
  for (const [name, placement] of Object.entries(from.objects)) {
    const target = to.objects[name];
    if (target) motions.set(name, objectMotion(placement, target));
  }
  const move = (k: Keypose, arm: string, i: number): Keypose => {
    if (k.object === undefined) return { ...k };
    const m = motions.get(k.object);
    if (!m)
      throw new YotoError(
        `keypose acts on object "${k.object}", which the scene does not place (objects: ${Object.keys(from.objects).join(', ')})`,
        `program: arms.${arm}[${i}].object`,
      );
    return { ...k, ...movePose(m, k.position, k.quaternion) };
  };
  const arms = Object.fromEntries(ARMS.map((a) => [a, program.arms[a].map((k, i) => move(k, a, i))])) as Program['arms'];
  return { ...program, arms };
}
