import { readFileSync, existsSync } from 'node:fs';
import type { z } from 'zod';
import { YotoError } from './errors.ts';

/** One line naming the first offending field of a zod error, e.g. `arms.left[2].gripper: ...`. */
export function describeZodError(err: z.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
  return `${path || '(root)'}: ${issue.message}`;
}

/** Validate `value` against `schema`; a failure is a YotoError naming `where` and the field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new YotoError(`invalid ${describeZodError(r.error)}`, where);
  return r.data;
}

/** Read and validate a JSON file; every failure (missing, not JSON, wrong shape) is one clear line. */
export function readJsonFile<S extends z.ZodType>(path: string, schema: S): z.output<S> {
  if (!existsSync(path)) throw new YotoError('file not found', path);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new YotoError(`not valid JSON (${(e as Error).message})`, path);
  }
  return parseWith(schema, value, path);
}
