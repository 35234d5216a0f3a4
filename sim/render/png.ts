/**
 * Minimal PNG encode/decode for 8-bit RGBA images (node:zlib does the compression), so rendered
 * frames can be written and read back without an image library.
 */
import { deflateSync, inflateSync } from 'node:zlib';

/** An RGBA image, top row first, 4 bytes per pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

import { crc32 } from '../../core/crc32.ts';

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'ascii');
  out.set(body, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

/** Encode RGBA (top row first). `level` is the zlib level: 1–3 is fast and plenty for renders. */
export function encodePng(img: RgbaImage, level = 3): Buffer {
  const { width, height, data } = img;
  if (data.length !== width * height * 4) throw new Error(`encodePng: ${data.length} bytes for ${width}×${height} RGBA`);
  const row = width * 4;
  // Filter "Sub" on every row: cheap, and shrinks flat-shaded renders a lot.
  const raw = Buffer.alloc((row + 1) * height);
  for (let y = 0; y < height; y++) {
    const o = y * (row + 1);
    const s = y * row;
    raw[o] = 1;
    for (let i = 0; i < 4; i++) raw[o + 1 + i] = data[s + i];
    for (let i = 4; i < row; i++) raw[o + 1 + i] = (data[s + i] - data[s + i - 4]) & 0xff;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decode an 8-bit, non-interlaced greyscale/RGB/RGBA PNG to RGBA. */
export function decodePng(png: Uint8Array): RgbaImage {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.length);
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('decodePng: not a PNG');
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Buffer[] = [];
  for (let p = 8; p < buf.length; ) {
    const len = buf.readUInt32BE(p);
    const type = buf.toString('ascii', p + 4, p + 8);
    const body = buf.subarray(p + 8, p + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      colorType = body[9];
      if (body[8] !== 8 || body[12] !== 0) throw new Error('decodePng: only 8-bit non-interlaced PNGs');
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    p += 12 + len;
  }
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (!channels) throw new Error(`decodePng: unsupported colour type ${colorType}`);
  const raw = inflateSync(Buffer.concat(idat));
  const row = width * channels;
  const pix = new Uint8Array(row * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (row + 1)];
    const src = y * (row + 1) + 1;
    const dst = y * row;
    for (let i = 0; i < row; i++) {
      const x = raw[src + i];
      const a = i >= channels ? pix[dst + i - channels] : 0;
      const b = y > 0 ? pix[dst - row + i] : 0;
      const c = y > 0 && i >= channels ? pix[dst - row + i - channels] : 0;
      pix[dst + i] = (f === 0 ? x : f === 1 ? x + a : f === 2 ? x + b : f === 3 ? x + ((a + b) >> 1) : x + paeth(a, b, c)) & 0xff;
    }
  }
  if (channels === 4) return { width, height, data: pix };
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const grey = channels <= 2;
    data[4 * i] = pix[s];
    data[4 * i + 1] = grey ? pix[s] : pix[s + 1];
    data[4 * i + 2] = grey ? pix[s] : pix[s + 2];
    data[4 * i + 3] = channels === 2 ? pix[s + 1] : 255;
  }
  return { width, height, data };
}

/** The [r, g, b, a] of pixel (x, y), y = 0 the top row. */
export function pixelAt(img: RgbaImage, x: number, y: number): [number, number, number, number] {
  const o = 4 * (Math.floor(y) * img.width + Math.floor(x));
  return [img.data[o], img.data[o + 1], img.data[o + 2], img.data[o + 3]];
}
