/**
 * A synthetic stereo demonstration: the task's program runs in the simulator; two human hands
 * follow the grippers (a fixed hand-to-gripper offset, fingers from the gripper opening) among the
 * objects as they move, without the robot arms, seen by a calibrated stereo rig. Writes
 * left.webm, right.webm, calib.yaml, scene.json and truth.json (see truth.ts).
 */
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic.ts';
import { YotoError } from '../core/errors.ts';
import type { Pose, Vec3 } from '../core/geometry.ts';
import { dot, normalize, quatRotate } from '../core/geometry.ts';
import { LANDMARKS } from '../core/hands.ts';
import { ARMS, type ArmName, type Program } from '../core/program.ts';
import type { Scene } from '../core/scene.ts';
import { quantile } from '../core/stats.ts';
import { encodePng } from '../sim/render/png.ts';
import { flipRows } from '../sim/render/scene-renderer.ts';
import { VideoEncoder } from '../core/video-encoder.ts';
import type { Task } from '../sim/tasks/task.ts';
import { World } from '../sim/world.ts';
import { writeRigCalibration } from './calibration.ts';
import { LANDMARK_JOINTS, landmarksFromJoints } from './hand-landmarks.ts';
import { forearmPose, handJointsWorld } from './hand-pose.ts';
import { Occluder, sceneWithoutArms } from './person-view.ts';
import { recordDemonstration, replayKinematics, type Recording } from './record.ts';
import { DEFAULT_RIG, StereoRig, VIEWS, type StereoRigSpec, type View } from './stereo-rig.ts';
import { SynthRenderer, type SynthFrame, type SynthLook } from './synth-renderer.ts';
import type { RenderScene } from '../sim/render/render-scene.ts';
import { TRUTH_VERSION, TruthSchema, type FrameTruth, type HandTruth, type KeyposeTiming, type Truth } from './truth.ts';

export interface SynthOptions {
  task: Task;
  scene: Scene;
  program: Program;
  outDir: string;
  rig?: Partial<StereoRigSpec>;
  /** Image quality and the hands' colours. */
  look?: SynthLook;
  /** Record at most this many frames (default: the whole episode). */
  maxFrames?: number;
  /** VP9 quality (CRF, lower is better; default 24). */
  crf?: number;
  /** Also write a side-by-side PNG (left | right) of this frame index, or the middle one (default: none). */
  previewFrame?: number | 'middle';
  previewPath?: string;
  programSource?: string;
  onStage?: (stage: string) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface SynthResult {
  outDir: string;
  frames: number;
  fps: number;
  seconds: number;
  /** The episode's outcome; null when the recording was cut short (maxFrames). */
  success: boolean | null;
  files: { left: string; right: string; calib: string; scene: string; truth: string; preview?: string };
  /** Share of landmarks (over frames and both hands) visible, per view. */
  visibleShare: Record<View, number>;
  /** Median image size of each hand (largest side of its landmarks' bounding box, px), over both views. */
  handPixels: Record<ArmName, number>;
}

/** Thumb-to-index direction (the TCP's x) each hand would naturally take, seen from the person at −x. */
const NATURAL_X: Record<ArmName, Vec3> = { left: normalize([1, 0.5, 0]), right: normalize([1, -0.5, 0]) };

/**
 * A parallel gripper is the same after a half turn about its approach axis, a hand is not. Pick
 * once per arm the side that keeps the thumb towards the person and the body's midline.
 */
export function chooseFlip(rec: Recording, arm: ArmName): boolean {
  let score = 0;
  for (const f of rec.frames) score += dot(quatRotate(f.tcp[arm].quaternion, [1, 0, 0]), NATURAL_X[arm]);
  return score < 0;
}

function keyposeTimings(program: Program, rec: Recording, arm: ArmName): KeyposeTiming[] {
  const starts = rec.starts[arm];
  return program.arms[arm].map((k, i) => ({
    index: i,
    ...(k.name ? { name: k.name } : {}),
    gripper: k.gripper,
    start: i < starts.length ? round(starts[i], 4) : null,
    end: i + 1 < starts.length ? round(starts[i + 1], 4) : null,
  }));
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits)) + 0;
const r3 = (p: readonly number[], d = 5): [number, number, number] => [round(p[0], d), round(p[1], d), round(p[2], d)];
const roundPose = (p: Pose): { position: [number, number, number]; quaternion: [number, number, number, number] } => ({
  position: r3(p.position),
  quaternion: [round(p.quaternion[0], 6), round(p.quaternion[1], 6), round(p.quaternion[2], 6), round(p.quaternion[3], 6)],
});

