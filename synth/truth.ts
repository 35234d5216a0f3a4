/**
 * truth.json: the ground truth of a synthetic stereo demonstration (`yoto synth`), for measuring
 * hand tracking and program extraction against.
 *
 * Per video frame: its time, both hands' 21 MediaPipe landmarks in the world frame (metres) with
 * their pixels and visibility in each view, the gripper each hand follows, and the objects' poses.
 * Plus the program's keypose timeline per arm. Frame i of left.webm / right.webm is frames[i].
 */
import { z } from 'zod';
import { Vec3Schema } from '../core/program.ts';

export const TRUTH_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const Quat = z.tuple([finite, finite, finite, finite]);
const Pixel = z.tuple([finite, finite]);
const PoseSchema = z.strictObject({ position: Vec3Schema, quaternion: Quat });

export const HandTruthSchema = z.strictObject({
  /** 21 landmarks [x, y, z], world frame, metres, MediaPipe order (see `landmarks`). */
  world: z.array(Vec3Schema).length(21),
  /**
   * Pixel [u, v] of each landmark per view (pixel centres at integers; may lie outside the image),
   * null when behind the camera.
   */
  pixels: z.strictObject({ left: z.array(Pixel.nullable()).length(21), right: z.array(Pixel.nullable()).length(21) }),
  /**
   * Per view: the landmark projects inside the image, in front of the camera, and no drawn scene
   * geometry (table, objects, fixtures) lies between it and the camera. Occlusion by the hand's
   * own skin, the other hand or the forearms is not counted.
   */
  visible: z.strictObject({ left: z.array(z.boolean()).length(21), right: z.array(z.boolean()).length(21) }),
  /** The gripper this hand follows: TCP pose (world) and measured opening (1 open … 0 closed). */
  tcp: PoseSchema,
  gripper: z.number().min(0).max(1.05),
  /** Commanded gripper at this time (1 open … 0 closed). */
  gripper_cmd: z.number().min(0).max(1),
  /** Index of the keypose this arm is moving to or at (length of the arm's program when done). */
  keypose: z.number().int(),
});
export type HandTruth = z.infer<typeof HandTruthSchema>;

export const FrameTruthSchema = z.strictObject({
  /** Frame timestamp in seconds: index / fps. */
  t: finite,
  /** Simulation time of the sample drawn (the first control step at or after t). */
  sim_t: finite,
  left: HandTruthSchema,
  right: HandTruthSchema,
  /** Task objects' body poses, world frame. */
  objects: z.record(z.string(), PoseSchema),
});
export type FrameTruth = z.infer<typeof FrameTruthSchema>;

export const KeyposeTimingSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  name: z.string().optional(),
  /** Commanded gripper once reached. */
  gripper: z.number().min(0).max(1),
  /** Time the arm started moving to this keypose, s (null: never, e.g. the recording was cut). */
  start: finite.nullable(),
  /** Time the arm moved on from it (reached, gripped, held and synced), s; null if not seen. */
  end: finite.nullable(),
});
export type KeyposeTiming = z.infer<typeof KeyposeTimingSchema>;

export const TruthSchema = z.strictObject({
  version: z.literal(TRUTH_VERSION, { error: `unsupported truth.json version (this yoto reads version ${TRUTH_VERSION})` }),
  task: z.string(),
  seed: z.number().int().optional(),
  frame: z.literal('world'),
  fps: finite,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** MediaPipe landmark names, in order. */
  landmarks: z.array(z.string()).length(21),
  /** The WebXR mesh joint each landmark is taken from. */
  landmark_joints: z.array(z.string()).length(21),
  /** Whether the hand mesh follows its TCP half-turned about the approach axis (thumb side choice). */
  hand_flip: z.strictObject({ left: z.boolean(), right: z.boolean() }),
  /** Did the simulated episode succeed? null when the recording was cut before the episode ended. */
  success: z.boolean().nullable(),
  keyposes: z.strictObject({ left: z.array(KeyposeTimingSchema), right: z.array(KeyposeTimingSchema) }),
  frames: z.array(FrameTruthSchema),
});
export type Truth = z.infer<typeof TruthSchema>;


