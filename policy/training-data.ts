/**
 * A dataset from `yoto augment` as training pairs for BiDP: every recorded frame is an
 * observation, and its target is its episode's program (the YOTO action) from the keyposes the
 * arms are at on: at the first frame the whole program, later on what is left of it, which is
 * what the closed loop re-plans (keyposes already passed are zero in the normalized target; an
 * object already moved no longer shows where they were). Normalizers are fitted here and travel
 * with the policy. With the chunk action (action-chunk.ts) every frame's target is instead its
 * next `horizon` commanded poses, and the proprio's keypose columns are 0: a chunk policy has no
 * program whose keyposes it could count.
 */
import { episodeProgram, readDatasetArrays } from '../augment/index.ts';
import type { DatasetAttrs } from '../augment/dataset-layout.ts';
import type { Quat } from '../core/geometry.ts';
import type { Program } from '../core/program.ts';
import { YotoError } from '../core/errors.ts';
import { actionDim, encodeProgram } from './action-codec.ts';
import { chunkDim, chunkTargets } from './action-chunk.ts';
import { DEFAULT_CHUNK, type ChunkSpec } from './config.ts';
import { Normalizer } from './normalizer.ts';
import { PROPRIO_DIM, proprioRow } from './observation.ts';

export interface TrainingData {
  dir: string;
  attrs: DatasetAttrs;
  /** The structure every predicted program fills in. */
  template: Program;
  episodes: number;
  frames: number;
  /** Points per recorded cloud. */
  cloudPoints: number;
  /** frames × cloudPoints × 3, world frame, raw. */
  clouds: Float32Array;
  /** frames × PROPRIO_DIM, raw. */
  proprio: Float32Array;
  /** 'program': one target per episode; 'chunk': one per frame. */
  action: 'program' | 'chunk';
  chunk?: ChunkSpec;
  /** (episodes for 'program', frames for 'chunk') × actionDim, raw. */
  actions: Float32Array;
  /** Episode of each frame. */
  episodeOf: Int32Array;
  /** frames × 2 (left, right): the keypose each arm is moving to or acting at. */
  keyposeIndex: Int16Array;
  actionDim: number;
  norm: { points: Normalizer; proprio: Normalizer; action: Normalizer };
}

export interface TrainingDataOptions {
  action?: 'program' | 'chunk';
  /** Chunk steps predicted and executed (default 16 and 8). */
  horizon?: number;
  execute?: number;
}

export async function loadTrainingData(dir: string, o: TrainingDataOptions = {}): Promise<TrainingData> {
  const kind = o.action ?? 'program';
  const ds = await readDatasetArrays(dir, [
    ...(kind === 'chunk' ? (['data/action_tcp_pose', 'data/action_gripper'] as const) : []),
    'data/point_cloud',
    'data/tcp_pose',
    'data/gripper',
    'data/keypose_index',
    'data/joint_pos',
    'meta/keyposes_left',
    'meta/keyposes_right',
  ]);
  const E = ds.episodeEnds.length;
  if (E === 0) throw new YotoError('the dataset has no episodes (run `yoto augment` first)', dir);
  const F = ds.episodeEnds[E - 1];
  const template = ds.attrs.program;
  let chunk: ChunkSpec | undefined;
  if (kind === 'chunk') {
    chunk = { horizon: o.horizon ?? DEFAULT_CHUNK.horizon, execute: o.execute ?? DEFAULT_CHUNK.execute, hz: ds.attrs.record_hz };
    if (chunk.execute > chunk.horizon) throw new YotoError(`cannot execute ${chunk.execute} steps of a ${chunk.horizon}-step chunk`, '--execute');
  }
  const A = chunk ? chunkDim(chunk.horizon) : actionDim(template);
  const P = ds.attrs.points;

  const cloud = ds.get('data/point_cloud').data;
  const clouds = cloud instanceof Float32Array ? cloud : Float32Array.from(cloud);
  const tcp = ds.get('data/tcp_pose').data;
  const grip = ds.get('data/gripper').data;
  const kidx = ds.get('data/keypose_index').data;
  const joints = ds.get('data/joint_pos').data;
  const proprio = new Float32Array(F * PROPRIO_DIM);
  for (let f = 0; f < F; f++) {
    const arm = (j: number) => ({
      position: [tcp[f * 14 + j * 7], tcp[f * 14 + j * 7 + 1], tcp[f * 14 + j * 7 + 2]],
      quaternion: [tcp[f * 14 + j * 7 + 3], tcp[f * 14 + j * 7 + 4], tcp[f * 14 + j * 7 + 5], tcp[f * 14 + j * 7 + 6]] as Quat,
      gripper: grip[f * 2 + j],
      keypose: chunk ? 0 : kidx[f * 2 + j],
      joints: Array.from({ length: 6 }, (_, i) => joints[f * 12 + j * 6 + i]),
    });
    proprioRow({ left: arm(0), right: arm(1) }, proprio, f * PROPRIO_DIM);
  }

  const actions = chunk ? chunkTargets(ds.get('data/action_tcp_pose').data, ds.get('data/action_gripper').data, ds.episodeEnds, chunk.horizon) : programTargets(ds.get('meta/keyposes_left').data, ds.get('meta/keyposes_right').data, template, E);
  const keyposeIndex = Int16Array.from({ length: F * 2 }, (_, i) => Number(kidx[i]));
  const episodeOf = new Int32Array(F);
  for (let e = 0, f = 0; e < E; e++) for (; f < ds.episodeEnds[e]; f++) episodeOf[f] = e;

  return {
    dir,
    attrs: ds.attrs,
    template,
    episodes: E,
    frames: F,
    cloudPoints: P,
    clouds,
    proprio,
    action: kind,
    chunk,
    actions,
    episodeOf,
    keyposeIndex,
    actionDim: A,
    norm: {
      points: Normalizer.fit(clouds, 3),
      proprio: Normalizer.fit(proprio, PROPRIO_DIM),
      // A little margin: placements slightly outside the training range stay inside [−1, 1],
      // where DDIM's x₀ clipping would otherwise cut them.
      action: Normalizer.fit(actions, A, 0.1),
    },
  };
}

/** Each episode's program, encoded (action-codec.ts): episodes × actionDim. */
function programTargets(kl: ArrayLike<number>, kr: ArrayLike<number>, template: Program, E: number): Float32Array {
  const A = actionDim(template);
  const actions = new Float32Array(E * A);
  for (let e = 0; e < E; e++) encodeProgram(episodeProgram(template, { left: kl, right: kr }, e), actions, e * A);
  return actions;
}
