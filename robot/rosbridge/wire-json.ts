/**
 * rosbridge's JSON: a Uint8Array (a `uint8[]` field such as PointCloud2's `data`) is written as
 * base64, as rosbridge does; other typed arrays as arrays. Reading also takes what Python's
 * json module writes for NaN and infinities (`NaN`, `Infinity`, `-Infinity`, not JSON), as null:
 * the message parsers read a null float as NaN.
 */
import { bytesToBase64 } from './messages.ts';

function replacer(_key: string, v: unknown): unknown {
  if (v instanceof Uint8Array) return bytesToBase64(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (typeof v === 'bigint') return Number(v);
  return v;
}

export function encodeRosJson(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/** JSON.parse, falling back to reading bare NaN / Infinity / -Infinity tokens (outside strings) as null. */
export function parseRosJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
  }
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (text.startsWith('NaN', i)) {
      out += 'null';
      i += 3;
    } else if (text.startsWith('-Infinity', i)) {
      out += 'null';
      i += 9;
    } else if (text.startsWith('Infinity', i)) {
      out += 'null';
      i += 8;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out);
}
