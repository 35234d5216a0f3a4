/**
 * Ray intersection with MuJoCo's primitive geoms, in the geom's local frame: the same analytic
 * tests as MuJoCo's engine_ray.c (a plane is seen only from its +z side and only within its
 * rendered size; a ray starting inside a solid reports the exit), written in TypeScript so a
 * depth camera can cull geoms per pixel block itself instead of crossing into WASM per ray.
 *
 * Every function takes the ray origin (px, py, pz) and direction (vx, vy, vz) in the geom's
 * frame — the direction need not be unit — and returns the ray parameter t ≥ 0 of the first hit
 * (the point is p + t·v), or −1 for none.
 */

/** MuJoCo's geom type numbers (mjtGeom). */
export const GeomType = {
  plane: 0,
  hfield: 1,
  sphere: 2,
  capsule: 3,
  ellipsoid: 4,
  cylinder: 5,
  box: 6,
  mesh: 7,
  sdf: 8,
} as const;

const MINVAL = 1e-15; // mjMINVAL

/** Smallest non-negative root of a·x² + 2b·x + c = 0, or −1. */
function quadRoot(a: number, b: number, c: number): number {
  let det = b * b - a * c;
  if (det < MINVAL) return -1;
  det = Math.sqrt(det);
  const x0 = (-b - det) / a;
  if (x0 >= 0) return x0;
  const x1 = (-b + det) / a;
  return x1 >= 0 ? x1 : -1;
}

export function rayPlane(px: number, py: number, pz: number, vx: number, vy: number, vz: number, sx: number, sy: number): number {
  if (vz > -MINVAL) return -1; // only the front (+z) face is seen
  const x = -pz / vz;
  if (x < 0) return -1;
  const p0 = px + x * vx;
  const p1 = py + x * vy;
  return (sx <= 0 || Math.abs(p0) <= sx) && (sy <= 0 || Math.abs(p1) <= sy) ? x : -1;
}

export function raySphere(px: number, py: number, pz: number, vx: number, vy: number, vz: number, r: number): number {
  return quadRoot(vx * vx + vy * vy + vz * vz, vx * px + vy * py + vz * pz, px * px + py * py + pz * pz - r * r);
}

export function rayCapsule(px: number, py: number, pz: number, vx: number, vy: number, vz: number, r: number, hl: number): number {
  if (raySphere(px, py, pz, vx, vy, vz, r + hl) < 0) return -1;
  let x = -1;
  const side = quadRoot(vx * vx + vy * vy, vx * px + vy * py, px * px + py * py - r * r);
  if (side >= 0 && Math.abs(pz + side * vz) <= hl) x = side;
  // The two hemispherical caps: both roots of each sphere, kept only on the cap's own half.
  const a = vx * vx + vy * vy + vz * vz;
  for (let s = -1; s <= 1; s += 2) {
    const dz = pz - s * hl;
    const b = vx * px + vy * py + vz * dz;
    const c = px * px + py * py + dz * dz - r * r;
    let det = b * b - a * c;
    if (det < MINVAL) continue;
    det = Math.sqrt(det);
    const r0 = (-b - det) / a;
    const r1 = (-b + det) / a;
    if (r0 >= 0 && s * (pz + r0 * vz) >= hl && (x < 0 || r0 < x)) x = r0;
    if (r1 >= 0 && s * (pz + r1 * vz) >= hl && (x < 0 || r1 < x)) x = r1;
  }
  return x;
}

export function rayEllipsoid(px: number, py: number, pz: number, vx: number, vy: number, vz: number, s0: number, s1: number, s2: number): number {
  const i0 = 1 / (s0 * s0), i1 = 1 / (s1 * s1), i2 = 1 / (s2 * s2);
  return quadRoot(
    i0 * vx * vx + i1 * vy * vy + i2 * vz * vz,
    i0 * vx * px + i1 * vy * py + i2 * vz * pz,
    i0 * px * px + i1 * py * py + i2 * pz * pz - 1,
  );
}

export function rayCylinder(px: number, py: number, pz: number, vx: number, vy: number, vz: number, r: number, hl: number): number {
  if (raySphere(px, py, pz, vx, vy, vz, Math.sqrt(r * r + hl * hl)) < 0) return -1;
  let x = -1;
  if (Math.abs(vz) > MINVAL) {
    for (let s = -1; s <= 1; s += 2) {
      const sol = (s * hl - pz) / vz;
      if (sol < 0) continue;
      const p0 = px + sol * vx;
      const p1 = py + sol * vy;
      if (p0 * p0 + p1 * p1 <= r * r && (x < 0 || sol < x)) x = sol;
    }
  }
  const side = quadRoot(vx * vx + vy * vy, vx * px + vy * py, px * px + py * py - r * r);
  if (side >= 0 && Math.abs(pz + side * vz) <= hl && (x < 0 || side < x)) x = side;
  return x;
}

/** Entry through the two faces normal to axis i of a box (j, k the other axes), keeping the nearer of it and x. */
function boxFaces(pi: number, vi: number, si: number, pj: number, vj: number, sj: number, pk: number, vk: number, sk: number, x: number): number {
  if (Math.abs(vi) <= MINVAL) return x;
  for (let side = -1; side <= 1; side += 2) {
    const sol = (side * si - pi) / vi;
    if (sol >= 0 && Math.abs(pj + sol * vj) <= sj && Math.abs(pk + sol * vk) <= sk && (x < 0 || sol < x)) x = sol;
  }
  return x;
}

export function rayBox(px: number, py: number, pz: number, vx: number, vy: number, vz: number, s0: number, s1: number, s2: number): number {
  if (raySphere(px, py, pz, vx, vy, vz, Math.sqrt(s0 * s0 + s1 * s1 + s2 * s2)) < 0) return -1;
  let x = boxFaces(px, vx, s0, py, vy, s1, pz, vz, s2, -1);
  x = boxFaces(py, vy, s1, px, vx, s0, pz, vz, s2, x);
  return boxFaces(pz, vz, s2, px, vx, s0, py, vy, s1, x);
}

/** Whether `rayPrimitive` handles this geom type (meshes, height fields and SDFs need MuJoCo). */
export const isPrimitive = (type: number): boolean =>
  type === GeomType.plane || type === GeomType.sphere || type === GeomType.capsule || type === GeomType.ellipsoid ||
  type === GeomType.cylinder || type === GeomType.box;

/** Dispatch on MuJoCo's geom type; `size` is the geom's three size numbers. */
export function rayPrimitive(type: number, s0: number, s1: number, s2: number,
  px: number, py: number, pz: number, vx: number, vy: number, vz: number): number {
  switch (type) {
    case GeomType.plane: return rayPlane(px, py, pz, vx, vy, vz, s0, s1);
    case GeomType.sphere: return raySphere(px, py, pz, vx, vy, vz, s0);
    case GeomType.capsule: return rayCapsule(px, py, pz, vx, vy, vz, s0, s1);
    case GeomType.ellipsoid: return rayEllipsoid(px, py, pz, vx, vy, vz, s0, s1, s2);
    case GeomType.cylinder: return rayCylinder(px, py, pz, vx, vy, vz, s0, s1);
    case GeomType.box: return rayBox(px, py, pz, vx, vy, vz, s0, s1, s2);
    default: throw new Error(`rayPrimitive: geom type ${type} is not a primitive`);
  }
}
