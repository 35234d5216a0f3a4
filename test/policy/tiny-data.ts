/**
 * A made-up training set small enough to overfit in seconds: each episode's cloud is a blob of
 * points at its own place, and its program (one keypose per arm) sits at that place — so the
 * action is a function of the observation, as in the real task.
 */
import { Rng } from '../../core/rng.ts';
import { SCENE_VERSION } from '../../core/scene.ts';
import type { Program } from '../../core/program.ts';
import { actionDim, encodeProgram, Normalizer, PROPRIO_DIM, type TrainingData } from '../../policy/index.ts';
import type { DatasetAttrs } from '../../augment/dataset-layout.ts';

export const TINY_MODEL = { pointWidths: [16, 32], obsFeature: 16, proprioFeature: 8, tembDim: 16, hidden: 32, blocks: 1, groups: 4 };

const template: Program = {
  version: 1,
  frame: 'world',
  arms: {
    left: [{ name: 'grasp', position: [0, 0.2, 0.1], quaternion: [1, 0, 0, 0], gripper: 0, object: 'box' }],
    right: [{ name: 'grasp', position: [0, -0.2, 0.1], quaternion: [1, 0, 0, 0], gripper: 0, object: 'box' }],
  },
};

export function tinyData(episodes = 4, framesPer = 6, cloudPoints = 32, seed = 1): TrainingData {
  const rng = new Rng(seed);
  const A = actionDim(template);
  const F = episodes * framesPer;
  const clouds = new Float32Array(F * cloudPoints * 3);
  const proprio = new Float32Array(F * PROPRIO_DIM);
  const actions = new Float32Array(episodes * A);
  const episodeOf = new Int32Array(F);
  for (let e = 0; e < episodes; e++) {
    const cx = -0.2 + (0.4 * e) / Math.max(1, episodes - 1);
    const p: Program = {
      ...template,
      arms: {
        left: [{ ...template.arms.left[0], position: [cx, 0.2, 0.1] }],
        right: [{ ...template.arms.right[0], position: [cx, -0.2, 0.1] }],
      },
    };
    encodeProgram(p, actions, e * A);
    for (let k = 0; k < framesPer; k++) {
      const f = e * framesPer + k;
      episodeOf[f] = e;
      for (let i = 0; i < cloudPoints; i++) {
        clouds.set([cx + rng.uniform(-0.03, 0.03), rng.uniform(-0.3, 0.3), rng.uniform(0, 0.1)], (f * cloudPoints + i) * 3);
      }
      for (let j = 0; j < PROPRIO_DIM; j++) proprio[f * PROPRIO_DIM + j] = rng.uniform(-1, 1);
    }
  }
  const attrs = {
    format: 'yoto-augment',
    version: 1,
    task: 'lift-bar',
    program: template,
    scene: { version: SCENE_VERSION, task: 'lift-bar', frame: 'world', objects: { bar: { position: [0, 0, 0.02], yaw: 0 } } },
    seed: 0,
    record_hz: 10,
    control_hz: 100,
    camera: {},
    ranges: { bar: { x: 0.05, y: 0.05, yaw: 0.2 } },
    arms: ['left', 'right'],
    objects: ['bar'],
    points: cloudPoints,
  } as DatasetAttrs;
  return {
    dir: 'tiny',
    attrs,
    template,
    episodes,
    frames: F,
    cloudPoints,
    clouds,
    proprio,
    action: 'program',
    actions,
    episodeOf,
    keyposeIndex: new Int16Array(F * 2),
    actionDim: A,
    norm: { points: Normalizer.fit(clouds, 3), proprio: Normalizer.fit(proprio, PROPRIO_DIM), action: Normalizer.fit(actions, A, 0.1) },
  };
}
