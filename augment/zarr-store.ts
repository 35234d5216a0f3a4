/**
 * A zarrita store on a folder whose every write is atomic (temp file + rename): a chunk or
 * zarr.json is either its old or its new version, never torn, so an interrupted append cannot
 * damage data that was already committed.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.ts';

type AbsolutePath = `/${string}`;

export class AtomicFileStore {
  constructor(readonly root: string) {}

  private file(key: AbsolutePath): string {
    return join(this.root, key.replace(/^\/+/, ''));
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    try {
      const b = await readFile(this.file(key));
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async set(key: AbsolutePath, value: Uint8Array): Promise<void> {
    writeFileAtomic(this.file(key), value);
  }

  async delete(key: AbsolutePath): Promise<boolean> {
    await rm(this.file(key), { force: true });
    return true;
  }
}
