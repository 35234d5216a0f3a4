import { z } from 'zod';
import { Vec3Schema } from './program.ts';

/**
 * hands.json: both hands' 3-D landmarks over time, written by `yoto hands` (stereo video →
 * tracks) and read by `yoto program` (tracks → keypose program).
 */
export const HANDS_VERSION = 1;

/** MediaPipe's 21 hand landmarks, in order. */
export const LANDMARKS = [
  'wrist',
  'thumb_cmc', 'thumb_mcp', 'thumb_ip', 'thumb_tip',
  'index_mcp', 'index_pip', 'index_dip', 'index_tip',
  'middle_mcp', 'middle_pip', 'middle_dip', 'middle_tip',
  'ring_mcp', 'ring_pip', 'ring_dip', 'ring_tip',
  'pinky_mcp', 'pinky_pip', 'pinky_dip', 'pinky_tip',
] as const;
export const LM = Object.fromEntries(LANDMARKS.map((n, i) => [n, i])) as Record<(typeof LANDMARKS)[number], number>;

export const HAND_SIDES = ['left', 'right'] as const;
export type HandSide = (typeof HAND_SIDES)[number];

const Point2 = z.tuple([z.number(), z.number()]);

export const ViewLandmarksSchema = z.strictObject({
  /** 21 landmarks in pixels of that view's (distorted) image. */
  landmarks: z.array(Point2).length(21),
  /** Detector's hand presence / handedness score. */
  score: z.number(),
});
export type ViewLandmarks = z.infer<typeof ViewLandmarksSchema>;

export const HandFrameSchema = z.strictObject({
  /** 21 points [x, y, z] in metres, world frame; null when the hand could not be triangulated. */
  world: z.array(Vec3Schema).length(21).nullable(),
  views: z.strictObject({ left: ViewLandmarksSchema.nullable(), right: ViewLandmarksSchema.nullable() }),
  /** Mean reprojection error over the triangulated landmarks, pixels. */
  reprojection_error: z.number().nullable(),
  /** True when `world` was filled in by gap interpolation rather than measured. */
  interpolated: z.boolean().optional(),
});
export type HandFrame = z.infer<typeof HandFrameSchema>;

export const HandsSchema = z.strictObject({
  version: z.literal(HANDS_VERSION, { error: `unsupported hands file version (this yoto reads version ${HANDS_VERSION})` }),
  frame: z.literal('world').default('world'),
  fps: z.number().positive(),
  frames: z.array(
    z.strictObject({
      t: z.number(),
      left: HandFrameSchema.nullable(),
      right: HandFrameSchema.nullable(),
    }),
  ),
  /** Frame ranges [first, last] where a hand was missing for longer than the gap filler bridges. */
  gaps: z.array(z.strictObject({ hand: z.enum(HAND_SIDES), from: z.number().int(), to: z.number().int() })).default([]),
  source: z.record(z.string(), z.string()).optional(),
});
export type Hands = z.infer<typeof HandsSchema>;
