import { describe, expect, it } from 'vitest';
import { getTask, runEpisodes } from '../../sim/index.ts';

describe('determinism', () => {
  it('the same seed and program give an identical final state; another seed does not', async () => {
    const task = getTask('drawer');
    const a = await runEpisodes({ task, program: 'scripted', episodes: 1, seed: 21 });
    const b = await runEpisodes({ task, program: 'scripted', episodes: 1, seed: 21 });
    const c = await runEpisodes({ task, program: 'scripted', episodes: 1, seed: 22 });
    expect(a.state_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.state_hash).toBe(a.state_hash);
    expect(c.state_hash).not.toBe(a.state_hash);
  }, 120_000);
});
