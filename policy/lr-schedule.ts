/** Cosine learning rate with linear warm-up (diffusers' get_cosine_schedule_with_warmup). */
export function cosineWithWarmup(lr: number, warmup: number, total: number): (step: number) => number {
  return (step) => {
    if (step < warmup) return (lr * (step + 1)) / warmup;
    const p = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
    return lr * 0.5 * (1 + Math.cos(Math.PI * p));
  };
}
