/** Named viewpoints on the workcell for rendering (world frame, z up). */
import type { RenderCamera } from './render/render-camera.ts';
import { orbitCamera } from './render/render-camera.ts';

const CENTRE: [number, number, number] = [0, 0, 0.1];

export const WORKCELL_CAMERAS: Record<string, RenderCamera> = {
  /** Where the person stands (−x), looking across the table. */
  front: orbitCamera(CENTRE, 1.6, 180, 32, 45),
  /** Three-quarter view. */
  iso: orbitCamera(CENTRE, 1.7, 215, 35, 45),
  /** Straight down. */
  top: { position: [0, 0, 1.9], lookAt: [0, 0, 0], up: [1, 0, 0], fovy: 45 },
  /** From behind the left arm. */
  left: orbitCamera(CENTRE, 1.6, 90, 30, 45),
  /** From behind the right arm. */
  right: orbitCamera(CENTRE, 1.6, -90, 30, 45),
};
