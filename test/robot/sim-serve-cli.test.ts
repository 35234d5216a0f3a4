/**
 * `yoto sim serve` as a command: it prints exactly `listening ws://127.0.0.1:PORT` on stdout once
 * ready, serves until SIGTERM/SIGINT and then exits 0; bad flags are one line and exit 1.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ros, Topic } from '../../robot/rosbridge/roslib.ts';
import { parseJointState } from '../../robot/rosbridge/messages.ts';
import { runNode } from '../fixtures/run-node.ts';

const YOTO = fileURLToPath(new URL('../../bin/yoto.js', import.meta.url));

describe('yoto sim serve (command)', () => {
  it('prints the listening line, serves joint states, and shuts down cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [YOTO, 'sim', 'serve', '--task', 'handover', '--port', '0', '--dialect', 'ros2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line in 30 s; stderr: ${stderr}`)), 30_000);
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          stdout += d;
          const m = /^listening (ws:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.on('close', () => reject(new Error(`exited early; stderr: ${stderr}`)));
      });
      const ros = new Ros({ url });
      const names = await new Promise<string[]>((resolve) => {
        new Topic({ ros, name: '/joint_states', messageType: 'sensor_msgs/msg/JointState' }).subscribe((m) => resolve(parseJointState(m).name));
      });
      ros.close();
      expect(names).toContain('right_wrist_3_joint');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toBe(`listening ${url}\n`);
      expect(stderr).toMatch(/SIGTERM, shutting down/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('rejects a bad task or dialect in one line', async () => {
    const r = await runNode([YOTO, 'sim', 'serve', '--task', 'fold-laundry', '--port', '0'], { timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('yoto: error: --task: unknown task "fold-laundry" (known: lift-bar, drawer, handover)');
    const d = await runNode([YOTO, 'sim', 'serve', '--task', 'drawer', '--dialect', 'ros3', '--port', '0'], { timeout: 30_000 });
    expect(d.status).toBe(1);
    expect(d.stderr.trim()).toBe('yoto: error: --dialect: must be ros1 or ros2, got "ros3"');
  });
});
