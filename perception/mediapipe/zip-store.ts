/**
 * A minimal ZIP archive of stored (uncompressed) entries, which is what a MediaPipe .task bundle
 * is. Each entry's data starts 64-byte aligned (padding in the local header's extra field, as
 * Android's zipalign does), so models can be used in place.
 */

import { crc32 } from '../../core/crc32.ts';
export { crc32 };

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const ALIGN = 64;
// Fixed DOS date (1980-01-01 00:00) so the same inputs give the same bytes.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

export function writeZipStore(entries: ZipEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const crc = crc32(e.data);
    // Extra field: one record (id 0xD935, zipalign's) whose data is padding up to the alignment.
    const before = offset + 30 + name.length + 4;
    const padLen = (ALIGN - (before % ALIGN)) % ALIGN;
    const local = new Uint8Array(30 + name.length + 4 + padLen);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 10, true); // version needed: 1.0
    lv.setUint16(6, 0, true); // flags
    lv.setUint16(8, 0, true); // method: stored
    lv.setUint16(10, DOS_TIME, true);
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, e.data.length, true);
    lv.setUint32(22, e.data.length, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, 4 + padLen, true);
    local.set(name, 30);
    lv.setUint16(30 + name.length, 0xd935, true);
    lv.setUint16(32 + name.length, padLen, true);
    parts.push(local, e.data);

    const cd = new Uint8Array(46 + name.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true); // made by
    cv.setUint16(6, 10, true);
    cv.setUint16(8, 0, true);
    cv.setUint16(10, 0, true);
    cv.setUint16(12, DOS_TIME, true);
    cv.setUint16(14, DOS_DATE, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, e.data.length, true);
    cv.setUint32(24, e.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true); // local header offset
    cd.set(name, 46);
    central.push(cd);
    offset += local.length + e.data.length;
  }
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let p = 0;
  for (const part of [...parts, ...central, end]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

export interface ZipListing {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  size: number;
  /** Start of the stored data (meaningful for stored entries). */
  dataOffset: number;
  crc: number;
}

/** The entries of a ZIP archive, from its central directory; throws on anything malformed. */
export function listZip(zip: Uint8Array): ZipListing[] {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (v.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a ZIP archive (no end of central directory)');
  const count = v.getUint16(eocd + 10, true);
  let p = v.getUint32(eocd + 16, true);
  const out: ZipListing[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > zip.length || v.getUint32(p, true) !== 0x02014b50) throw new Error('ZIP central directory is corrupt');
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    const size = v.getUint32(p + 20, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    const local = v.getUint32(p + 42, true);
    const name = new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLen));
    if (local + 30 > zip.length || v.getUint32(local, true) !== 0x04034b50) throw new Error(`ZIP entry ${name} is corrupt`);
    const dataOffset = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    out.push({ name, method, size, dataOffset, crc });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
