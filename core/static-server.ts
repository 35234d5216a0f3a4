/**
 * A tiny static file server on 127.0.0.1 for the pages that headless Chromium (chromium.ts) or
 * a person's browser opens, and the npm packages they import: files from mounted folders (never
 * outside them), in-memory files, and routes by which a page sends results back.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createReadStream, statSync } from 'node:fs';
import { dirname, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

/** The repository root (this file lives in core/). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A URL prefix (starting and ending with '/') served from a directory. */
export interface Mount {
  url: string;
  dir: string;
}

/** An in-memory file, e.g. a generated page or JSON the page fetches. */
export interface VirtualFile {
  body: string | Buffer;
  type?: string;
}

/** A dynamic route: any method; the handler writes the whole response. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface StaticServerOptions {
  mounts: Mount[];
  /**
   * Exact URL paths handled by code; they win over files and mounts. Editable after start.
   * Pages use them to send results back as raw bytes (a fetch POST), which is far faster than
   * returning large values through page.evaluate.
   */
  routes?: Record<string, RouteHandler>;
  /** Exact URL paths served from memory; they win over mounts. Editable after start. */
  files?: Record<string, VirtualFile>;
  /**
   * Send COOP/COEP headers so pages are cross-origin isolated (SharedArrayBuffer, which
   * threaded WASM such as MediaPipe's needs).
   */
  crossOriginIsolated?: boolean;
}

export interface StaticServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  files: Record<string, VirtualFile>;
  routes: Record<string, RouteHandler>;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.glb': 'model/gltf-binary',
  '.gltf': 'model/gltf+json',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

/** The mounts most pages need: three.js (`/node_modules/three/`) and the whole project (`/`). */
export function projectMounts(): Mount[] {
  const require = createRequire(import.meta.url);
  // 'three' resolves to <pkg>/build/three.cjs.
  const threeDir = resolve(dirname(require.resolve('three')), '..');
  return [
    { url: '/node_modules/three/', dir: threeDir },
    { url: '/', dir: PROJECT_ROOT },
  ];
}

/**
 * Serve files on 127.0.0.1 at a free port. Files: GET/HEAD only; paths that escape a mount are refused.
 * Nothing is cached by the browser, so edited pages reload.
 */
export async function startStaticServer(opts: StaticServerOptions): Promise<StaticServer> {
  const files: Record<string, VirtualFile> = { ...(opts.files ?? {}) };
  const routes: Record<string, RouteHandler> = { ...(opts.routes ?? {}) };
  // Longest prefix first, so /node_modules/three/ wins over /.
  const mounts = [...opts.mounts].sort((a, b) => b.url.length - a.url.length);

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
    if (opts.crossOriginIsolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, headers).end();
      return;
    }
    const route = routes[path];
    if (route) {
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      route(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    const virtual = files[path];
    if (virtual) {
      const body = typeof virtual.body === 'string' ? Buffer.from(virtual.body) : virtual.body;
      res.writeHead(200, { ...headers, 'Content-Type': virtual.type ?? MIME[extname(path)] ?? 'application/octet-stream', 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    for (const m of mounts) {
      if (!path.startsWith(m.url)) continue;
      const root = resolve(m.dir);
      const file = resolve(root, '.' + sep + path.slice(m.url.length));
      if (file !== root && !file.startsWith(root + sep)) break;
      let size: number;
      try {
        const st = statSync(file);
        if (!st.isFile()) continue;
        size = st.size;
      } catch {
        continue;
      }
      res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Content-Length': size });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
  };

  const server = createServer(handle);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    files,
    routes,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** The whole body of a request (for routes that receive bytes from a page). */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => ok(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', fail);
  });
}
