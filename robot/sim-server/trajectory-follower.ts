/**
 * One arm's servo targets from joint trajectories, as a ros_control joint trajectory controller
 * runs them (with linear rather than spline interpolation): a new trajectory starts from the
 * current target and replaces the old one from wherever it had got to; before the first point
 * the target moves linearly from there; after the last it holds the last point.
 */
export interface TrajectoryKnot {
  /** Seconds after the trajectory's start. */
  t: number;
  /** Joint positions in the arm's order, rad. */
  q: number[];
}

export class TrajectoryFollower {
  private start = 0;
  private knots: TrajectoryKnot[];

  constructor(q: readonly number[]) {
    this.knots = [{ t: 0, q: [...q] }];
  }

  /** Follow `points` from time `now` (s), starting at the current target. */
  follow(now: number, points: readonly TrajectoryKnot[]): void {
    const from = this.target(now);
    this.start = now;
    this.knots = [{ t: 0, q: from }, ...points.map((p) => ({ t: p.t, q: [...p.q] }))];
  }

  /** Stop: hold `q` from now on. */
  hold(now: number, q: readonly number[]): void {
    this.start = now;
    this.knots = [{ t: 0, q: [...q] }];
  }

  /** When the last point is reached, s. */
  get endTime(): number {
    return this.start + this.knots[this.knots.length - 1].t;
  }

  /** The last point's positions. */
  get goal(): number[] {
    return [...this.knots[this.knots.length - 1].q];
  }

  finished(now: number): boolean {
    return now >= this.endTime - 1e-9;
  }

  /** The servo target at `now`. */
  target(now: number): number[] {
    const tau = now - this.start;
    const k = this.knots;
    if (tau <= k[0].t) return [...k[0].q];
    for (let i = 1; i < k.length; i++) {
      if (tau < k[i].t) {
        const a = k[i - 1];
        const b = k[i];
        const u = (tau - a.t) / (b.t - a.t);
        return a.q.map((qa, j) => qa + u * (b.q[j] - qa));
      }
    }
    return [...k[k.length - 1].q];
  }
}
