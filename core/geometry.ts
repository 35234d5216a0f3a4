/**
 * Small, allocation-light 3-D geometry: vectors, quaternions, poses, row-major 3×3 matrices and
 * rigid transforms (the small dense solvers are in linalg.ts). Quaternions are [x, y, z, w] (ROS
 * order) everywhere in yoto; MuJoCo's [w, x, y, z] appears only inside sim/ through `quatToWxyz` /
 * `quatFromWxyz`.
 */
export type Vec3 = [number, number, number];
export type Quat = [number, number, number, number];
/** Row-major 3×3 rotation matrix. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export interface Pose {
  position: Vec3;
  quaternion: Quat;
}

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
export const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export const dist = (a: Vec3, b: Vec3): number => norm(sub(a, b));
export const lerp = (a: Vec3, b: Vec3, t: number): Vec3 => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
];
export function normalize(a: Vec3): Vec3 {
  const n = norm(a);
  if (n === 0) throw new Error('normalize: zero vector');
  return scale(a, 1 / n);
}

export const QUAT_IDENTITY: Quat = [0, 0, 0, 1];

export function quatNormalize(q: Quat): Quat {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  if (n === 0) throw new Error('quatNormalize: zero quaternion');
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

export function quatMul(a: Quat, b: Quat): Quat {
  const [ax, ay, az, aw] = a;
  const [bx, by, bz, bw] = b;
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

export const quatConj = (q: Quat): Quat => [-q[0], -q[1], -q[2], q[3]];

export function quatFromAxisAngle(axis: Vec3, angle: number): Quat {
  const [x, y, z] = normalize(axis);
  const s = Math.sin(angle / 2);
  return [x * s, y * s, z * s, Math.cos(angle / 2)];
}

/** Rotation about world z. */
export const quatFromYaw = (yaw: number): Quat => [0, 0, Math.sin(yaw / 2), Math.cos(yaw / 2)];

export function quatRotate(q: Quat, v: Vec3): Vec3 {
  // v' = v + 2w (u × v) + 2 u × (u × v)
  const u: Vec3 = [q[0], q[1], q[2]];
  const w = q[3];
  const t = scale(cross(u, v), 2);
  return add(add(v, scale(t, w)), cross(u, t));
}

/** Rotation angle in [0, π] between two orientations. */
export function quatAngle(a: Quat, b: Quat): number {
  const d = Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]);
  return 2 * Math.acos(Math.min(1, d));
}

export function quatSlerp(a: Quat, b: Quat, t: number): Quat {
  let d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  let bb: Quat = b;
  if (d < 0) {
    d = -d;
    bb = [-b[0], -b[1], -b[2], -b[3]];
  }
  if (d > 0.9995) {
    return quatNormalize([
      a[0] + (bb[0] - a[0]) * t,
      a[1] + (bb[1] - a[1]) * t,
      a[2] + (bb[2] - a[2]) * t,
      a[3] + (bb[3] - a[3]) * t,
    ]);
  }
  const th = Math.acos(d);
  const s = Math.sin(th);
  const wa = Math.sin((1 - t) * th) / s;
  const wb = Math.sin(t * th) / s;
  return [a[0] * wa + bb[0] * wb, a[1] * wa + bb[1] * wb, a[2] * wa + bb[2] * wb, a[3] * wa + bb[3] * wb];
}

/** Rotation vector (axis × angle) taking `a` to `b`, expressed in the world frame: b = exp(r) a. */
export function quatErrorWorld(a: Quat, b: Quat): Vec3 {
  let e = quatMul(b, quatConj(a));
  if (e[3] < 0) e = [-e[0], -e[1], -e[2], -e[3]];
  const sinHalf = Math.hypot(e[0], e[1], e[2]);
  if (sinHalf < 1e-12) return [0, 0, 0];
  const angle = 2 * Math.atan2(sinHalf, e[3]);
  return scale([e[0], e[1], e[2]], angle / sinHalf);
}

export function quatToMat3(q: Quat): Mat3 {
  const [x, y, z, w] = q;
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
    2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
    2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
  ];
}

