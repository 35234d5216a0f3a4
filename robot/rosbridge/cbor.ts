/**
 * CBOR (RFC 8949), the subset a rosbridge message needs: maps with string keys, arrays,
 * strings, integers, float64, booleans, null and byte strings (a Uint8Array — PointCloud2's
 * `data` — becomes a byte string, as rosbridge's `compression: 'cbor'` sends uint8[]). Other typed
 * arrays are written as arrays of numbers. Decoding also reads half/single floats, indefinite
 * lengths, and RFC 8746 typed-array tags (as typed arrays); other tags give their content.
 *
 * Here rather than the `cbor2` package because that is only roslib's dependency, not ours.
 */

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

class Writer {
  buf = new Uint8Array(1024);
  view = new DataView(this.buf.buffer);
  n = 0;

  private reserve(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.n++] = b;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  /** A head: major type and argument (length or unsigned value, < 2^64). */
  head(major: number, arg: number): void {
    const m = major << 5;
    if (arg < 24) this.byte(m | arg);
    else if (arg < 0x100) {
      this.byte(m | 24);
      this.byte(arg);
    } else if (arg < 0x10000) {
      this.byte(m | 25);
      this.reserve(2);
      this.view.setUint16(this.n, arg);
      this.n += 2;
    } else if (arg < 0x100000000) {
      this.byte(m | 26);
      this.reserve(4);
      this.view.setUint32(this.n, arg);
      this.n += 4;
    } else {
      this.byte(m | 27);
      this.reserve(8);
      this.view.setBigUint64(this.n, BigInt(arg));
      this.n += 8;
    }
  }

  float64(x: number): void {
    this.byte(0xfb);
    this.reserve(8);
    this.view.setFloat64(this.n, x);
    this.n += 8;
  }
}

function write(w: Writer, v: unknown, inArray: boolean): void {
  if (v === null || (v === undefined && inArray)) return w.byte(0xf6);
  if (v === undefined) return w.byte(0xf7);
  switch (typeof v) {
    case 'boolean':
      return w.byte(v ? 0xf5 : 0xf4);
    case 'number':
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) return v >= 0 ? w.head(0, v) : w.head(1, -1 - v);
      return w.float64(v);
    case 'bigint':
      return write(w, Number(v), inArray);
    case 'string': {
      const b = utf8.encode(v);
      w.head(3, b.length);
      return w.bytes(b);
    }
    case 'object':
      break;
    default:
      return w.byte(0xf7); // functions, symbols: as JSON would drop them
  }
  if (v instanceof Uint8Array) {
    w.head(2, v.length);
    return w.bytes(v);
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number | bigint>;
    w.head(4, a.length);
    for (let i = 0; i < a.length; i++) write(w, a[i], true);
    return;
  }
  if (Array.isArray(v)) {
    w.head(4, v.length);
    for (const x of v) write(w, x, true);
    return;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== 'function' && typeof x !== 'symbol');
  w.head(5, entries.length);
  for (const [k, x] of entries) {
    write(w, k, false);
    write(w, x, false);
  }
}

/** A JSON-like value → CBOR bytes (object entries that are undefined are left out, as in JSON). */
export function encodeCbor(value: unknown): Uint8Array {
  const w = new Writer();
  write(w, value, false);
  return w.buf.slice(0, w.n);
}

const BREAK = Symbol('break');

