/**
 * Named tensors in one file, written atomically: optimizer state (optimizer.getWeights()),
 * EMA weights, normalisation statistics — what a checkpoint holds besides the model folder.
 * Layout: "YOTOTNS1", a uint32 (little-endian) byte length of a JSON array of tfjs weight
 * specs ({name, shape, dtype}), that JSON, then the tensors' bytes in spec order (the encoding
 * of tf.io.encodeWeights).
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { io, type NamedTensorMap } from './tfjs.ts';
import { writeFileAtomic } from '../core/atomic.ts';
import { YotoError } from '../core/errors.ts';
import { parseWith } from '../core/read.ts';

const MAGIC = 'YOTOTNS1';

const specsSchema = z.array(
  z.object({
    name: z.string(),
    shape: z.array(z.number().int().nonnegative()),
    dtype: z.enum(['float32', 'int32', 'bool']),
  }),
);

/** Writes `tensors` (name → tensor; float32, int32 or bool) to `path`. */
export async function saveTensors(path: string, tensors: NamedTensorMap): Promise<void> {
  const { data, specs } = await io.encodeWeights(tensors);
  const json = new TextEncoder().encode(JSON.stringify(specs.map(({ name, shape, dtype }) => ({ name, shape, dtype }))));
  const out = new Uint8Array(MAGIC.length + 4 + json.byteLength + data.byteLength);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.byteLength, true);
  out.set(json, MAGIC.length + 4);
  out.set(new Uint8Array(data), MAGIC.length + 4 + json.byteLength);
  writeFileAtomic(path, out);
}

/** Reads a file written by saveTensors; the caller owns (and disposes) the tensors. */
export function loadTensors(path: string): NamedTensorMap {
  if (!existsSync(path)) throw new YotoError('file not found', path);
  const buf = readFileSync(path);
  const head = MAGIC.length + 4;
  if (buf.byteLength < head || buf.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) {
    throw new YotoError(`not a yoto tensor file (no ${MAGIC} header)`, path);
  }
  const jsonBytes = buf.readUInt32LE(MAGIC.length);
  if (head + jsonBytes > buf.byteLength) throw new YotoError('truncated tensor file', path);
  let specsRaw: unknown;
  try {
    specsRaw = JSON.parse(buf.subarray(head, head + jsonBytes).toString('utf8'));
  } catch {
    throw new YotoError('corrupt tensor file header', path);
  }
  const specs = parseWith(specsSchema, specsRaw, path);
  const expected = specs.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1) * (t.dtype === 'bool' ? 1 : 4), 0);
  const data = buf.subarray(head + jsonBytes);
  if (data.byteLength !== expected) {
    throw new YotoError(`tensor data is ${data.byteLength} bytes, its header describes ${expected} (truncated?)`, path);
  }
  const copy = new Uint8Array(data.byteLength);
  copy.set(data);
  return io.decodeWeights(copy.buffer, specs);
}