/** A demonstration ready to render: what to draw per frame and its ground truth. */
export interface Demonstration {
  rig: StereoRig;
  /** The drawn scene: the workcell without the arms. */
  scene: RenderScene;
  frames: SynthFrame[];
  truth: Truth;
}

/** Simulate the program and pose the hands: everything but the images. */
export async function buildDemonstration(o: Omit<SynthOptions, 'outDir' | 'crf' | 'previewFrame' | 'previewPath' | 'onProgress' | 'look'>): Promise<Demonstration> {
  const rig = new StereoRig({ ...DEFAULT_RIG, ...o.rig });
  const fps = rig.spec.fps;
  const world = await World.create(o.task, o.scene);
  const frames: SynthFrame[] = [];
  const truthFrames: FrameTruth[] = [];
  let rec: Recording;
  let flip: Record<ArmName, boolean>;
  let scene: RenderScene;
  try {
    o.onStage?.('simulating');
    rec = await recordDemonstration(world, o.task, o.scene, o.program, { fps, maxFrames: o.maxFrames, programSource: o.programSource });
    flip = { left: chooseFlip(rec, 'left'), right: chooseFlip(rec, 'right') };
    scene = sceneWithoutArms(world);
    const occluder = new Occluder(world, scene);
    const eyes: Record<View, Vec3> = { left: rig.camToWorld.left.position, right: rig.camToWorld.right.position };
    o.onStage?.('posing hands');
    rec.frames.forEach((f, i) => {
      replayKinematics(world, f);
      const joints = { left: handJointsWorld('left', f.tcp.left, f.opening.left, flip.left), right: handJointsWorld('right', f.tcp.right, f.opening.right, flip.right) };
      const drawing = (a: ArmName) => ({ joints: joints[a], forearm: forearmPose(a, joints[a]) });
      frames.push({ poses: f.poses, hands: [drawing('left'), drawing('right')] });
      const hand = (a: ArmName): HandTruth => {
        const world3 = landmarksFromJoints(joints[a]);
        const pixels = { left: [] as ([number, number] | null)[], right: [] as ([number, number] | null)[] };
        const visible = { left: [] as boolean[], right: [] as boolean[] };
        for (const v of VIEWS) {
          for (const p of world3) {
            const uv = rig.project(v, p);
            pixels[v].push(uv ? [round(uv[0], 3), round(uv[1], 3)] : null);
            visible[v].push(rig.inImage(uv) && !occluder.occluded(eyes[v], p));
          }
        }
        return {
          world: world3.map((p) => r3(p)),
          pixels,
          visible,
          tcp: roundPose(f.tcp[a]),
          gripper: round(Math.min(1.05, Math.max(0, f.opening[a])), 4),
          gripper_cmd: f.gripperCmd[a],
          keypose: f.progress[a],
        };
      };
      const objects = Object.fromEntries(Object.entries(f.objects).map(([k, p]) => [k, roundPose(p)]));
      truthFrames.push({ t: round(i / fps, 6), sim_t: round(f.t, 4), left: hand('left'), right: hand('right'), objects });
    });
  } finally {
    world.dispose();
  }

  const truth: Truth = TruthSchema.parse({
    version: TRUTH_VERSION,
    task: o.task.name,
    ...(o.scene.seed !== undefined ? { seed: o.scene.seed } : {}),
    frame: 'world',
    fps,
    width: rig.spec.width,
    height: rig.spec.height,
    landmarks: [...LANDMARKS],
    landmark_joints: [...LANDMARK_JOINTS],
    hand_flip: flip,
    success: rec.episode ? rec.episode.success : null,
    keyposes: { left: keyposeTimings(o.program, rec, 'left'), right: keyposeTimings(o.program, rec, 'right') },
    frames: truthFrames,
  });

  return { rig, scene, frames, truth };
}

