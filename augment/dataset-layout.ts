/**
 * The dataset's on-disk layout — a Diffusion-Policy-style replay buffer in Zarr v3: per-frame
 * arrays under `data/`, concatenated over episodes, and per-episode arrays under `meta/`, with
 * `meta/episode_ends[e]` the exclusive end frame of episode e. This table is the single source
 * for the writer, the reader and `yoto dataset info`.
 */
import { z } from 'zod';
import { ARMS, ProgramSchema, type ArmName, type Program } from '../core/program.ts';
import { SceneSchema } from '../core/scene.ts';

export type Dtype = 'float32' | 'float64' | 'int16' | 'int32' | 'int64';

/** Sizes that fix the arrays' shapes for one dataset. */
export interface LayoutSizes {
  /** Points per cloud. */
  points: number;
  /** Keyposes per arm in the program. */
  keyposes: { left: number; right: number };
  /** Task objects. */
  objects: number;
}

export interface KeySpec {
  /** Path below the dataset root, e.g. `data/point_cloud`. */
  path: string;
  dtype: Dtype;
  /** Shape of one row (one frame for data/, one episode for meta/). */
  row: (s: LayoutSizes) => number[];
  /** Names of all axes, the first being `frame` or `episode`. */
  dims: string[];
  description: string;
}

export const DATA_KEYS = [
  { path: 'data/point_cloud', dtype: 'float32', row: (s) => [s.points, 3], dims: ['frame', 'point', 'xyz'], description: 'depth-camera point cloud, world frame, metres' },
  { path: 'data/joint_pos', dtype: 'float32', row: () => [2, 6], dims: ['frame', 'arm', 'joint'], description: 'measured arm joint angles, rad (arm 0 = left, 1 = right; shoulder pan … wrist 3)' },
  { path: 'data/tcp_pose', dtype: 'float32', row: () => [2, 7], dims: ['frame', 'arm', 'pose'], description: 'measured gripper (TCP) pose in world: x, y, z (m), qx, qy, qz, qw (sign kept continuous over the episode)' },
  { path: 'data/gripper', dtype: 'float32', row: () => [2], dims: ['frame', 'arm'], description: 'measured gripper opening, 0 closed … 1 fully open' },
  { path: 'data/action_tcp_pose', dtype: 'float32', row: () => [2, 7], dims: ['frame', 'arm', 'pose'], description: 'commanded TCP pose for the next control period after this observation, world: x, y, z, qx, qy, qz, qw (same hemisphere as tcp_pose)' },
  { path: 'data/action_gripper', dtype: 'float32', row: () => [2], dims: ['frame', 'arm'], description: 'commanded gripper opening, 0 … 1' },
  { path: 'data/keypose_index', dtype: 'int16', row: () => [2], dims: ['frame', 'arm'], description: 'keypose each arm is moving to or acting at (= its keypose count once done)' },
  { path: 'data/timestamp', dtype: 'float32', row: () => [], dims: ['frame'], description: 'sim time since the episode started, s' },
] as const satisfies readonly KeySpec[];

export const META_KEYS = [
  { path: 'meta/episode_ends', dtype: 'int64', row: () => [], dims: ['episode'], description: 'exclusive end frame of each episode in data/ (episode e is frames [ends[e-1], ends[e]))' },
  { path: 'meta/keyframes_left', dtype: 'int32', row: (s) => [s.keyposes.left], dims: ['episode', 'keypose'], description: "frame (within the episode) at which the left arm reached each of its keyposes; −1 if never" },
  { path: 'meta/keyframes_right', dtype: 'int32', row: (s) => [s.keyposes.right], dims: ['episode', 'keypose'], description: 'frame (within the episode) at which the right arm reached each of its keyposes; −1 if never' },
  { path: 'meta/keyposes_left', dtype: 'float64', row: (s) => [s.keyposes.left, 8], dims: ['episode', 'keypose', 'value'], description: "the episode's transformed left keyposes: x, y, z, qx, qy, qz, qw, gripper (other fields as in the source program)" },
  { path: 'meta/keyposes_right', dtype: 'float64', row: (s) => [s.keyposes.right, 8], dims: ['episode', 'keypose', 'value'], description: "the episode's transformed right keyposes: x, y, z, qx, qy, qz, qw, gripper" },
  { path: 'meta/placement', dtype: 'float64', row: (s) => [s.objects, 4], dims: ['episode', 'object', 'value'], description: 'object placement: x, y, z (m), yaw (rad), objects in the order of the root attribute yoto.objects' },
  { path: 'meta/candidate', dtype: 'int32', row: () => [], dims: ['episode'], description: 'candidate index within the run (placement seed = candidateSeed(seed, candidate)); kept/tried = episodes / (last candidate + 1)' },
] as const satisfies readonly KeySpec[];

export type DataKey = (typeof DATA_KEYS)[number]['path'];
export type MetaKey = (typeof META_KEYS)[number]['path'];

/** Frames per chunk for a data array, so a chunk is about 1.5 MB. */
export function dataChunkFrames(rowBytes: number): number {
  return Math.max(16, Math.min(65536, 2 ** Math.floor(Math.log2(1.5e6 / Math.max(1, rowBytes)))));
}
/** Episodes per chunk of a meta array. */
export const META_CHUNK_EPISODES = 1024;

export const BYTES: Record<Dtype, number> = { float32: 4, float64: 8, int16: 2, int32: 4, int64: 8 };

export const DATASET_FORMAT = 'yoto-augment';
export const DATASET_VERSION = 1;

/** The root group's `yoto` attribute: what the dataset was made from, checked on resume. */
export const DatasetAttrsSchema = z.strictObject({
  format: z.literal(DATASET_FORMAT),
  version: z.literal(DATASET_VERSION, { error: `unsupported dataset version (this yoto reads version ${DATASET_VERSION})` }),
  task: z.string(),
  /** The source program, as demonstrated. */
  program: ProgramSchema,
  /** The demonstration's placement, which the program was made for. */
  scene: SceneSchema,
  seed: z.number().int(),
  /** Observations/actions per second of sim time; the controller runs at control_hz. */
  record_hz: z.number().positive(),
  control_hz: z.number().positive(),
  /** The depth camera's full configuration (sim DepthCameraConfig). */
  camera: z.record(z.string(), z.unknown()),
  ranges: z.record(z.string(), z.strictObject({ x: z.number(), y: z.number(), yaw: z.number() })),
  arms: z.tuple([z.literal('left'), z.literal('right')]),
  objects: z.array(z.string()),
  points: z.number().int().positive(),
});
export type DatasetAttrs = z.infer<typeof DatasetAttrsSchema>;

export function layoutSizes(a: DatasetAttrs): LayoutSizes {
  return { points: a.points, keyposes: { left: a.program.arms.left.length, right: a.program.arms.right.length }, objects: a.objects.length };
}

/**
 * Episode e's program from `meta/keyposes_left` / `_right` rows (episodes × K × 8: x, y, z, qx,
 * qy, qz, qw, gripper) put into the source program's structure.
 */
export function episodeProgram(template: Program, rows: Record<ArmName, ArrayLike<number>>, e = 0): Program {
  const arms = {} as Program['arms'];
  for (const a of ARMS) {
    const n = template.arms[a].length;
    arms[a] = template.arms[a].map((k, i) => {
      const o = (e * n + i) * 8;
      const r = rows[a];
      return { ...k, position: [r[o], r[o + 1], r[o + 2]], quaternion: [r[o + 3], r[o + 4], r[o + 5], r[o + 6]], gripper: r[o + 7] };
    });
  }
  return { ...template, arms };
}
