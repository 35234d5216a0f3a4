/**
 * Just enough FlatBuffers to add metadata to a TFLite model: read a table's fields from an
 * existing buffer, and write new tables, strings and vectors that may point at objects of an
 * existing buffer placed after them.
 *
 * The writer lays objects out front to back (parent before child), because a FlatBuffers
 * reference (uoffset) is unsigned and must point forward. A vtable sits just before its table
 * (the table's soffset to it is signed, so either side works).
 */

/** Read access to the tables of a finished FlatBuffer. */
export class FbReader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Absolute position of the root table. */
  root(): number {
    return this.view.getUint32(0, true);
  }

  /** The 4-character file identifier after the root offset ('' if absent). */
  identifier(): string {
    return String.fromCharCode(...this.bytes.subarray(4, 8));
  }

  /** Number of field slots in a table's vtable. */
  fieldCount(table: number): number {
    const vt = table - this.view.getInt32(table, true);
    return (this.view.getUint16(vt, true) - 4) / 2;
  }

  /** Absolute position of a field's inline value, or null when absent. */
  field(table: number, id: number): number | null {
    const vt = table - this.view.getInt32(table, true);
    const vtSize = this.view.getUint16(vt, true);
    if (4 + 2 * id >= vtSize) return null;
    const off = this.view.getUint16(vt + 4 + 2 * id, true);
    return off === 0 ? null : table + off;
  }

  /** Follow the uoffset stored at `pos`. */
  deref(pos: number): number {
    return pos + this.view.getUint32(pos, true);
  }

  /** Absolute position of the object an offset field points at, or null. */
  ref(table: number, id: number): number | null {
    const p = this.field(table, id);
    return p === null ? null : this.deref(p);
  }

  u32(table: number, id: number, dflt = 0): number {
    const p = this.field(table, id);
    return p === null ? dflt : this.view.getUint32(p, true);
  }

  string(table: number, id: number): string | null {
    const s = this.ref(table, id);
    if (s === null) return null;
    const n = this.view.getUint32(s, true);
    return new TextDecoder().decode(this.bytes.subarray(s + 4, s + 4 + n));
  }

  /** Absolute positions of the tables in a vector of tables. */
  tableVector(table: number, id: number): number[] {
    const v = this.ref(table, id);
    if (v === null) return [];
    const n = this.view.getUint32(v, true);
    return Array.from({ length: n }, (_, i) => this.deref(v + 4 + 4 * i));
  }

  /** The bytes of a [ubyte] vector field. */
  byteVector(table: number, id: number): Uint8Array | null {
    const v = this.ref(table, id);
    if (v === null) return null;
    const n = this.view.getUint32(v, true);
    return this.bytes.subarray(v + 4, v + 4 + n);
  }
}

export type Scalar = 'u8' | 'i8' | 'u16' | 'u32' | 'i32' | 'f32' | 'u64';

/** An object to write. `external` points at an object of a buffer appended after this one. */
export type FbNode =
  | { kind: 'table'; fields: FbField[] }
  | { kind: 'string'; value: string }
  | { kind: 'tables'; items: FbNode[] }
  | { kind: 'f32s'; values: number[] }
  | { kind: 'bytes'; data: Uint8Array; align: number }
  | { kind: 'external'; pos: number };

export type FbField =
  | { id: number; scalar: Scalar; value: number }
  | { id: number; node: FbNode };

const SIZE: Record<Scalar, number> = { u8: 1, i8: 1, u16: 2, u32: 4, i32: 4, f32: 4, u64: 8 };

export const table = (fields: FbField[]): FbNode => ({ kind: 'table', fields });
export const str = (value: string): FbNode => ({ kind: 'string', value });
export const tables = (items: FbNode[]): FbNode => ({ kind: 'tables', items });
export const f32s = (values: number[]): FbNode => ({ kind: 'f32s', values });
export const external = (pos: number): FbNode => ({ kind: 'external', pos });

/**
 * Serialize a tree of objects with `root` as the root table. `identifier` (4 chars) goes after
 * the root offset. Returns the bytes and, when the tree has `external` nodes, needs `tailAt`: the
 * position the appended buffer will start at — it must be known up front, so the caller passes a
 * function that gets the written length and returns that position (e.g. rounded up).
 */
