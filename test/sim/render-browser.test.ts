import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from '../../core/chromium.ts';
import { startStaticServer, projectMounts, readBody, type StaticServer } from '../../core/static-server.ts';

describe('static server', () => {
  let server: StaticServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yoto-static-'));
    mkdirSync(join(dir, 'pub'));
    writeFileSync(join(dir, 'pub', 'a.js'), 'export const a = 1;\n');
    writeFileSync(join(dir, 'secret.txt'), 'not served');
    server = await startStaticServer({
      mounts: [{ url: '/pub/', dir: join(dir, 'pub') }, ...projectMounts()],
      files: { '/page.html': { body: '<p>hi</p>' } },
      routes: {
        '/echo': (req, res) => {
          void readBody(req).then((b) => res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(Buffer.from(b).reverse()));
        },
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves mounted files, in-memory files and three.js with their MIME types', async () => {
    const js = await fetch(`${server.url}/pub/a.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toBe('export const a = 1;\n');
    const page = await fetch(`${server.url}/page.html`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toBe('<p>hi</p>');
    const three = await fetch(`${server.url}/node_modules/three/build/three.module.js`);
    expect(three.status).toBe(200);
    expect(await three.text()).toContain('REVISION');
    const ownPage = await fetch(`${server.url}/sim/render/page/scene-view.js`);
    expect(ownPage.status).toBe(200);
  });

  it('refuses paths outside a mount and unknown files', async () => {
    expect((await fetch(`${server.url}/pub/..%2fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${server.url}/pub/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/pub/a.js`, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('hands routes the raw request body', async () => {
    const res = await fetch(`${server.url}/echo`, { method: 'POST', body: new Uint8Array([1, 2, 3]) });
    expect(Array.from(new Uint8Array(await res.arrayBuffer()))).toEqual([3, 2, 1]);
  });
});

describe('headless Chromium', () => {
  it('runs WebGL2 and, when the server asks, is cross-origin isolated', async () => {
    const server = await startStaticServer({ mounts: [], files: { '/': { body: '<!doctype html><title>t</title>', type: 'text/html' } }, crossOriginIsolated: true });
    const browser = await launchBrowser();
    try {
      await browser.page.goto(server.url + '/');
      const info = await browser.page.evaluate(() => ({
        webgl2: !!document.createElement('canvas').getContext('webgl2'),
        isolated: globalThis.crossOriginIsolated,
      }));
      expect(info).toEqual({ webgl2: true, isolated: true });
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
