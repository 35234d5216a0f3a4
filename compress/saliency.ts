/**
 * HESSO's group saliency: several criteria between the weights x_g and the update direction
 * d_g of each group, each normalised by its L2 norm over all groups, then mixed by weights.
 * Low saliency = redundant.
 *  - magnitude: ‖x_g‖;  avg_magnitude: ‖x_g‖ / |g|
 *  - cosine_similarity: cos(x_g, −d_g) + 1 — low when the optimizer itself shrinks the group
 *  - taylor_first_order: |⟨x_g, d_g⟩|;  taylor_second_order: ½⟨x_g, d_g⟩²
 *    (the loss change of removing the group, with d standing for the gradient)
 */
export type SaliencyCriterion = 'magnitude' | 'avg_magnitude' | 'cosine_similarity' | 'taylor_first_order' | 'taylor_second_order';

export type SaliencyWeights = Partial<Record<SaliencyCriterion, number>>;

export const defaultSaliencyWeights: Readonly<Record<SaliencyCriterion, number>> = {
  magnitude: 0.2,
  avg_magnitude: 0.2,
  cosine_similarity: 0.2,
  taylor_first_order: 0.2,
  taylor_second_order: 0.2,
};

export interface GroupMoments {
  /** ‖x_g‖² */
  xx: Float64Array;
  /** ⟨x_g, d_g⟩ */
  xd: Float64Array;
  /** ‖d_g‖² */
  dd: Float64Array;
  /** scalars per group */
  size: Float64Array;
}

export function saliency(m: GroupMoments, weights: SaliencyWeights = defaultSaliencyWeights): Float64Array {
  const n = m.xx.length;
  const raw: Record<SaliencyCriterion, (g: number) => number> = {
    magnitude: (g) => Math.sqrt(m.xx[g]),
    avg_magnitude: (g) => Math.sqrt(m.xx[g]) / Math.max(1, m.size[g]),
    cosine_similarity: (g) => -m.xd[g] / (Math.sqrt(m.xx[g]) * Math.sqrt(m.dd[g]) + 1e-12) + 1,
    taylor_first_order: (g) => Math.abs(m.xd[g]),
    taylor_second_order: (g) => 0.5 * m.xd[g] ** 2,
  };
  const out = new Float64Array(n);
  for (const [name, w] of Object.entries(weights) as [SaliencyCriterion, number][]) {
    if (!w) continue;
    const v = Float64Array.from({ length: n }, (_, g) => raw[name](g));
    const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0)) + 1e-12;
    for (let g = 0; g < n; g++) out[g] += (w * v[g]) / norm;
  }
  return out;
}
