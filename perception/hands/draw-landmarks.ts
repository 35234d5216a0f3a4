/** Draws hand skeletons onto raw RGBA frames for the preview video (no canvas needed in Node). */

/** MediaPipe's hand connections (landmark index pairs). */
export const HAND_CONNECTIONS: [number, number][] = [
  [0, 1], [1, 2], [2, 3], [3, 4], [0, 5], [5, 6], [6, 7], [7, 8], [5, 9], [9, 10], [10, 11], [11, 12],
  [9, 13], [13, 14], [14, 15], [15, 16], [13, 17], [0, 17], [17, 18], [18, 19], [19, 20],
];

export interface Canvas {
  width: number;
  height: number;
  /** RGBA, top row first. */
  data: Uint8Array;
}

function dot(c: Canvas, x: number, y: number, r: number, rgb: [number, number, number]): void {
  const x0 = Math.max(0, Math.floor(x - r));
  const x1 = Math.min(c.width - 1, Math.ceil(x + r));
  const y0 = Math.max(0, Math.floor(y - r));
  const y1 = Math.min(c.height - 1, Math.ceil(y + r));
  for (let yy = y0; yy <= y1; yy++)
    for (let xx = x0; xx <= x1; xx++) {
      if ((xx - x) ** 2 + (yy - y) ** 2 > r * r) continue;
      const o = 4 * (yy * c.width + xx);
      c.data[o] = rgb[0];
      c.data[o + 1] = rgb[1];
      c.data[o + 2] = rgb[2];
      c.data[o + 3] = 255;
    }
}

function line(c: Canvas, a: [number, number], b: [number, number], rgb: [number, number, number]): void {
  const n = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]));
  for (let i = 0; i <= n; i++) {
    const t = n ? i / n : 0;
    dot(c, a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, 1, rgb);
  }
}

export function drawHand(c: Canvas, landmarks: readonly [number, number][], rgb: [number, number, number], xOffset = 0): void {
  const p = landmarks.map(([x, y]) => [x + xOffset, y] as [number, number]);
  for (const [i, j] of HAND_CONNECTIONS) line(c, p[i], p[j], rgb);
  for (const q of p) dot(c, q[0], q[1], 2.5, rgb);
}

/** Two RGB frames side by side as one RGBA canvas. */
export function sideBySide(left: { width: number; height: number; rgb: Uint8Array }, right: { width: number; height: number; rgb: Uint8Array }): Canvas {
  const width = left.width + right.width;
  const height = Math.max(left.height, right.height);
  const data = new Uint8Array(width * height * 4);
  const blit = (f: { width: number; height: number; rgb: Uint8Array }, x0: number) => {
    for (let y = 0; y < f.height; y++)
      for (let x = 0; x < f.width; x++) {
        const s = 3 * (y * f.width + x);
        const o = 4 * (y * width + x0 + x);
        data[o] = f.rgb[s];
        data[o + 1] = f.rgb[s + 1];
        data[o + 2] = f.rgb[s + 2];
        data[o + 3] = 255;
      }
  };
  blit(left, 0);
  blit(right, left.width);
  return { width, height, data };
}
