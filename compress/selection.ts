/**
 * Choosing groups to remove without emptying any tensor: every tensor keeps at least one
 * channel, otherwise the subnet would have a zero-width layer.
 */
import type { TensorInfo, Zig } from './dependency-graph.ts';

export class ChannelBudget {
  private readonly left = new Map<string, number>();

  constructor(tensors: Map<string, TensorInfo>) {
    for (const [k, t] of tensors) this.left.set(k, t.channels);
  }

  canTake(z: Zig): boolean {
    return Object.entries(z.tensorCounts).every(([k, n]) => (this.left.get(k) ?? 0) - n >= 1);
  }

  take(z: Zig): void {
    for (const [k, n] of Object.entries(z.tensorCounts)) this.left.set(k, (this.left.get(k) ?? 0) - n);
  }

  clone(): ChannelBudget {
    const b = Object.create(ChannelBudget.prototype) as ChannelBudget;
    (b as unknown as { left: Map<string, number> }).left = new Map(this.left);
    return b;
  }
}

/**
 * Up to `count` of `candidates` (indices into `zigs`) in increasing `score` order, skipping
 * those the budget cannot afford; takes them from the budget.
 */
export function pickLowest(
  candidates: readonly number[],
  score: (i: number) => number,
  count: number,
  zigs: readonly Zig[],
  budget: ChannelBudget,
): number[] {
  const sorted = [...candidates].sort((a, b) => score(a) - score(b) || a - b);
  const out: number[] = [];
  for (const i of sorted) {
    if (out.length >= count) break;
    if (!budget.canTake(zigs[i])) continue;
    budget.take(zigs[i]);
    out.push(i);
  }
  return out;
}
