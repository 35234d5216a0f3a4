// Entry of render.html, the page the headless renderer (sim/render/scene-renderer.ts) drives:
// it exposes window.yotoRender for page.evaluate calls. Other pages (viewer, synthetic stereo)
// import scene-view.js directly.
import * as THREE from 'three';
import { SceneView } from './scene-view.js';

const api = {
  THREE,
  /** @type {SceneView | null} */
  view: null,

  /** Build (or rebuild) the view. Its canvas stays out of the document: nothing composites it. */
  init(scene, options) {
    api.view?.dispose();
    api.view?.canvas.remove();
    api.view = new SceneView(scene, options);
  },

  /**
   * Render `count` frames whose pose tables lie back to back in `poses`, from one camera (or one
   * camera per frame), and return all their pixels back to back (RGBA, bottom row first).
   */
  renderBatch(poses, count, camera) {
    const view = api.view;
    const stride = poses.length / count;
    const frameBytes = view.width * view.height * 4;
    const out = new Uint8Array(frameBytes * count);
    for (let i = 0; i < count; i++) {
      view.setPoses(poses.subarray(i * stride, (i + 1) * stride));
      view.setCamera(Array.isArray(camera) ? camera[i] : camera);
      view.render();
      view.readPixels(out.subarray(i * frameBytes, (i + 1) * frameBytes));
    }
    return out;
  },
};

window.yotoRender = api;
