/**
 * Reading calibration YAML as people have it: plain YAML 1.2 (ROS, yoto) and cv::FileStorage YAML
 * (`%YAML:1.0` header, `!!opencv-matrix` maps). Field helpers turn every missing or malformed
 * field into a YotoError naming the file and the field, e.g. `stereo.yml: missing field K2`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { Tags } from 'yaml';
import { YotoError } from '../../core/errors.ts';

/** A matrix as cv::FileStorage writes it (`!!opencv-matrix`: rows, cols, dt, data row-major). */
export class CvMatrix {
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly dt: string,
    readonly data: number[],
  ) {}
}

const opencvMatrixTag = {
  tag: 'tag:yaml.org,2002:opencv-matrix',
  collection: 'map',
  resolve(map: { toJSON(): unknown }) {
    const m = map.toJSON() as { rows?: unknown; cols?: unknown; dt?: unknown; data?: unknown };
    const data = Array.isArray(m.data) ? m.data.map(Number) : [];
    return new CvMatrix(Number(m.rows), Number(m.cols), String(m.dt ?? 'd'), data);
  },
} as unknown as Tags[number];

export type YamlMap = Record<string, unknown>;

export interface YamlSource {
  /** The path as given, used in every error. */
  path: string;
  data: YamlMap;
  /** True when it came in cv::FileStorage syntax (`%YAML:1.0` or `!!opencv-` tags). */
  opencv: boolean;
}

/** Parse YAML text (either dialect) to a map; errors name `where`. */
export function parseYamlText(text: string, where: string): YamlSource {
  const opencv = /^%YAML:1\.\d/.test(text) || text.includes('!!opencv-');
  // cv::FileStorage writes `%YAML:1.0`, which is not a valid YAML directive: drop it.
  const src = text.replace(/^%YAML:1\.\d+[^\n]*\n/, '');
  // `rostopic echo` ends each message with `---`: take the first document with content.
  const all = parseAllDocuments(src, { customTags: [opencvMatrixTag], logLevel: 'silent', prettyErrors: false });
  const docs = Array.isArray(all) ? all : [];
  const doc = docs.find((d) => d.errors.length > 0 || d.contents !== null) ?? docs[0];
  if (!doc) throw new YotoError('empty file', where);
  if (doc.errors.length > 0) throw new YotoError(`not valid YAML (${doc.errors[0].message.split('\n')[0]})`, where);
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new YotoError('not a YAML map of fields', where);
  return { path: where, data: data as YamlMap, opencv };
}

export function readYamlFile(path: string): YamlSource {
  if (!existsSync(path)) throw new YotoError('file not found', path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new YotoError(`cannot read (${(e as Error).message})`, path);
  }
  return parseYamlText(text, path);
}

/** The value of the first of `keys` present (aliases for the same field); undefined if none. */
export function pick(data: YamlMap, keys: readonly string[]): { key: string; value: unknown } | undefined {
  for (const k of keys) if (data[k] !== undefined && data[k] !== null) return { key: k, value: data[k] };
  return undefined;
}

export function has(data: YamlMap, keys: readonly string[]): boolean {
  return pick(data, keys) !== undefined;
}

/** The field or a `missing field` error naming the first (canonical) key. */
export function requireField(src: YamlSource, keys: readonly string[]): { key: string; value: unknown } {
  const f = pick(src.data, keys);
  if (!f) throw new YotoError(`missing field ${keys[0]}`, src.path);
  return f;
}

export function asNumber(value: unknown, src: YamlSource, field: string): number {
  const v = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new YotoError(`field ${field} must be a finite number`, src.path);
  return v;
}

/**
 * A numeric matrix from any of the shapes calibration files use: `!!opencv-matrix`, a ROS-style
 * `{rows, cols, data}` map, nested rows, or a flat list. Returns the row-major data; checks the size
 * when `rows`/`cols` are given (a vector accepts either orientation).
 */
export function asMatrix(value: unknown, src: YamlSource, field: string, rows?: number, cols?: number): { rows: number; cols: number; data: number[] } {
  let r: number;
  let c: number;
  let data: unknown[];
  if (value instanceof CvMatrix || (value && typeof value === 'object' && !Array.isArray(value) && 'data' in value)) {
    const m = value as { rows?: unknown; cols?: unknown; data?: unknown };
    if (!Array.isArray(m.data)) throw new YotoError(`field ${field}.data must be a list of numbers`, src.path);
    data = m.data;
    r = m.rows === undefined ? 1 : Number(m.rows);
    c = m.cols === undefined ? data.length : Number(m.cols);
  } else if (Array.isArray(value) && value.every(Array.isArray)) {
    const rowsArr = value as unknown[][];
    r = rowsArr.length;
    c = rowsArr[0]?.length ?? 0;
    if (rowsArr.some((row) => row.length !== c)) throw new YotoError(`field ${field} has rows of different lengths`, src.path);
    data = rowsArr.flat();
  } else if (Array.isArray(value)) {
    data = value;
    r = 1;
    c = value.length;
  } else {
    throw new YotoError(`field ${field} must be a matrix`, src.path);
  }
  if (!Number.isInteger(r) || !Number.isInteger(c) || r * c !== data.length)
    throw new YotoError(`field ${field} declares ${r}×${c} but has ${data.length} values`, src.path);
  const nums = data.map((v, i) => asNumber(v, src, `${field}[${i}]`));
  if (rows !== undefined && cols !== undefined) {
    const isVector = rows === 1 || cols === 1;
    const okShape = isVector ? nums.length === rows * cols && (r === 1 || c === 1) : r * c === rows * cols && (r === rows || r === 1);
    if (!okShape) throw new YotoError(`field ${field} must be ${rows}×${cols}, found ${r}×${c}`, src.path);
    return { rows, cols, data: nums };
  }
  return { rows: r, cols: c, data: nums };
}
