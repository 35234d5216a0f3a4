/**
 * Radial-tangential (plumb_bob) lens distortion, as OpenCV and ROS define it, on normalized image
 * coordinates (x = X/Z, y = Y/Z):
 *   r² = x² + y²,  radial = 1 + k1 r² + k2 r⁴ + k3 r⁶
 *   x_d = x · radial + 2 p1 x y + p2 (r² + 2x²)
 *   y_d = y · radial + p1 (r² + 2y²) + 2 p2 x y
 * The forward model only, with no imports, so that the camera model (stereo-camera.ts) and the
 * inverse (undistort.ts) both build on it without importing each other.
 */

/** The plumb_bob coefficients (a `Distortion` from stereo-camera.ts is one). */
export interface DistortionCoefficients {
  k1: number;
  k2: number;
  p1: number;
  p2: number;
  k3: number;
}

/** Distorted normalized coordinates of an ideal (undistorted) normalized point. */
export function distortNormalized(d: DistortionCoefficients, x: number, y: number): [number, number] {
  const r2 = x * x + y * y;
  const radial = 1 + r2 * (d.k1 + r2 * (d.k2 + r2 * d.k3));
  return [x * radial + 2 * d.p1 * x * y + d.p2 * (r2 + 2 * x * x), y * radial + d.p1 * (r2 + 2 * y * y) + 2 * d.p2 * x * y];
}

/** Jacobian of `distortNormalized` at (x, y), row-major [∂xd/∂x, ∂xd/∂y, ∂yd/∂x, ∂yd/∂y]. */
export function distortionJacobian(d: DistortionCoefficients, x: number, y: number): [number, number, number, number] {
  const r2 = x * x + y * y;
  const radial = 1 + r2 * (d.k1 + r2 * (d.k2 + r2 * d.k3));
  const dr = d.k1 + r2 * (2 * d.k2 + 3 * d.k3 * r2); // ∂radial/∂(r²)
  const cross = 2 * x * y * dr + 2 * d.p1 * x + 2 * d.p2 * y;
  return [radial + 2 * x * x * dr + 2 * d.p1 * y + 6 * d.p2 * x, cross, cross, radial + 2 * y * y * dr + 6 * d.p1 * y + 2 * d.p2 * x];
}
