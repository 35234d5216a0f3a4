// MediaPipe HandLandmarker in the browser, driven from Node (perception/mediapipe/hand-landmarker.ts).
// Everything is served by the local server: the tasks-vision bundle and its wasm from
// node_modules, the model bundle and the frames from in-memory routes. Nothing leaves 127.0.0.1.
import { FilesetResolver, HandLandmarker } from '/node_modules/@mediapipe/tasks-vision/vision_bundle.mjs';

const WASM_BASE = '/node_modules/@mediapipe/tasks-vision/wasm';
/** view name -> { landmarker, lastT, RGBA ImageData, frame-bytes scratch buffer } */
const views = new Map();

async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * A frame's raw bytes, read straight into a buffer kept per view (a BYOB reader): measured at
 * about half the renderer CPU of `await res.arrayBuffer()` for 0.9 MB frames, which gathers the
 * body's chunks and copies them into a fresh buffer every frame. Falls back to arrayBuffer()
 * where the body is not a byte stream.
 */
async function fetchFrame(view, url, size) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  let reader;
  try {
    reader = res.body.getReader({ mode: 'byob' });
  } catch {
    return new Uint8Array(await res.arrayBuffer());
  }
  let buf = view.scratch && view.scratch.byteLength === size ? view.scratch : new ArrayBuffer(size);
  view.scratch = null; // reads transfer (detach) it; put back below
  let filled = 0;
  for (;;) {
    if (filled === size) {
      // The route sends exactly `size` bytes; drain the end of the stream.
      const { done } = await reader.read(new Uint8Array(new ArrayBuffer(1)));
      if (!done) throw new Error(`${url}: frame longer than ${size} bytes`);
      break;
    }
    const { value, done } = await reader.read(new Uint8Array(buf, filled, size - filled));
    if (value) buf = value.buffer;
    if (done) break;
    filled += value.byteLength;
  }
  if (filled !== size) throw new Error(`${url}: frame of ${filled} bytes, expected ${size}`);
  view.scratch = buf;
  return new Uint8Array(buf);
}

/** RGB24 -> RGBA ImageData (the landmarker takes ImageData; ffmpeg sends 3 bytes a pixel). */
function toImageData(view, rgb, width, height) {
  if (!view.image || view.image.width !== width || view.image.height !== height) {
    view.image = new ImageData(width, height);
  }
  const out = new Uint32Array(view.image.data.buffer);
  const n = width * height;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[i] = 0xff000000 | (rgb[j + 2] << 16) | (rgb[j + 1] << 8) | rgb[j];
  }
  return view.image;
}

function compact(result, width, height) {
  const hands = [];
  for (let h = 0; h < result.landmarks.length; h++) {
    const lm = result.landmarks[h];
    const points = new Array(lm.length * 3);
    let presence = null;
    for (let k = 0; k < lm.length; k++) {
      points[3 * k] = lm[k].x * width;
      points[3 * k + 1] = lm[k].y * height;
      points[3 * k + 2] = lm[k].z;
      if (typeof lm[k].presence === 'number') presence = Math.max(presence ?? 0, lm[k].presence);
    }
    // MediaPipe's metric 3-D hand (metres, about the hand's centre, camera-aligned axes): the
    // shape prior that stereo triangulation leans on where one view's 2-D landmark is poor.
    const wl = (result.worldLandmarks ?? [])[h] ?? [];
    const world = wl.length === lm.length ? wl.flatMap((p) => [p.x, p.y, p.z]) : null;
    const cat = (result.handedness[h] ?? [])[0];
    hands.push({
      handedness: cat ? cat.categoryName : null,
      handednessScore: cat ? cat.score : 0,
      presence,
      landmarks: points,
      world,
    });
  }
  return hands;
}

window.yotoHands = {
  /** Create one landmarker per view name. Returns the delegate each ended up on. */
  async init({ modelUrl, viewNames, delegate, numHands, minDetection, minPresence, minTracking }) {
    const fileset = await FilesetResolver.forVisionTasks(WASM_BASE);
    const model = await fetchBytes(modelUrl);
    const out = {};
    for (const name of viewNames) {
      const t0 = performance.now();
      const landmarker = await HandLandmarker.createFromOptions(fileset, {
        baseOptions: { modelAssetBuffer: model, delegate },
        runningMode: 'VIDEO',
        numHands,
        minHandDetectionConfidence: minDetection,
        minHandPresenceConfidence: minPresence,
        minTrackingConfidence: minTracking,
      });
      views.set(name, { landmarker, lastT: -Infinity, image: null, scratch: null });
      out[name] = { loadMs: performance.now() - t0 };
    }
    return out;
  },

  /**
   * Detect in one frame per listed view. Frames are fetched as raw RGB from `url?view=..`.
   * `tMs` must increase per view (VIDEO mode); a repeated time is nudged forward by 1 µs.
   */
  async detect(requests) {
    for (const r of requests) if (!views.has(r.view)) throw new Error(`no landmarker for view ${r.view}`);
    const frames = await Promise.all(requests.map((r) => fetchFrame(views.get(r.view), r.url, r.width * r.height * 3)));
    return requests.map((r, i) => {
      const view = views.get(r.view);
      const t = Math.max(r.tMs, view.lastT + 0.001);
      view.lastT = t;
      const image = toImageData(view, frames[i], r.width, r.height);
      const t0 = performance.now();
      const result = view.landmarker.detectForVideo(image, t);
      return { hands: compact(result, r.width, r.height), ms: performance.now() - t0 };
    });
  },

  /** Same, with the frames passed in as base64 (to compare transfer costs). */
  detectBase64(requests) {
    return requests.map((r) => {
      const view = views.get(r.view);
      if (!view) throw new Error(`no landmarker for view ${r.view}`);
      const bin = atob(r.base64);
      const rgb = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) rgb[i] = bin.charCodeAt(i);
      const t = Math.max(r.tMs, view.lastT + 0.001);
      view.lastT = t;
      const result = view.landmarker.detectForVideo(toImageData(view, rgb, r.width, r.height), t);
      return { hands: compact(result, r.width, r.height), ms: 0 };
    });
  },

  close() {
    for (const v of views.values()) v.landmarker.close();
    views.clear();
  },
};
window.yotoHandsReady = true;
