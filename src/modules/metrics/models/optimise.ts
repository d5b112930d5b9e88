/**
 * BFGS with a backtracking (Armijo) line search, for the few parameters of the purchase and spend models.
 * Hand-written: the JavaScript optimisers on npm are unmaintained or derivative-free, and the models need
 * their analytic gradients used (Nocedal & Wright, Numerical Optimization, Algorithm 6.1).
 */
export interface Objective {
  (theta: number[]): { value: number; gradient: number[] };
}

export interface OptimiseResult {
  theta: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

const dot = (u: number[], v: number[]) => u.reduce((sum, ui, i) => sum + ui * v[i], 0);

/**
 * A computation in bounded steps: it yields between steps (one optimiser iteration, a few thousand predictions) so
 * that a caller serving other work can pause it there; the model stays pure and knows nothing of the event loop.
 */
export type Steps<T> = Generator<void, T, undefined>;

/** Runs steps to their end at once (scripts, tests, small inputs). */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export function maximiseLogLikelihood(
  objective: Objective,
  start: number[],
  maxIterations = 500,
): OptimiseResult {
  return runSteps(maximiseLogLikelihoodSteps(objective, start, maxIterations));
}

/**
 * The same, yielding after each iteration (each evaluates the objective a few times over the whole base).
 * `valueOnly`, when the gradient costs more than the value (by differences: Pareto/NBD), is what the line search's
 * trial points are judged by; the gradient is then computed at the accepted point only. The acceptance test reads
 * the trial's value alone, so the path of the fit is the same either way.
 */
export function* maximiseLogLikelihoodSteps(
  objective: Objective,
  start: number[],
  maxIterations = 500,
  valueOnly?: (theta: number[]) => number,
): Steps<OptimiseResult> {
  const n = start.length;
  // Minimise the negative log-likelihood.
  const f = (theta: number[]) => {
    const { value, gradient } = objective(theta);
    return { value: -value, gradient: gradient.map((g) => -g) };
  };
  const trialValue = valueOnly ? (theta: number[]) => -valueOnly(theta) : null;
  let theta = [...start];
  let current = f(theta);
  if (!Number.isFinite(current.value))
    throw new RangeError('The log-likelihood is not finite at the starting point');
  // The first step moves about one unit: the log-likelihood of a large base has a huge gradient.
  const identity = (scale: number) =>
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? scale : 0)));
  let H: number[][] = identity(1 / Math.max(1, Math.sqrt(dot(current.gradient, current.gradient))));
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    yield;
    const gradNorm = Math.sqrt(dot(current.gradient, current.gradient));
    if (gradNorm < 1e-7 * (1 + Math.abs(current.value)))
      return { theta, value: -current.value, iterations: iteration, converged: true };
    let direction = H.map((row) => -dot(row, current.gradient));
    if (dot(direction, current.gradient) >= 0) {
      // Not a descent direction: restart from steepest descent.
      H = identity(1 / Math.max(1, Math.sqrt(dot(current.gradient, current.gradient))));
      direction = H.map((row) => -dot(row, current.gradient));
    }
    // Parameters are logs: cap a step at a factor e change, so no step jumps into a flat, degenerate corner.
    let step = Math.min(1, 1 / Math.sqrt(dot(direction, direction)));
    let next = { theta, value: current.value, gradient: current.gradient };
    for (let tries = 0; tries < 60; tries++) {
      const candidate = theta.map((t, i) => t + step * direction[i]);
      const value = trialValue ? trialValue(candidate) : null;
      const evaluated = value === null ? f(candidate) : null;
      const judged = value ?? evaluated!.value;
      if (
        Number.isFinite(judged) &&
        judged <= current.value + 1e-4 * step * dot(current.gradient, direction)
      ) {
        next = { theta: candidate, ...(evaluated ?? f(candidate)) };
        break;
      }
      step /= 2;
    }
    if (next.theta === theta)
      return {
        theta,
        value: -current.value,
        iterations: iteration,
        converged: gradNorm < 1e-4 * (1 + Math.abs(current.value)),
      };
    const s = next.theta.map((t, i) => t - theta[i]);
    const y = next.gradient.map((g, i) => g - current.gradient[i]);
    const sy = dot(s, y);
    if (sy > 1e-12 && iteration === 1) {
      // Scale the first guess of the inverse Hessian by the observed curvature (Nocedal & Wright, Eq. 6.20).
      H = identity(sy / dot(y, y));
    }
    if (sy > 1e-12) {
      const Hy = H.map((row) => dot(row, y));
      const yHy = dot(y, Hy);
      H = H.map((row, i) =>
        row.map(
          (h, j) => h + ((sy + yHy) * s[i] * s[j]) / (sy * sy) - (Hy[i] * s[j] + s[i] * Hy[j]) / sy,
        ),
      );
    }
    const improvement = current.value - next.value;
    theta = next.theta;
    current = { value: next.value, gradient: next.gradient };
    if (improvement >= 0 && improvement < 1e-14 * (1 + Math.abs(current.value))) {
      return { theta, value: -current.value, iterations: iteration, converged: true };
    }
  }
  return { theta, value: -current.value, iterations: maxIterations, converged: false };
}
