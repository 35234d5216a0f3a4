/** core/plot.ts: the SVG line chart used for HESSO's loss/sparsity curve. */
import { describe, expect, it } from 'vitest';
import { lineChartSvg, logTicks, niceTicks } from '../../core/plot.ts';

describe('lineChartSvg', () => {
  it('draws one polyline per series with its points inside the plot area', () => {
    const svg = lineChartSvg(
      [
        { name: 'loss', y: [3, 2, 1.5, 1] },
        { name: 'sparsity <50%>', x: [0, 1, 2, 3], y: [0, 0.1, 0.3, 0.5], axis: 'right' },
      ],
      { title: 'T', xLabel: 'step', yLabel: 'loss', y2Label: 'sparsity', width: 400, height: 300 },
    );
    expect(svg.startsWith('<svg')).toBe(true);
    const lines = [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));
    expect(lines).toHaveLength(2);
    for (const pts of lines) {
      expect(pts).toHaveLength(4);
      for (const [x, y] of pts) {
        expect(x).toBeGreaterThanOrEqual(70);
        expect(x).toBeLessThanOrEqual(400);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(300);
      }
    }
    // Decreasing loss goes down the page (y grows), increasing sparsity goes up.
    expect(lines[0][3][1]).toBeGreaterThan(lines[0][0][1]);
    expect(lines[1][3][1]).toBeLessThan(lines[1][0][1]);
    expect(svg).toContain('sparsity &lt;50%&gt; (right)');
  });

  it('picks round ticks', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97)).toEqual([20, 40, 60, 80]);
    expect(logTicks(-2, 1).map((t) => Number((10 ** t).toPrecision(3)))).toEqual([0.01, 0.1, 1, 10]);
    expect(logTicks(-1.1, -0.2).map((t) => Number((10 ** t).toPrecision(3)))).toEqual([0.1, 0.2, 0.5]);
  });

  it('breaks the line where a value is missing', () => {
    const svg = lineChartSvg([{ name: 'a', y: [1, 2, NaN, NaN, 3, 4, 5] }]);
    const runs = [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)].map((m) => m[1].split(' ').length);
    expect(runs).toEqual([2, 3]);
  });

  it('drops non-positive values on a log axis instead of failing', () => {
    const svg = lineChartSvg([{ name: 'l', y: [1, 0, -1, 0.1] }], { logY: true });
    const pts = /points="([^"]+)"/.exec(svg)![1].split(' ');
    expect(pts).toHaveLength(2);
  });
});
