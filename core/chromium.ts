/**
 * Headless Chromium for the stages that need a browser (three.js rendering, MediaPipe hand
 * tracking, the viewer): one launcher with the flags that work on a bare Debian machine. The
 * pages it opens come from the static server (static-server.ts).
 *
 * WebGL2 runs on SwiftShader (software), so no GPU or display is needed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { YotoError } from './errors.ts';

/** Debian's chromium; YOTO_CHROMIUM overrides it (e.g. another Chromium build). */
export const CHROMIUM_PATH = process.env.YOTO_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a quiet, offline headless Chromium whose WebGL2 falls back to SwiftShader. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Newer Chromium only falls back to software WebGL when told that it may.
  '--enable-unsafe-swiftshader',
  // Headless pages in the background must keep running timers and rAF at full speed.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export interface BrowserOptions {
  /** Extra Chromium flags. */
  args?: string[];
  /** Viewport of the first page, CSS pixels (default 1280×720). */
  viewport?: { width: number; height: number };
}

/** A running Chromium with its own fresh profile; `close()` ends it and removes the profile. */
export interface BrowserSession {
  context: BrowserContext;
  /** The page the browser opened with. */
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(opts: BrowserOptions = {}): Promise<BrowserSession> {
  // A fresh user-data-dir per launch: no state leaks between runs, and concurrent runs
  // (test workers) never fight over a profile lock.
  const profile = mkdtempSync(join(tmpdir(), 'yoto-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
      viewport: opts.viewport ?? { width: 1280, height: 720 },
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new YotoError(`cannot start headless Chromium (${why}); install it with apt-get install chromium`, CHROMIUM_PATH);
  }
  const removeProfile = (): void => {
    // Retries: Chromium's helpers may still be finishing writes as the browser exits.
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch {
      // a leftover temp folder is not worth failing the caller for
    }
  };
  // A process that exits without close() (an error, Ctrl-C handled upstream) still cleans up.
  process.once('exit', removeProfile);
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  return {
    context,
    page,
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      process.off('exit', removeProfile);
      removeProfile();
    },
  };
}
