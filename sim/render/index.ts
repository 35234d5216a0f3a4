/**
 * Rendering MuJoCo scenes with three.js in headless Chromium:
 *
 *   const scene = describeScene(mj, model);              // static geometry, plain JSON
 *   const r = await SceneRenderer.launch(scene, { width: 640, height: 480 });
 *   const png = await r.render(captureFrame(model, data), orbitCamera([0, 0, 0.8], 2.5, -60, 30));
 *   await r.renderVideo(frames, camera, 30, 'out/run.mp4');
 *   await r.close();
 *
 * The page side (sim/render/page/scene-view.js) is an ES module other pages reuse.
 */
export { describeScene, RenderSceneSchema, RenderGeomSchema, RenderLightSchema, GeomShapeSchema, RENDER_SCENE_VERSION } from './render-scene.ts';
export type { RenderScene, RenderGeom, RenderLight, GeomShape, DescribeOptions } from './render-scene.ts';
export { captureFrame, POSE_STRIDE } from './render-frame.ts';
export type { RenderFrame } from './render-frame.ts';
export { RenderCameraSchema, orbitCamera, mujocoCamera } from './render-camera.ts';
export type { RenderCamera } from './render-camera.ts';
export { SceneRenderer, flipRows } from './scene-renderer.ts';
export type { RendererOptions, CameraSpec, VideoResult, VideoRenderOptions } from './scene-renderer.ts';
export { VideoEncoder } from '../../core/video-encoder.ts';
export type { VideoOptions } from '../../core/video-encoder.ts';
export { encodePng, decodePng, pixelAt } from './png.ts';
export type { RgbaImage } from './png.ts';
