/**
 * Parameter uncertainty from the likelihood's curvature: the covariance of the log-parameters is the
 * inverse of the negative Hessian at the maximum (asymptotic normality of the MLE). Draws from that
 * normal give intervals for any prediction. Pure: the random numbers come in as a function.
 */

/** Inverse of a small symmetric positive-definite matrix (Gauss–Jordan with partial pivoting). */
export function invert(matrix: number[][]): number[][] {
  const n = matrix.length;
  const m = matrix.map((row, i) => [
    ...row,
    ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  ]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++)
      if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) pivot = row;
    if (Math.abs(m[pivot][col]) < 1e-300) throw new RangeError('The matrix is singular');
    [m[col], m[pivot]] = [m[pivot], m[col]];
    const scale = m[col][col];
    for (let j = 0; j < 2 * n; j++) m[col][j] /= scale;
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const factor = m[row][col];
      for (let j = 0; j < 2 * n; j++) m[row][j] -= factor * m[col][j];
    }
  }
  return m.map((row) => row.slice(n));
}

/** Lower-triangular L with L Lᵀ = matrix; tiny negative pivots (rounding) are clamped to zero. */
export function cholesky(matrix: number[][]): number[][] {
  const n = matrix.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i][j];
      for (let k = 0; k < j; k++) sum -= L[i][k] * L[j][k];
      L[i][j] = i === j ? Math.sqrt(Math.max(sum, 0)) : L[j][j] > 0 ? sum / L[j][j] : 0;
    }
  }
  return L;
}

/** Covariance of theta from a gradient function, by central differences of the gradient at the optimum. */
export function covarianceAt(
  gradient: (theta: number[]) => number[],
  optimum: number[],
): number[][] {
  const n = optimum.length;
  const hessian = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const h = 1e-5 * Math.max(1, Math.abs(optimum[j]));
    const up = gradient(optimum.map((t, k) => (k === j ? t + h : t)));
    const down = gradient(optimum.map((t, k) => (k === j ? t - h : t)));
    for (let i = 0; i < n; i++) hessian[i][j] = (up[i] - down[i]) / (2 * h);
  }
  const symmetric = hessian.map((row, i) => row.map((v, j) => -(v + hessian[j][i]) / 2));
  return invert(symmetric);
}

/** Draws of theta ~ N(mean, covariance), from standard normals supplied by the caller. */
export function drawParameters(
  mean: number[],
  covariance: number[][],
  standardNormals: number[][],
): number[][] {
  const L = cholesky(covariance);
  return standardNormals.map((z) =>
    mean.map((m, i) => m + L[i].reduce((sum, l, k) => sum + l * z[k], 0)),
  );
}

/** The q-quantile of values (linear interpolation): the interval of a cohort forecast over parameter draws. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}
