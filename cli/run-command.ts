/**
 * Every command's action goes through here: user errors (YotoError) print one line and exit 1;
 * anything else prints one line too, and its stack trace only with --debug.
 */
import { InvalidArgumentError } from 'commander';
import { isYotoError } from '../core/errors.ts';

export function debugEnabled(): boolean {
  return process.argv.includes('--debug') || process.env.YOTO_DEBUG === '1';
}

export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (debugEnabled()) console.error(e);
      if (isYotoError(e)) console.error(`yoto: error: ${e.message}`);
      else console.error(`yoto: internal error: ${e instanceof Error ? e.message : String(e)}${debugEnabled() ? '' : ' (run with --debug for the trace)'}`);
      process.exitCode = isYotoError(e) ? 1 : 2;
    }
  };
}

/** Parse an integer flag, naming the flag on failure. */
export function intFlag(name: string, min = -Infinity) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer${min > -Infinity ? ` ≥ ${min}` : ''}, got "${v}"`);
    return n;
  };
}