export function mat3ToQuat(m: ArrayLike<number>): Quat {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = [m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]];
  const tr = m00 + m11 + m22;
  let q: Quat;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    q = [(m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s, 0.25 * s];
  } else if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    q = [0.25 * s, (m01 + m10) / s, (m02 + m20) / s, (m21 - m12) / s];
  } else if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    q = [(m01 + m10) / s, 0.25 * s, (m12 + m21) / s, (m02 - m20) / s];
  } else {
    const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
    q = [(m02 + m20) / s, (m12 + m21) / s, 0.25 * s, (m10 - m01) / s];
  }
  return quatNormalize(q);
}

/** Quaternion from the columns of a rotation matrix (the frame's x, y, z axes in world). */
export function quatFromAxes(x: Vec3, y: Vec3, z: Vec3): Quat {
  return mat3ToQuat([x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]]);
}

/** Yaw (rotation about z) of an orientation, from where it sends the x axis. */
export function yawOf(q: Quat): number {
  const x = quatRotate(q, [1, 0, 0]);
  return Math.atan2(x[1], x[0]);
}

export const quatToWxyz = (q: Quat): [number, number, number, number] => [q[3], q[0], q[1], q[2]];
export const quatFromWxyz = (q: ArrayLike<number>): Quat => [q[1], q[2], q[3], q[0]];

export function poseCompose(a: Pose, b: Pose): Pose {
  return {
    position: add(a.position, quatRotate(a.quaternion, b.position)),
    quaternion: quatNormalize(quatMul(a.quaternion, b.quaternion)),
  };
}

export function poseInverse(p: Pose): Pose {
  const qi = quatConj(p.quaternion);
  return { position: scale(quatRotate(qi, p.position), -1), quaternion: qi };
}

export const transformPoint = (p: Pose, v: Vec3): Vec3 => add(p.position, quatRotate(p.quaternion, v));

// ---- row-major 3×3 matrices and rigid transforms x_to = R · x_from + t ----

export const rowsToMat3 = (r: readonly (readonly number[])[]): Mat3 => [
  r[0][0], r[0][1], r[0][2], r[1][0], r[1][1], r[1][2], r[2][0], r[2][1], r[2][2],
];
export const mat3ToRows = (m: Mat3): [[number, number, number], [number, number, number], [number, number, number]] => [
  [m[0], m[1], m[2]],
  [m[3], m[4], m[5]],
  [m[6], m[7], m[8]],
];
export const mat3MulVec = (m: Mat3, v: Vec3): Vec3 => [
  m[0] * v[0] + m[1] * v[1] + m[2] * v[2],
  m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
  m[6] * v[0] + m[7] * v[1] + m[8] * v[2],
];
export const mat3Transpose = (m: Mat3): Mat3 => [m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]];
export function mat3Mul(a: Mat3, b: Mat3): Mat3 {
  const r = new Array<number>(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  return r as Mat3;
}
export const mat3Det = (m: Mat3): number =>
  m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);

/** Orthonormal with determinant +1, within `tol`. */
export function isRotation(m: Mat3, tol = 1e-6): boolean {
  const p = mat3Mul(m, mat3Transpose(m));
  for (let i = 0; i < 9; i++) if (Math.abs(p[i] - (i % 4 === 0 ? 1 : 0)) > tol) return false;
  return Math.abs(mat3Det(m) - 1) < tol;
}

/** A rigid transform x_to = R · x_from + t. */
export interface RigidTransform {
  R: Mat3;
  t: Vec3;
}
export const applyTransform = (T: RigidTransform, p: Vec3): Vec3 => {
  const r = mat3MulVec(T.R, p);
  return [r[0] + T.t[0], r[1] + T.t[1], r[2] + T.t[2]];
};
export function invertTransform(T: RigidTransform): RigidTransform {
  const Rt = mat3Transpose(T.R);
  const t = mat3MulVec(Rt, T.t);
  return { R: Rt, t: [-t[0], -t[1], -t[2]] };
}
/** (a ∘ b)(x) = a(b(x)). */
export function composeTransforms(a: RigidTransform, b: RigidTransform): RigidTransform {
  const t = mat3MulVec(a.R, b.t);
  return { R: mat3Mul(a.R, b.R), t: [t[0] + a.t[0], t[1] + a.t[1], t[2] + a.t[2]] };
}
export const poseToTransform = (p: Pose): RigidTransform => ({ R: quatToMat3(quatNormalize(p.quaternion)), t: [...p.position] });
export const transformToPose = (T: RigidTransform): Pose => ({ position: [...T.t], quaternion: mat3ToQuat(T.R) });
