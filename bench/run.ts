/**
 * `npm run bench`: runs every bench/*.bench.ts in name order (or those named on the command
 * line, e.g. `npm run bench -- sim`) and prints their figures. Each file default-exports an
 * async function that prints its own section. Tests never assert on timing; this is where
 * speed is measured.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

console.log(`yoto bench — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'})`);
for (const f of files) {
  const mod = (await import(join(here, f))) as { default: () => Promise<void> };
  console.log(`\n== ${f.replace('.bench.ts', '')} ==`);
  await mod.default();
}