export async function synthesize(o: SynthOptions): Promise<SynthResult> {
  const { rig, scene, frames, truth } = await buildDemonstration(o);
  const fps = rig.spec.fps;
  o.onStage?.(`rendering ${frames.length} stereo frames`);
  const files = {
    left: join(o.outDir, 'left.webm'),
    right: join(o.outDir, 'right.webm'),
    calib: join(o.outDir, 'calib.yaml'),
    scene: join(o.outDir, 'scene.json'),
    truth: join(o.outDir, 'truth.json'),
  };
  // Videos are encoded under temporary names and renamed when complete.
  const partial = { left: join(o.outDir, '.left.partial.webm'), right: join(o.outDir, '.right.partial.webm') };
  const { width, height } = rig.spec;
  const encoders = VIEWS.map((v) => VideoEncoder.start(partial[v], { width, height, fps, bottomUp: true, crf: o.crf ?? 24 }));
  const renderer = await SynthRenderer.launch(scene, { width, height }, o.look);
  let preview: string | undefined;
  try {
    const cameras = VIEWS.map((v) => rig.renderCamera(v));
    const still: Buffer[] = [];
    const previewAt = o.previewFrame === 'middle' ? Math.floor(frames.length / 2) : o.previewFrame;
    if (previewAt !== undefined && (previewAt < 0 || previewAt >= frames.length)) throw new YotoError(`preview frame ${previewAt} is outside 0…${frames.length - 1}`, 'preview');
    o.onProgress?.(0, frames.length);
    await renderer.renderEach(frames, cameras, async (px, frame, cam) => {
      if (frame === previewAt) still[cam] = Buffer.from(px);
      await encoders[cam].write(px);
      if (cam === cameras.length - 1) o.onProgress?.(frame + 1, frames.length);
    });
    await Promise.all(encoders.map((e) => e.finish()));
    for (const v of VIEWS) renameSync(partial[v], files[v]);
    if (previewAt !== undefined && still.length === 2) {
      preview = o.previewPath ?? join(o.outDir, 'preview.png');
      writeFileAtomic(preview, encodePng(sideBySide(still[0], still[1], width, height)));
    }
  } catch (e) {
    for (const enc of encoders) enc.abort();
    for (const v of VIEWS) rmSync(partial[v], { force: true });
    throw e;
  } finally {
    await renderer.close();
  }

  writeRigCalibration(files.calib, rig);
  writeJsonAtomic(files.scene, o.scene);
  writeFileAtomic(files.truth, JSON.stringify(truth) + '\n');

  const visibleShare = Object.fromEntries(
    VIEWS.map((v) => [v, truth.frames.reduce((n, f) => n + ARMS.reduce((m, a) => m + f[a].visible[v].filter(Boolean).length, 0), 0) / Math.max(1, 42 * truth.frames.length)]),
  ) as Record<View, number>;
  const handPixels = Object.fromEntries(
    ARMS.map((a) => [
      a,
      // The upper middle of an even count (quantile's nearest rank); 0 without frames.
      quantile(
        truth.frames.flatMap((f) =>
          VIEWS.map((v) => {
            const px = f[a].pixels[v].filter((p) => p !== null);
            if (px.length === 0) return 0;
            const us = px.map((p) => p[0]);
            const vs = px.map((p) => p[1]);
            return Math.max(Math.max(...us) - Math.min(...us), Math.max(...vs) - Math.min(...vs));
          }),
        ),
        0.5,
      ) || 0,
    ]),
  ) as Record<ArmName, number>;
  return {
    outDir: o.outDir,
    frames: frames.length,
    fps,
    seconds: frames.length / fps,
    success: truth.success,
    files: { ...files, ...(preview ? { preview } : {}) },
    visibleShare,
    handPixels,
  };
}

/** Two bottom-up RGBA images side by side, top row first. */
function sideBySide(a: Uint8Array, b: Uint8Array, width: number, height: number): { width: number; height: number; data: Uint8Array } {
  const fa = flipRows(a, width, height);
  const fb = flipRows(b, width, height);
  const gap = 8;
  const W = 2 * width + gap;
  const data = new Uint8Array(W * height * 4).fill(255);
  for (let y = 0; y < height; y++) {
    data.set(fa.subarray(y * width * 4, (y + 1) * width * 4), y * W * 4);
    data.set(fb.subarray(y * width * 4, (y + 1) * width * 4), (y * W + width + gap) * 4);
  }
  return { width: W, height, data };
}

/** Both views of one frame of a demonstration side by side (left | right), e.g. for docs. */
export async function renderStereoStill(demo: Demonstration, frame: number, look?: SynthLook): Promise<{ width: number; height: number; data: Uint8Array }> {
  if (!(frame >= 0 && frame < demo.frames.length)) throw new YotoError(`frame ${frame} is outside 0…${demo.frames.length - 1}`, 'still');
  const { width, height } = demo.rig.spec;
  const renderer = await SynthRenderer.launch(demo.scene, { width, height }, look);
  try {
    const images: Buffer[] = [];
    await renderer.renderEach([demo.frames[frame]], VIEWS.map((v) => demo.rig.renderCamera(v)), (px, _f, cam) => {
      images[cam] = Buffer.from(px);
    });
    return sideBySide(images[0], images[1], width, height);
  } finally {
    await renderer.close();
  }
}
