/**
 * A tiny dependency-free SVG line chart: line series on one or two y axes, ticks, axis labels,
 * a title and a legend. For loss curves, sparsity schedules and trajectories in docs/ and in
 * training summaries.
 *
 *   writeFileAtomic('docs/loss.svg', lineChartSvg([{ name: 'loss', y: losses }], { xLabel: 'step' }));
 */

export interface LineSeries {
  name: string;
  /** Defaults to 0, 1, 2, ... */
  x?: readonly number[];
  y: readonly number[];
  /** CSS color; defaults cycle through a palette. */
  color?: string;
  /** Which y axis it is drawn against. Default 'left'. */
  axis?: 'left' | 'right';
  dashed?: boolean;
}

export interface LineChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Label of the right-hand y axis (used when a series has axis: 'right'). */
  y2Label?: string;
  width?: number;
  height?: number;
  /** Logarithmic left axis (values ≤ 0 are dropped). */
  logY?: boolean;
  /** Vertical marker lines at x positions (e.g. keyframes), labelled at the top. */
  markers?: readonly { x: number; label?: string; color?: string }[];
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** About `n` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Ticks for a log10 axis spanning [lo, hi] (in log10 units): decades, or 1-2-5 steps when narrow. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const mults = hi - lo >= 2 ? [1] : [1, 2, 5];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const m of mults) {
      const t = Math.log10(m) + e;
      if (t >= lo - 1e-9 && t <= hi + 1e-9) out.push(t);
    }
  }
  return out;
}

const fmt = (v: number) => {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
};

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

export function lineChartSvg(series: readonly LineSeries[], opts: LineChartOptions = {}): string {
  const W = opts.width ?? 720;
  const H = opts.height ?? 400;
  const hasRight = series.some((s) => s.axis === 'right');
  const m = { left: 70, right: hasRight ? 80 : 20, top: opts.title ? 40 : 20, bottom: 50 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const xsOf = (s: LineSeries) => s.x ?? s.y.map((_, i) => i);
  const tf = (v: number) => (opts.logY ? Math.log10(v) : v);
  const ok = (v: number, right: boolean) => Number.isFinite(v) && (right || !opts.logY || v > 0);

  const [x0, x1] = extent(series.flatMap((s) => [...xsOf(s)]));
  const leftVals = series.filter((s) => s.axis !== 'right').flatMap((s) => s.y.filter((v) => ok(v, false)).map(tf));
  const rightVals = series.filter((s) => s.axis === 'right').flatMap((s) => s.y.filter(Number.isFinite));
  const [l0, l1] = extent(leftVals);
  const [r0, r1] = extent(rightVals);
  const px = (x: number) => m.left + ((x - x0) / (x1 - x0 || 1)) * pw;
  const py = (v: number, lo: number, hi: number) => m.top + ph - ((v - lo) / (hi - lo || 1)) * ph;

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (opts.title) parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(opts.title)}</text>`);

  // Grid and ticks.
  for (const t of niceTicks(x0, x1)) {
    const x = px(t).toFixed(1);
    parts.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${m.top + ph + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of opts.logY ? logTicks(l0, l1) : niceTicks(l0, l1)) {
    const y = py(t, l0, l1).toFixed(1);
    parts.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(opts.logY ? 10 ** t : t)}</text>`);
  }
  if (hasRight) {
    for (const t of niceTicks(r0, r1)) {
      const y = py(t, r0, r1).toFixed(1);
      parts.push(`<text x="${m.left + pw + 6}" y="${y}" dominant-baseline="middle">${fmt(t)}</text>`);
    }
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  if (opts.xLabel) parts.push(`<text x="${m.left + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel) {
    parts.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  }
  if (hasRight && opts.y2Label) {
    parts.push(`<text transform="translate(${W - 20} ${m.top + ph / 2}) rotate(90)" text-anchor="middle">${esc(opts.y2Label)}</text>`);
  }

  for (const mk of opts.markers ?? []) {
    if (!Number.isFinite(mk.x) || mk.x < x0 || mk.x > x1) continue;
    const x = px(mk.x).toFixed(1);
    const c = mk.color ?? '#888';
    parts.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + ph}" stroke="${c}" stroke-dasharray="3 3"/>`);
    if (mk.label) parts.push(`<text transform="translate(${x} ${m.top + 4}) rotate(90)" font-size="10" fill="${c}">${esc(mk.label)}</text>`);
  }

  // Lines, then the legend on top.
  series.forEach((s, i) => {
    const right = s.axis === 'right';
    const color = s.color ?? palette[i % palette.length];
    const xs = xsOf(s);
    // A missing value breaks the line: a gap in the data shows as a gap, not as a straight join.
    const runs: string[][] = [[]];
    s.y.forEach((v, k) => {
      if (!Number.isFinite(v) || !Number.isFinite(xs[k])) {
        if (runs[runs.length - 1].length) runs.push([]);
        return;
      }
      if (!ok(v, right)) return; // not drawable on a log axis: skipped, not a gap
      const y = right ? py(v, r0, r1) : py(tf(v), l0, l1);
      runs[runs.length - 1].push(`${px(xs[k]).toFixed(1)},${y.toFixed(1)}`);
    });
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    for (const pts of runs) {
      if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.6"${dash} points="${pts.join(' ')}"/>`);
      else if (pts.length === 1) {
        const [cx, cy] = pts[0].split(',');
        parts.push(`<circle cx="${cx}" cy="${cy}" r="1.6" fill="${color}"/>`); // a lone sample between gaps
      }
    }
  });
  series.forEach((s, i) => {
    const color = s.color ?? palette[i % palette.length];
    const y = m.top + 14 + i * 18;
    const x = m.left + 12;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${color}" stroke-width="2"${dash}/>`);
    const label = s.axis === 'right' && hasRight ? `${s.name} (right)` : s.name;
    parts.push(`<text x="${x + 28}" y="${y}" dominant-baseline="middle">${esc(label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
