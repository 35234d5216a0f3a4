import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng, decodePng, pixelAt } from '../../sim/render/png.ts';
import { flipRows } from '../../sim/render/scene-renderer.ts';
import { Rng } from '../../core/rng.ts';

const ffmpegToRgba = (input: string): Buffer =>
  execFileSync('ffmpeg', ['-v', 'error', '-i', input, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-']);

describe('png', () => {
  it('round-trips an RGBA image', () => {
    const rng = new Rng(7);
    const data = Uint8Array.from({ length: 13 * 9 * 4 }, () => rng.int(256));
    const img = decodePng(encodePng({ width: 13, height: 9, data }));
    expect(img.width).toBe(13);
    expect(img.height).toBe(9);
    expect(Buffer.from(img.data).equals(Buffer.from(data))).toBe(true);
  });

  it('agrees with ffmpeg both ways', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yoto-png-'));
    try {
      // ffmpeg's own PNG (RGB, adaptive filters) decodes to the pixels ffmpeg reads from it.
      const theirs = join(dir, 'theirs.png');
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48', '-frames:v', '1', '-pred', 'mixed', theirs]);
      const decoded = decodePng(readFileSync(theirs));
      expect([decoded.width, decoded.height]).toEqual([64, 48]);
      expect(Buffer.from(decoded.data).equals(ffmpegToRgba(theirs))).toBe(true);
      // ffmpeg reads our PNG as the pixels we wrote.
      const rng = new Rng(3);
      const data = Uint8Array.from({ length: 31 * 17 * 4 }, () => rng.int(256));
      const ours = join(dir, 'ours.png');
      writeFileSync(ours, encodePng({ width: 31, height: 17, data }));
      expect(ffmpegToRgba(ours).equals(Buffer.from(data))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pixelAt counts rows from the top; flipRows turns GL order upside down', () => {
    const data = new Uint8Array(2 * 3 * 4);
    data.set([9, 8, 7, 6], 4 * (2 * 2 + 1)); // x = 1, y = 2 (bottom row)
    const img = { width: 2, height: 3, data };
    expect(pixelAt(img, 1, 2)).toEqual([9, 8, 7, 6]);
    expect(pixelAt({ ...img, data: flipRows(data, 2, 3) }, 1, 0)).toEqual([9, 8, 7, 6]);
  });
});
