import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStaticServer, type StaticServer } from '../../core/static-server.ts';

/** GET a raw path, exactly as written (fetch would normalise `..` and `%2e%2e` first). */
function rawGet(server: StaticServer, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((ok, fail) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

describe('static server: only files under its mounts', () => {
  let server: StaticServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yoto-static-'));
    mkdirSync(join(dir, 'pub', 'sub'), { recursive: true });
    mkdirSync(join(dir, 'pub2'));
    writeFileSync(join(dir, 'pub', 'sub', 'a.js'), 'export const a = 1;\n');
    writeFileSync(join(dir, 'pub2', 'b.js'), 'not served');
    writeFileSync(join(dir, 'secret.txt'), 'not served');
    server = await startStaticServer({ mounts: [{ url: '/pub/', dir: join(dir, 'pub') }] });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a file inside the mount, also by a path that stays inside it', async () => {
    expect(await rawGet(server, '/pub/sub/a.js')).toEqual({ status: 200, body: 'export const a = 1;\n' });
    expect((await rawGet(server, '/pub/sub/..%2fsub/a.js')).status).toBe(200);
  });

  it('refuses every way out of the mount', async () => {
    const escapes = [
      '/pub/../secret.txt',
      '/pub/..%2fsecret.txt',
      '/pub/%2e%2e/secret.txt',
      '/pub/%2e%2e%2fsecret.txt',
      '/pub/sub/..%2f..%2fsecret.txt',
      '/pub/..%5csecret.txt',
      '/pub/..%2fpub2/b.js', // a sibling folder whose name starts with the mount's
      `/pub/${encodeURIComponent(join(dir, 'secret.txt'))}`, // an absolute path
      '/secret.txt',
      '/pub2/b.js',
    ];
    for (const path of escapes) {
      const res = await rawGet(server, path);
      expect({ path, status: res.status, leaked: res.body.includes('not served') }).toEqual({ path, status: 404, leaked: false });
    }
  });

  it('answers a NUL byte with 404 and a malformed escape with 400, and keeps serving', async () => {
    expect((await rawGet(server, '/pub/sub/a.js%00')).status).toBe(404);
    expect((await rawGet(server, '/pub/%E0%A4%A')).status).toBe(400);
    expect((await rawGet(server, '/pub/sub/a.js')).status).toBe(200);
  });
});
