// Entry of synth.html, the page `yoto synth` drives: the workcell scene (SceneView, without the
// arms) plus two human hands, rendered from the two cameras of a stereo rig. Exposes
// window.yotoSynth for page.evaluate calls.
import * as THREE from 'three';
import { SceneView } from '../../sim/render/page/scene-view.js';
import { HandMesh, JOINT_STRIDE } from './hand-mesh.js';

const api = {
  THREE,
  /** @type {SceneView | null} */
  view: null,
  /** @type {HandMesh[]} */
  hands: [],

  /**
   * @param {object} scene RenderScene
   * @param {object} options SceneView options
   * @param {{ url: string, color?: number, sleeve?: number }[]} hands one entry per hand, in the
   *   order joint poses arrive (colours 0xRRGGBB sRGB; undefined = defaults)
   * @param {string[]} jointNames
   */
  async init(scene, options, hands, jointNames) {
    api.view?.dispose();
    api.view = new SceneView(scene, options);
    // The shadow map depends on the scene, not the camera: draw it once per frame, not per view.
    api.view.renderer.shadowMap.autoUpdate = false;
    api.hands = [];
    for (const h of hands) {
      const mesh = await HandMesh.load(h.url, jointNames, { color: h.color ?? undefined, sleeve: h.sleeve ?? undefined });
      api.view.add(mesh.root);
      api.view.add(mesh.forearm);
      api.hands.push(mesh);
    }
  },

  /**
   * Render `count` frames from every camera in `cameras`. `poses` holds the geom pose tables back
   * to back, `joints` the hands' joint poses (hands × joints × JOINT_STRIDE per frame). Returns
   * pixels (RGBA, bottom row first) frame by frame, camera by camera.
   */
  renderBatch(poses, joints, count, cameras) {
    const view = api.view;
    const stride = poses.length / count;
    const jstride = joints.length / count;
    const perHand = jstride / Math.max(1, api.hands.length);
    const frameBytes = view.width * view.height * 4;
    const out = new Uint8Array(frameBytes * count * cameras.length);
    let k = 0;
    for (let i = 0; i < count; i++) {
      view.setPoses(poses.subarray(i * stride, (i + 1) * stride));
      api.hands.forEach((h, j) => h.setPoses(joints, i * jstride + j * perHand));
      view.renderer.shadowMap.needsUpdate = true;
      for (const cam of cameras) {
        view.setCamera(cam);
        view.render();
        view.readPixels(out.subarray(k * frameBytes, (k + 1) * frameBytes));
        k++;
      }
    }
    return out;
  },
};

export { JOINT_STRIDE };
window.yotoSynth = api;
