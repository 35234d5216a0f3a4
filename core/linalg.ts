/**
 * Small dense linear algebra, row-major, no dependencies: the eigen-decomposition of a small
 * symmetric matrix by cyclic Jacobi rotations (exact to round-off, fast enough for the 4×4 normal
 * matrix of a two-view DLT), and linear solves (3×3 by Cramer, n×n by elimination, symmetric
 * positive-definite by Cholesky).
 */

export interface SymEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Eigenvectors as rows, row i belonging to values[i] (unit length). */
  vectors: Float64Array;
}

/** `a` is row-major n×n and symmetric; it is not modified. */
export function symmetricEigen(a: ArrayLike<number>, n: number, maxSweeps = 50): SymEigen {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) A[i] = a[i];
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += A[p * n + p] * A[p * n + p];
      for (let q = p + 1; q < n; q++) off += A[p * n + q] * A[p * n + q];
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // A ← Jᵀ A J, applied to columns p, q then rows p, q.
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[i * n + i] - A[j * n + j]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, r) => {
    values[r] = A[col * n + col];
    for (let k = 0; k < n; k++) vectors[r * n + k] = V[k * n + col];
  });
  return { values, vectors };
}

/** Solve the 3×3 system M x = b (row-major) by Cramer's rule; null when M is singular. */
export function solve3(M: ArrayLike<number>, b: ArrayLike<number>): [number, number, number] | null {
  const c0 = M[4] * M[8] - M[5] * M[7];
  const c1 = M[5] * M[6] - M[3] * M[8];
  const c2 = M[3] * M[7] - M[4] * M[6];
  const det = M[0] * c0 + M[1] * c1 + M[2] * c2;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-300) return null;
  const inv = [
    c0, M[2] * M[7] - M[1] * M[8], M[1] * M[5] - M[2] * M[4],
    c1, M[0] * M[8] - M[2] * M[6], M[2] * M[3] - M[0] * M[5],
    c2, M[1] * M[6] - M[0] * M[7], M[0] * M[4] - M[1] * M[3],
  ];
  return [
    (inv[0] * b[0] + inv[1] * b[1] + inv[2] * b[2]) / det,
    (inv[3] * b[0] + inv[4] * b[1] + inv[5] * b[2]) / det,
    (inv[6] * b[0] + inv[7] * b[1] + inv[8] * b[2]) / det,
  ];
}

/** Solve the n×n system A x = b (row-major) by Gaussian elimination with partial pivoting. */
export function solveLinear(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[p * n + c])) p = r;
    if (!(Math.abs(M[p * n + c]) > 1e-300)) return null;
    if (p !== c) {
      for (let k = 0; k < n; k++) [M[c * n + k], M[p * n + k]] = [M[p * n + k], M[c * n + k]];
      [x[c], x[p]] = [x[p], x[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c] / M[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let s = x[c];
    for (let k = c + 1; k < n; k++) s -= M[c * n + k] * x[k];
    x[c] = s / M[c * n + c];
  }
  return x.every(Number.isFinite) ? x : null;
}

/** Solve A x = b for a small dense symmetric positive-definite A (row-major n×n) by Cholesky. */
export function solveSpd(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (s <= 0) throw new Error('solveSpd: matrix not positive definite');
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}
