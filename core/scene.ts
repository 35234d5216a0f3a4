import { z } from 'zod';
import { Vec3Schema } from './program.ts';

/**
 * An object placement for a task: where each of the task's objects starts. Written by
 * `yoto synth` (scene.json) and augmentation; read by `yoto sim run --scene`.
 */
export const SCENE_VERSION = 1;

export const ObjectPlacementSchema = z.strictObject({
  /** Object origin in the `world` frame, metres. */
  position: Vec3Schema,
  /** Rotation about world z, radians. */
  yaw: z.number().refine(Number.isFinite, 'must be a finite number'),
});
export type ObjectPlacement = z.infer<typeof ObjectPlacementSchema>;

export const SceneSchema = z.strictObject({
  version: z.literal(SCENE_VERSION, { error: `unsupported scene version (this yoto reads version ${SCENE_VERSION})` }),
  task: z.string(),
  /** The placement seed this scene came from, if sampled. */
  seed: z.number().int().optional(),
  frame: z.literal('world').default('world'),
  objects: z.record(z.string(), ObjectPlacementSchema),
});
export type Scene = z.infer<typeof SceneSchema>;
