/**
 * The rigged hand meshes of @webxr-input-profiles/assets (generic-hand/left.glb, right.glb) as
 * seen from Node: the rest pose of their 25 WebXR hand joints, read from the GLB's JSON chunk.
 *
 * The skeleton is flat: every joint node is a child of the `Armature` node (identity transform),
 * so each node's translation/rotation is the joint's rest pose in hand (armature) space, metres.
 * Each joint frame has −z along the bone towards the fingertip and +y out of the back of the hand
 * (WebXR Hand Input convention), so flexion is a rotation about the joint's −x.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { Vec3Schema, type ArmName } from '../core/program.ts';
import type { Pose, Quat, Vec3 } from '../core/geometry.ts';
import { quatNormalize } from '../core/geometry.ts';

export type Digit = 'thumb' | 'index-finger' | 'middle-finger' | 'ring-finger' | 'pinky-finger';
export const DIGITS: readonly Digit[] = ['thumb', 'index-finger', 'middle-finger', 'ring-finger', 'pinky-finger'];

/** Bones of each digit from the wrist outwards (the thumb has no intermediate phalanx). */
export function digitChain(d: Digit): string[] {
  return d === 'thumb'
    ? ['thumb-metacarpal', 'thumb-phalanx-proximal', 'thumb-phalanx-distal', 'thumb-tip']
    : [`${d}-metacarpal`, `${d}-phalanx-proximal`, `${d}-phalanx-intermediate`, `${d}-phalanx-distal`, `${d}-tip`];
}

/** The 25 WebXR hand joints, wrist first, then each digit's chain. */
export const HAND_JOINTS: readonly string[] = ['wrist', ...DIGITS.flatMap(digitChain)];

export interface HandModel {
  side: ArmName;
  /** Rest pose of each joint in hand (armature) space, in HAND_JOINTS order. */
  rest: Pose[];
  /** URL path of the GLB under the project's static server. */
  url: string;
}

const GlbJsonSchema = z.object({
  nodes: z.array(
    z.object({
      name: z.string().optional(),
      translation: Vec3Schema.optional(),
      rotation: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
      children: z.array(z.number()).optional(),
    }),
  ),
  skins: z.array(z.object({ joints: z.array(z.number()) })).min(1),
});

const PACKAGE = '@webxr-input-profiles/assets';

/** Folder holding left.glb / right.glb. */
export function handAssetDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`${PACKAGE}/package.json`)), 'dist', 'profiles', 'generic-hand');
}

/** The JSON chunk of a GLB (binary glTF: 12-byte header, then chunks of length, type, data). */
export function glbJson(bytes: Buffer): unknown {
  if (bytes.readUInt32LE(0) !== 0x46546c67) throw new Error('not a GLB file');
  const len = bytes.readUInt32LE(12);
  if (bytes.readUInt32LE(16) !== 0x4e4f534a) throw new Error('GLB: first chunk is not JSON');
  return JSON.parse(bytes.subarray(20, 20 + len).toString('utf8'));
}

const cache = new Map<ArmName, HandModel>();

export function loadHandModel(side: ArmName): HandModel {
  const hit = cache.get(side);
  if (hit) return hit;
  const file = join(handAssetDir(), `${side}.glb`);
  const gltf = GlbJsonSchema.parse(glbJson(readFileSync(file)));
  const byName = new Map<string, Pose>();
  for (const i of gltf.skins[0].joints) {
    const n = gltf.nodes[i];
    if (!n.name) continue;
    byName.set(n.name, {
      position: (n.translation ?? [0, 0, 0]) as Vec3,
      quaternion: quatNormalize((n.rotation ?? [0, 0, 0, 1]) as Quat),
    });
  }
  const rest = HAND_JOINTS.map((name) => {
    const p = byName.get(name);
    if (!p) throw new Error(`${file}: joint ${name} missing`);
    return p;
  });
  const model: HandModel = { side, rest, url: `/node_modules/${PACKAGE}/dist/profiles/generic-hand/${side}.glb` };
  cache.set(side, model);
  return model;
}