class Reader {
  i = 0;
  readonly view: DataView;
  constructor(readonly b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  need(k: number): void {
    if (this.i + k > this.b.length) throw new Error('CBOR data ends early');
  }

  /** The argument of a head with additional info `ai`; -1 for indefinite length. */
  arg(ai: number): number {
    if (ai < 24) return ai;
    if (ai === 31) return -1;
    const size = ai === 24 ? 1 : ai === 25 ? 2 : ai === 26 ? 4 : ai === 27 ? 8 : 0;
    if (size === 0) throw new Error(`bad CBOR additional info ${ai}`);
    this.need(size);
    const at = this.i;
    this.i += size;
    if (size === 1) return this.view.getUint8(at);
    if (size === 2) return this.view.getUint16(at);
    if (size === 4) return this.view.getUint32(at);
    return Number(this.view.getBigUint64(at));
  }

  take(k: number): Uint8Array {
    this.need(k);
    const out = this.b.subarray(this.i, this.i + k);
    this.i += k;
    return out;
  }

  item(): unknown {
    this.need(1);
    const ib = this.b[this.i++];
    const major = ib >> 5;
    const ai = ib & 31;
    if (major === 7) return this.simple(ai);
    const n = this.arg(ai);
    switch (major) {
      case 0:
        return n;
      case 1:
        return -1 - n;
      case 2:
      case 3: {
        let bytes: Uint8Array;
        if (n >= 0) bytes = this.take(n).slice();
        else {
          const parts: Uint8Array[] = [];
          for (;;) {
            const p = this.item();
            if (p === BREAK) break;
            if (major === 2 && !(p instanceof Uint8Array)) throw new Error('bad CBOR indefinite byte string');
            parts.push(major === 2 ? (p as Uint8Array) : utf8.encode(p as string));
          }
          bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
          let k = 0;
          for (const p of parts) {
            bytes.set(p, k);
            k += p.length;
          }
        }
        return major === 2 ? bytes : utf8Decoder.decode(bytes);
      }
      case 4: {
        const out: unknown[] = [];
        for (let k = 0; n < 0 || k < n; k++) {
          const x = this.item();
          if (x === BREAK) {
            if (n < 0) break;
            throw new Error('unexpected CBOR break');
          }
          out.push(x);
        }
        return out;
      }
      case 5: {
        const out: Record<string, unknown> = {};
        for (let k = 0; n < 0 || k < n; k++) {
          const key = this.item();
          if (key === BREAK) {
            if (n < 0) break;
            throw new Error('unexpected CBOR break');
          }
          out[String(key)] = this.item();
        }
        return out;
      }
      case 6:
        return this.tagged(n, this.item());
      default:
        throw new Error(`bad CBOR major type ${major}`);
    }
  }

  simple(ai: number): unknown {
    switch (ai) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25: {
        this.need(2);
        const h = this.view.getUint16(this.i);
        this.i += 2;
        return halfToFloat(h);
      }
      case 26: {
        this.need(4);
        const x = this.view.getFloat32(this.i);
        this.i += 4;
        return x;
      }
      case 27: {
        this.need(8);
        const x = this.view.getFloat64(this.i);
        this.i += 8;
        return x;
      }
      case 31:
        return BREAK;
      default:
        if (ai < 24) return undefined;
        if (ai === 24) {
          this.need(1);
          this.i++;
          return undefined;
        }
        throw new Error(`bad CBOR simple value ${ai}`);
    }
  }

  /** RFC 8746 typed arrays (tags 64–87) → typed arrays; any other tag → its content. */
  tagged(tag: number, content: unknown): unknown {
    if (tag < 64 || tag > 87 || !(content instanceof Uint8Array)) return content;
    const f = tag - 64; // bits: f (float) · s (signed) · e (little-endian) · ll (size)
    const float = (f & 0b10000) !== 0;
    const signed = (f & 0b01000) !== 0;
    const little = (f & 0b00100) !== 0;
    const ll = f & 0b11;
    const bytes = content;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (!float && ll === 0) return signed ? new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
    const size = float ? [2, 4, 8, 16][ll] : [1, 2, 4, 8][ll];
    const n = Math.floor(bytes.byteLength / size);
    const get = (k: number): number => {
      const at = k * size;
      if (float) return size === 2 ? halfToFloat(dv.getUint16(at, little)) : size === 4 ? dv.getFloat32(at, little) : dv.getFloat64(at, little);
      if (size === 2) return signed ? dv.getInt16(at, little) : dv.getUint16(at, little);
      if (size === 4) return signed ? dv.getInt32(at, little) : dv.getUint32(at, little);
      return Number(signed ? dv.getBigInt64(at, little) : dv.getBigUint64(at, little));
    };
    const out = float ? (size === 4 ? new Float32Array(n) : new Float64Array(n)) : new Float64Array(n);
    for (let k = 0; k < n; k++) out[k] = get(k);
    return out;
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (m / 1024);
  if (e === 31) return m ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + m / 1024);
}

/** CBOR bytes → a value (byte strings as Uint8Array); throws on malformed or trailing data. */
export function decodeCbor(bytes: Uint8Array): unknown {
  const r = new Reader(bytes);
  const v = r.item();
  if (v === BREAK) throw new Error('unexpected CBOR break');
  if (r.i !== bytes.length) throw new Error(`${bytes.length - r.i} bytes after the CBOR item`);
  return v;
}
