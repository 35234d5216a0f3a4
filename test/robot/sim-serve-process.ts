/** `yoto sim serve` in its own process on a free port: resolves with its URL once it prints the listening line. */
import { spawn, type ChildProcess } from 'node:child_process';

const YOTO = new URL('../../bin/yoto.js', import.meta.url).pathname;

export function spawnSimServe(args: readonly string[], timeoutMs = 60_000): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [YOTO, 'sim', 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sim serve did not start within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^listening (ws:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sim serve exited (${code}): ${err}`));
    });
  });
}
