/**
 * Per-view hand detections over a video → both hands' 3-D tracks (the geometric half of
 * `yoto hands`, separate from MediaPipe so it can be run and tested on stored detections):
 * pair detections across views, give them identities, estimate each hand's landmarks in 3-D
 * (fused with MediaPipe's hand shape by default, else per-landmark triangulation), correct the
 * landmark convention offsets (optional table), reject spikes, fill short gaps, smooth.
 */
import { applyTransform, type Vec3 } from '../../core/geometry.ts';
import { HAND_SIDES, type HandFrame, type Hands, type HandSide } from '../../core/hands.ts';
import type { StereoCamera } from '../stereo-camera.ts';
import { triangulateLandmarks } from '../triangulate.ts';
import { rejectLandmarkSpikes, fillLandmarkGaps } from '../gaps.ts';
import { smoothLandmarkTrack } from '../smoothing.ts';
import { assignIdentities, pairViews, type AssignedFrame, type Detection, type StereoHand } from './assign-hands.ts';
import { fuseHandWithShape, type ShapeFusionOptions } from './shape-fusion.ts';
import { applyLandmarkOffsets, type LandmarkOffsets } from './landmark-offsets.ts';

export interface StereoDetections {
  /** Pair time, seconds. */
  t: number;
  left: Detection[];
  right: Detection[];
}

export interface BuildTracksOptions {
  /** Longest gap (frames) filled by interpolation. Default 5. */
  maxGapFrames?: number;
  /**
   * Fuse the stereo landmarks with MediaPipe's hand shape (shape-fusion.ts) where the detections
   * carry it; false triangulates each landmark on its own. Default: on, default parameters.
   */
  fusion?: Partial<ShapeFusionOptions> | false;
  /** Per-landmark offsets from MediaPipe's landmarks to the wanted points (landmark-offsets.ts); null: none. */
  offsets?: LandmarkOffsets | null;
}

export interface HandTracks {
  assigned: AssignedFrame[];
  frames: Hands['frames'];
  gaps: Hands['gaps'];
  found: Record<HandSide, number>;
  meanReprojectionPx: number;
}

/** Landmarks of one stereo hand in the world frame, one entry per landmark (null: no estimate). */
export function estimateHand(stereo: StereoCamera, s: StereoHand, hand: HandSide, o: BuildTracksOptions = {}): (Vec3 | null)[] {
  let world: (Vec3 | null)[];
  if (o.fusion !== false && (s.left.shape || s.right.shape)) {
    const f = fuseHandWithShape(stereo, s.left.landmarks, s.right.landmarks, { left: s.left.shape ?? null, right: s.right.shape ?? null }, o.fusion ?? {});
    world = f.camLeft.map((p) => (p ? applyTransform(stereo.worldFromLeft, p) : null));
  } else world = triangulateLandmarks(stereo, s.left.landmarks, s.right.landmarks).world;
  return o.offsets ? applyLandmarkOffsets(world, o.offsets, hand, stereo.worldFromLeft.R) : world;
}

export function buildHandTracks(stereo: StereoCamera, detections: readonly StereoDetections[], o: BuildTracksOptions = {}): HandTracks {
  const times = detections.map((d) => d.t);
  const tri = (l: Detection, r: Detection) => {
    const t = triangulateLandmarks(stereo, l.landmarks, r.landmarks);
    if (!t.ok) return null;
    // Identity decisions use the wrist; fall back to the centroid when it was rejected.
    const valid = t.world.filter((w): w is Vec3 => w !== null);
    const c: Vec3 = valid.reduce((s, w) => [s[0] + w[0] / valid.length, s[1] + w[1] / valid.length, s[2] + w[2] / valid.length], [0, 0, 0] as Vec3);
    return { world: t.world.map((w) => w ?? c), reprojectionError: t.meanReprojectionPx };
  };
  const assigned = assignIdentities(detections.map((d) => pairViews(d.left, d.right, tri)));
  const found = { left: 0, right: 0 };
  for (const a of assigned) for (const h of HAND_SIDES) if (a[h]) found[h]++;

  // Per hand: 3-D landmarks per frame (rejected ones empty), then spikes → gaps → smoothing.
  const maxGapFrames = o.maxGapFrames ?? 5;
  const tracks = Object.fromEntries(
    HAND_SIDES.map((h) => {
      const raw = assigned.map((a) => (a[h] ? estimateHand(stereo, a[h]!, h, o) : null));
      const spikes = rejectLandmarkSpikes(raw);
      const filled = fillLandmarkGaps(spikes.frames, times, { maxGapFrames });
      const smooth = smoothLandmarkTrack(filled.frames, times);
      return [h, { smooth, filledFrames: new Set(raw.map((r, i) => (r === null && filled.frames[i] ? i : -1)).filter((i) => i >= 0)), gaps: filled.unfilled }];
    }),
  ) as Record<HandSide, { smooth: ((Vec3 | null)[] | null)[]; filledFrames: Set<number>; gaps: { start: number; end: number; reason: string }[] }>;

  let errSum = 0;
  let errN = 0;
  const frames: Hands['frames'] = times.map((t, i) => {
    const hand = (h: HandSide): HandFrame | null => {
      const s = assigned[i][h];
      const w = tracks[h].smooth[i];
      const complete = w && w.every((p) => p !== null) ? (w as Vec3[]) : null;
      if (!s && !complete) return null;
      if (s) {
        errSum += s.reprojectionError;
        errN++;
      }
      return {
        world: complete,
        views: {
          left: s ? { landmarks: s.left.landmarks, score: s.left.score } : null,
          right: s ? { landmarks: s.right.landmarks, score: s.right.score } : null,
        },
        reprojection_error: s ? s.reprojectionError : null,
        ...(tracks[h].filledFrames.has(i) ? { interpolated: true } : {}),
      };
    };
    return { t, left: hand('left'), right: hand('right') };
  });
  const gaps = HAND_SIDES.flatMap((h) => tracks[h].gaps.map((g) => ({ hand: h, from: g.start, to: g.end })));
  return { assigned, frames, gaps, found, meanReprojectionPx: errN ? errSum / errN : NaN };
}
