import { z } from 'zod';

/**
 * The keypose program: the contract between perception (which extracts it from video), augment
 * (which re-targets it to new placements), sim (which executes it) and policy (which predicts it).
 */
export const PROGRAM_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
export const Vec3Schema = z.tuple([finite, finite, finite]);
export const QuatSchema = z
  .tuple([finite, finite, finite, finite])
  .refine((q) => Math.abs(Math.hypot(...q) - 1) < 1e-3, 'quaternion [x,y,z,w] must have unit norm');

export const ARMS = ['left', 'right'] as const;
export type ArmName = (typeof ARMS)[number];

export const KeyposeSchema = z.strictObject({
  /** Optional human-readable label ("pregrasp", "lift"...). */
  name: z.string().optional(),
  /** Gripper (TCP) position in the `world` frame, metres. */
  position: Vec3Schema,
  /** Gripper orientation [x, y, z, w] in the `world` frame; the TCP's z axis is the approach direction. */
  quaternion: QuatSchema,
  /** Commanded opening once the pose is reached: 1 = fully open, 0 = closed. */
  gripper: z.number().min(0).max(1),
  /** Name of the task object this keypose acts on (it moves with that object under augmentation). */
  object: z.string().optional(),
  /** Sync label: each arm waits at its keypose with this label until the other arm reaches its own. */
  sync: z.string().optional(),
  /** Speed limit for the motion into this keypose, m/s (default from the executor). */
  speed: z.number().positive().max(2).optional(),
  /** Extra dwell time after reaching this keypose, seconds. */
  hold: z.number().min(0).max(30).optional(),
});
export type Keypose = z.infer<typeof KeyposeSchema>;

export const ProgramSchema = z
  .strictObject({
    version: z.literal(PROGRAM_VERSION, { error: `unsupported program version (this yoto reads version ${PROGRAM_VERSION})` }),
    task: z.string().optional(),
    frame: z.literal('world').default('world'),
    arms: z.strictObject({
      left: z.array(KeyposeSchema),
      right: z.array(KeyposeSchema),
    }),
  })
  .superRefine((p, ctx) => {
    // Sync labels must appear once per arm and in the same order, otherwise the arms deadlock.
    const labels = (arm: ArmName) => p.arms[arm].flatMap((k) => (k.sync ? [k.sync] : []));
    const l = labels('left');
    const r = labels('right');
    for (const arm of ARMS) {
      const ls = labels(arm);
      if (new Set(ls).size !== ls.length)
        ctx.addIssue({ code: 'custom', path: ['arms', arm], message: 'a sync label appears twice in one arm' });
    }
    if (l.join('\u0000') !== r.join('\u0000'))
      ctx.addIssue({
        code: 'custom',
        path: ['arms'],
        message: `sync labels differ between arms (left: [${l.join(', ')}], right: [${r.join(', ')}]); each label must appear once in each arm, in the same order`,
      });
  });
export type Program = z.infer<typeof ProgramSchema>;