export function writeFlatBuffer(
  root: FbNode,
  identifier: string,
  tailAt: (writtenLength: number) => number = (n) => n,
): { bytes: Uint8Array; tailOffset: number } {
  let buf = new Uint8Array(1024);
  let len = 0;
  const ensure = (n: number): void => {
    if (len + n <= buf.length) return;
    let cap = buf.length;
    while (len + n > cap) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(buf.subarray(0, len));
    buf = next;
  };
  const view = (): DataView => new DataView(buf.buffer);
  const pad = (align: number, plus = 0): void => {
    const p = (align - ((len + plus) % align)) % align;
    ensure(p);
    buf.fill(0, len, len + p);
    len += p;
  };
  const put = (s: Scalar, v: number, at = -1): void => {
    const pos = at >= 0 ? at : len;
    if (at < 0) {
      ensure(SIZE[s]);
      len += SIZE[s];
    }
    const dv = view();
    switch (s) {
      case 'u8': dv.setUint8(pos, v); break;
      case 'i8': dv.setInt8(pos, v); break;
      case 'u16': dv.setUint16(pos, v, true); break;
      case 'u32': dv.setUint32(pos, v, true); break;
      case 'i32': dv.setInt32(pos, v, true); break;
      case 'f32': dv.setFloat32(pos, v, true); break;
      case 'u64': dv.setBigUint64(pos, BigInt(v), true); break;
    }
  };

  // Offset slots to fill once their targets are written.
  const externals: { at: number; pos: number }[] = [];
  const pending: { at: number; node: FbNode }[] = [];

  const write = (node: FbNode): number => {
    switch (node.kind) {
      case 'external':
        throw new Error('an external object is only reachable through an offset');
      case 'string': {
        const b = new TextEncoder().encode(node.value);
        pad(4);
        const pos = len;
        put('u32', b.length);
        ensure(b.length + 1);
        buf.set(b, len);
        buf[len + b.length] = 0;
        len += b.length + 1;
        return pos;
      }
      case 'f32s': {
        pad(4);
        const pos = len;
        put('u32', node.values.length);
        for (const v of node.values) put('f32', v);
        return pos;
      }
      case 'bytes': {
        pad(Math.max(4, node.align), 4);
        const pos = len;
        put('u32', node.data.length);
        ensure(node.data.length);
        buf.set(node.data, len);
        len += node.data.length;
        return pos;
      }
      case 'tables': {
        pad(4);
        const pos = len;
        put('u32', node.items.length);
        const slots = node.items.map(() => {
          const at = len;
          put('u32', 0);
          return at;
        });
        node.items.forEach((item, i) => refTo(slots[i], item));
        return pos;
      }
      case 'table': {
        const fields = [...node.fields].sort((a, b) => a.id - b.id);
        const maxId = fields.reduce((m, f) => Math.max(m, f.id), -1);
        // Inline layout: soffset (4 bytes), then fields largest first so each is aligned.
        const sizeOf = (f: FbField): number => ('scalar' in f ? SIZE[f.scalar] : 4);
        const order = [...fields].sort((a, b) => sizeOf(b) - sizeOf(a));
        const offsets = new Map<number, number>();
        let inline = 4;
        for (const f of order) {
          const s = sizeOf(f);
          inline = Math.ceil(inline / s) * s;
          offsets.set(f.id, inline);
          inline += s;
        }
        const vtSize = 4 + 2 * (maxId + 1);
        // The table starts 8-aligned (for u64 fields), right after its vtable.
        pad(2);
        pad(8, vtSize);
        const vt = len;
        put('u16', vtSize);
        put('u16', inline);
        for (let id = 0; id <= maxId; id++) put('u16', offsets.get(id) ?? 0);
        const pos = len;
        ensure(Math.ceil(inline / 4) * 4);
        buf.fill(0, len, len + inline);
        len += inline;
        put('i32', pos - vt, pos);
        for (const f of fields) {
          const at = pos + offsets.get(f.id)!;
          if ('scalar' in f) put(f.scalar, f.value, at);
          else pending.push({ at, node: f.node });
        }
        pad(4);
        return pos;
      }
    }
  };

  // Children are written right after their parent (depth first), so offsets point forward.
  const refTo = (at: number, node: FbNode): void => {
    if (node.kind === 'external') {
      externals.push({ at, pos: node.pos });
      return;
    }
    pending.push({ at, node });
  };
  const flush = (): void => {
    while (pending.length > 0) {
      const { at, node } = pending.shift()!;
      if (node.kind === 'external') {
        externals.push({ at, pos: node.pos });
        continue;
      }
      const pos = write(node);
      put('u32', pos - at, at);
    }
  };

  put('u32', 0);
  if (identifier.length !== 4) throw new Error('a FlatBuffer identifier has 4 characters');
  for (const c of identifier) put('u8', c.charCodeAt(0));
  pending.push({ at: 0, node: root });
  flush();
  const tailOffset = tailAt(len);
  if (tailOffset < len) throw new Error('the appended buffer would overlap the written objects');
  for (const e of externals) put('u32', tailOffset + e.pos - e.at, e.at);
  return { bytes: buf.slice(0, len), tailOffset };
}
