import { describe, expect, it } from 'vitest';
import { distortNormalized, distortionJacobian, distortToPixel, undistortPixel, undistortPixelToPixel } from '../../perception/undistort.ts';
import type { CameraIntrinsics, Distortion } from '../../perception/stereo-camera.ts';

// Typical of a webcam-class lens (barrel), and a strong wide-angle one.
const WEBCAM: Distortion = { model: 'plumb_bob', k1: -0.28, k2: 0.08, p1: 0.0012, p2: -0.0008, k3: -0.01 };
const WIDE: Distortion = { model: 'plumb_bob', k1: -0.38, k2: 0.16, p1: 0.002, p2: 0.001, k3: -0.03 };
const cam = (distortion: Distortion, f = 520): CameraIntrinsics => ({ image_size: [640, 480], fx: f, fy: f * 1.002, cx: 321.3, cy: 238.7, distortion });

describe('radial-tangential distortion', () => {
  it('Jacobian matches finite differences', () => {
    const h = 1e-6;
    for (const [x, y] of [[0.1, -0.2], [-0.5, 0.4], [0.6, 0.45], [0, 0]]) {
      const J = distortionJacobian(WEBCAM, x, y);
      const dx1 = distortNormalized(WEBCAM, x + h, y);
      const dx0 = distortNormalized(WEBCAM, x - h, y);
      const dy1 = distortNormalized(WEBCAM, x, y + h);
      const dy0 = distortNormalized(WEBCAM, x, y - h);
      const num = [(dx1[0] - dx0[0]) / (2 * h), (dy1[0] - dy0[0]) / (2 * h), (dx1[1] - dx0[1]) / (2 * h), (dy1[1] - dy0[1]) / (2 * h)];
      for (let i = 0; i < 4; i++) expect(J[i]).toBeCloseTo(num[i], 7);
    }
  });

  it('undistort then distort returns every pixel of the image to 1e-6 px', () => {
    for (const d of [WEBCAM, WIDE]) {
      const c = cam(d);
      let worst = 0;
      for (let v = -0.5; v <= 479.5; v += 7.9)
        for (let u = -0.5; u <= 639.5; u += 7.9) {
          const xy = undistortPixel(c, [u, v]);
          const back = distortToPixel(c, xy);
          worst = Math.max(worst, Math.hypot(back[0] - u, back[1] - v));
        }
      for (const [u, v] of [[-0.5, -0.5], [639.5, -0.5], [-0.5, 479.5], [639.5, 479.5]]) {
        const back = distortToPixel(c, undistortPixel(c, [u, v]));
        worst = Math.max(worst, Math.hypot(back[0] - u, back[1] - v));
      }
      expect(worst).toBeLessThan(1e-6);
    }
  });

  it('distort then undistort recovers the ideal point', () => {
    const c = cam(WEBCAM);
    for (const [x, y] of [[0.3, -0.2], [-0.55, 0.41], [0.01, 0.02]]) {
      const uv = distortToPixel(c, [x, y]);
      const back = undistortPixel(c, uv);
      expect(Math.abs(back[0] - x) + Math.abs(back[1] - y)).toBeLessThan(1e-10);
    }
  });

  it('moves corner pixels inward for barrel distortion and leaves the centre alone', () => {
    const c = cam(WEBCAM);
    const centre = undistortPixelToPixel(c, [c.cx, c.cy]);
    expect(Math.hypot(centre[0] - c.cx, centre[1] - c.cy)).toBeLessThan(1e-9);
    const corner = undistortPixelToPixel(c, [0, 0]);
    // Barrel (k1 < 0) squeezes the periphery: the ideal point lies further from the centre.
    expect(corner[0]).toBeLessThan(0);
    expect(corner[1]).toBeLessThan(0);
  });

  it('is the identity without distortion', () => {
    const c = cam({ model: 'plumb_bob', k1: 0, k2: 0, p1: 0, p2: 0, k3: 0 });
    expect(undistortPixelToPixel(c, [12.25, 400.5])).toEqual([12.25, 400.5]);
  });
});
