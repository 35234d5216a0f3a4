/** The before/after table the compression commands print. */
import { evaluatePolicy, policyStats, type Policy, type PolicyStats } from '../policy/index.ts';

export interface StatsRow extends PolicyStats {
  name: string;
  episodes: number;
  success_rate: number | null;
}

/** Sizes, FLOPs, denoise latency and (episodes > 0) success over held-out placements. */
export async function statsRow(name: string, policy: Policy, episodes: number, seed = 100000): Promise<StatsRow> {
  const s = policyStats(policy);
  const ev = episodes > 0 ? await evaluatePolicy(policy, { episodes, seed }) : null;
  return { name, ...s, episodes, success_rate: ev ? ev.success_rate : null };
}

export const human = (n: number): string => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));
const change = (a: number, b: number) => (a === 0 ? '' : `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)}%`);

export function printComparison(a: StatsRow, b: StatsRow): void {
  const rows: [string, string, string, string][] = [
    ['params', human(a.params), human(b.params), change(a.params, b.params)],
    ['FLOPs / network call', human(a.flops), human(b.flops), change(a.flops, b.flops)],
    ['FLOPs / denoise', human(a.denoise_flops), human(b.denoise_flops), change(a.denoise_flops, b.denoise_flops)],
    [
      'denoise latency p50',
      a.latency_ms_p50 === null ? '-' : `${a.latency_ms_p50.toFixed(1)} ms`,
      b.latency_ms_p50 === null ? '-' : `${b.latency_ms_p50.toFixed(1)} ms`,
      a.latency_ms_p50 && b.latency_ms_p50 ? `${(a.latency_ms_p50 / b.latency_ms_p50).toFixed(2)}× faster` : '',
    ],
    [
      `success (${a.episodes} episode${a.episodes === 1 ? '' : 's'})`,
      a.success_rate === null ? '-' : `${(100 * a.success_rate).toFixed(0)}%`,
      b.success_rate === null ? '-' : `${(100 * b.success_rate).toFixed(0)}%`,
      a.success_rate !== null && b.success_rate !== null ? `${((b.success_rate - a.success_rate) * 100).toFixed(0)} points` : '',
    ],
  ];
  const w = [22, 12, 12];
  console.log(`${''.padEnd(w[0])}${a.name.padStart(w[1])}${b.name.padStart(w[2])}  change`);
  for (const r of rows) console.log(`${r[0].padEnd(w[0])}${r[1].padStart(w[1])}${r[2].padStart(w[2])}  ${r[3]}`);
}
