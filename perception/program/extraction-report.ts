/**
 * A one-page HTML report of a program extraction: per hand, the gripper trajectory (x, y, z),
 * speed and thumb–index aperture over time, with the chosen keyframes and grasp/release events
 * marked, and the resulting keyposes as a table.
 */
import { lineChartSvg } from '../../core/plot.ts';
import { HAND_SIDES } from '../../core/hands.ts';
import type { Extraction } from './extract-program.ts';
import { speeds } from './keyframes.ts';

const COLORS: Record<string, string> = { grasp: '#d62728', release: '#2ca02c', stop: '#555', shape: '#9467bd', end: '#555', wait: '#ff7f0e' };

export function extractionReportHtml(ex: Extraction, title: string): string {
  const sections = HAND_SIDES.map((h) => {
    const a = ex.hands[h];
    const t = a.poses.map((_, i) => i / ex.fps);
    const markers = a.keyposes.map((k) => ({ x: k.frame / ex.fps, label: k.reason, color: COLORS[k.reason] ?? '#555' }));
    const pos = (k: 0 | 1 | 2) => a.poses.map((p) => (p ? p.position[k] : NaN));
    const sp = speeds(a.poses, ex.fps);
    const traj = lineChartSvg(
      [
        { name: 'x', x: t, y: pos(0) },
        { name: 'y', x: t, y: pos(1) },
        { name: 'z', x: t, y: pos(2) },
      ],
      { title: `${h} hand → ${a.arm} arm: gripper position (world)`, xLabel: 'time (s)', yLabel: 'm', markers, width: 860, height: 300 },
    );
    const speed = lineChartSvg(
      [
        { name: 'speed', x: t, y: sp.linear },
        { name: 'aperture', x: t, y: a.aperture, axis: 'right' },
      ],
      { title: `${h} hand: speed and thumb–index aperture`, xLabel: 'time (s)', yLabel: 'speed (m/s)', y2Label: 'aperture (m)', markers, width: 860, height: 300 },
    );
    const rows = a.keyposes
      .map(
        (k, i) =>
          `<tr><td>${i}</td><td>${(k.frame / ex.fps).toFixed(2)}</td><td>${k.reason}</td><td>${k.position.map((v) => v.toFixed(3)).join(', ')}</td><td>${k.gripper}</td><td>${k.object ?? ''}</td><td>${k.sync ?? ''}</td></tr>`,
      )
      .join('\n');
    const events = a.events.map((e) => `${e.kind} ${e.object ?? '(no object)'} at ${(e.frame / ex.fps).toFixed(2)} s`).join('; ') || 'none';
    return `<h2>${h} hand → ${a.arm} arm</h2><p>Events: ${events}</p>${traj}${speed}
<table><tr><th>#</th><th>t (s)</th><th>why</th><th>position (m)</th><th>gripper</th><th>object</th><th>sync</th></tr>${rows}</table>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:sans-serif;max-width:900px;margin:2em auto}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px}</style>
</head><body><h1>${title}</h1>${sections.join('\n')}</body></html>\n`;
}
