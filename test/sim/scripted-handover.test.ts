import { describe, expect, it } from 'vitest';
import { getTask, runEpisodes } from '../../sim/index.ts';

// The scripted reference program adapts to each placement; it must succeed on ≥ 95% of them.
describe('scripted handover program', () => {
  it('succeeds on ≥ 95% of 50 random placements', async () => {
    const s = await runEpisodes({ task: getTask('handover'), program: 'scripted', episodes: 50, seed: 5000 });
    expect(s.successes, JSON.stringify(s.failures)).toBeGreaterThanOrEqual(48);
  }, 480_000);
});
