/**
 * Radial-tangential (plumb_bob) lens distortion, as OpenCV and ROS define it, on normalized image
 * coordinates (x = X/Z, y = Y/Z):
 *   r² = x² + y²,  radial = 1 + k1 r² + k2 r⁴ + k3 r⁶
 *   x_d = x · radial + 2 p1 x y + p2 (r² + 2x²)
 *   y_d = y · radial + p1 (r² + 2y²) + 2 p2 x y
 * Distortion is explicit (distortion.ts); undistortion inverts it by Newton's method (the
 * fixed-point iteration OpenCV uses converges slowly or not at all near the corners of wide
 * lenses).
 */
import type { CameraIntrinsics, Distortion, Vec2 } from './stereo-camera.ts';
import { distortNormalized, distortionJacobian } from './distortion.ts';

export { distortNormalized, distortionJacobian } from './distortion.ts';

export interface UndistortOptions {
  /** Stop when the distorted residual is below this (normalized units; 1e-12 ≈ 1e-9 px at f = 600). */
  tolerance?: number;
  maxIterations?: number;
}

const isZero = (d: Distortion): boolean => d.k1 === 0 && d.k2 === 0 && d.p1 === 0 && d.p2 === 0 && d.k3 === 0;

/**
 * Ideal normalized coordinates whose distortion is (xd, yd): Newton's method from (xd, yd), with
 * step halving when a step does not reduce the residual. Returns NaNs when it cannot converge
 * (a point outside the region where the distortion model is invertible).
 */
export function undistortNormalized(d: Distortion, xd: number, yd: number, opts: UndistortOptions = {}): Vec2 {
  if (isZero(d)) return [xd, yd];
  const tol = opts.tolerance ?? 1e-12;
  const maxIt = opts.maxIterations ?? 30;
  let x = xd;
  let y = yd;
  let [fx, fy] = distortNormalized(d, x, y);
  let ex = fx - xd;
  let ey = fy - yd;
  let err = Math.hypot(ex, ey);
  for (let it = 0; it < maxIt && err > tol; it++) {
    const [a, b, c, e] = distortionJacobian(d, x, y);
    const det = a * e - b * c;
    if (!Number.isFinite(det) || Math.abs(det) < 1e-15) break;
    const sx = (e * ex - b * ey) / det;
    const sy = (a * ey - c * ex) / det;
    let step = 1;
    let improved = false;
    for (let h = 0; h < 20; h++) {
      const nx = x - step * sx;
      const ny = y - step * sy;
      [fx, fy] = distortNormalized(d, nx, ny);
      const nex = fx - xd;
      const ney = fy - yd;
      const nerr = Math.hypot(nex, ney);
      if (nerr < err) {
        x = nx;
        y = ny;
        ex = nex;
        ey = ney;
        err = nerr;
        improved = true;
        break;
      }
      step /= 2;
    }
    if (!improved) break;
  }
  // Accept a residual a little above the tolerance (float round-off), reject a real failure.
  return err <= Math.max(tol * 1e3, 1e-10) ? [x, y] : [NaN, NaN];
}

/** Normalized ideal coordinates of a distorted pixel. */
export function undistortPixel(cam: CameraIntrinsics, uv: Vec2, opts?: UndistortOptions): Vec2 {
  return undistortNormalized(cam.distortion, (uv[0] - cam.cx) / cam.fx, (uv[1] - cam.cy) / cam.fy, opts);
}

/** Distorted pixel of ideal normalized coordinates. */
export function distortToPixel(cam: CameraIntrinsics, xy: Vec2): Vec2 {
  const [xd, yd] = distortNormalized(cam.distortion, xy[0], xy[1]);
  return [cam.fx * xd + cam.cx, cam.fy * yd + cam.cy];
}

/** The pixel a distortion-free camera with the same K would see (what cv::undistortPoints with P = K gives). */
export function undistortPixelToPixel(cam: CameraIntrinsics, uv: Vec2, opts?: UndistortOptions): Vec2 {
  const [x, y] = undistortPixel(cam, uv, opts);
  return [cam.fx * x + cam.cx, cam.fy * y + cam.cy];
}
