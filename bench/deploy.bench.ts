/**
 * Deploy speed and success: a trained lift-bar policy (dense, and HESSO-compressed at 50%) run
 * closed loop by `yoto deploy` over rosbridge against `yoto sim serve` in its own process, at
 * 10 Hz, on placements seeded 1000…; per run the achieved rate, joint readings → command latency
 * (p50/p99, the goal is ≤ 30 ms at p99 for the dense policy), policy inference and success; then
 * `yoto eval` (in-process, sim clock) on the same placements for comparison.
 *
 * Policies from .cache/bench/policy-lift-bar/ and -small/ (how to make them: see README "Deploy").
 * YOTO_BENCH_DEPLOY_EPISODES sets the placements per policy (default 5).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantile } from '../core/stats.ts';
import { initTf } from '../tf/index.ts';
import { Policy, evaluatePolicy } from '../policy/index.ts';
import { spawnSimServe } from '../test/robot/sim-serve-process.ts';
import { RosbridgeRobot, deploy, policySource, readRobotConfig, type DeployResult } from '../robot/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const serve = (policyDir: string, seed: number) => spawnSimServe(['--task', 'lift-bar', '--seed', String(seed), '--policy', policyDir]);

const f = (x: number) => x.toFixed(1).padStart(6);

export default async function bench(): Promise<void> {
  const dense = join(root, '.cache', 'bench', 'policy-lift-bar');
  const small = `${dense}-small`;
  if (!existsSync(join(dense, 'policy.json')) || !existsSync(join(small, 'policy.json'))) {
    console.log(`no trained policies at ${dense}[-small]: deploy bench not run (README "Deploy" shows how to train them)`);
    return;
  }
  const episodes = Number(process.env.YOTO_BENCH_DEPLOY_EPISODES ?? 5);
  const { backend } = await initTf();
  const config = readRobotConfig(join(root, 'robot/examples/sim-ur5e.ros1.yaml'));
  console.log(`backend ${backend}; yoto sim serve (own process) ↔ rosbridge ↔ yoto deploy at ${config.rates.control_hz} Hz, lift-bar placements seeded 1000…${1000 + episodes - 1}`);
  console.log('policy        seed  success  rate Hz  latency p50    p99    max ms  inference p50   p99 ms  predictions');
  for (const [name, dir] of [['dense', dense], ['50% HESSO', small]] as const) {
    const policy = await Policy.load(dir);
    const lat: number[] = [];
    let ok = 0;
    let rates = 0;
    let worst = 0;
    for (let i = 0; i < episodes; i++) {
      const seed = 1000 + i;
      const s = await serve(dir, seed);
      let r: DeployResult;
      try {
        const robot = new RosbridgeRobot({ config, url: s.url });
        r = await deploy({ robot, config, plan: policySource(policy, { seed: seed * 1000 }), maxSeconds: 40 });
      } finally {
        s.child.kill('SIGTERM');
      }
      if (r.success) ok++;
      rates += r.rate_hz;
      lat.push(r.latency_ms.p99);
      worst = Math.max(worst, r.latency_ms.max);
      const inf = r.inference_ms ?? { p50: NaN, p99: NaN, count: 0 };
      console.log(`${name.padEnd(12)} ${String(seed).padStart(5)}  ${(r.success ? 'yes' : r.error ? 'error' : 'no').padStart(7)}  ${r.rate_hz.toFixed(2).padStart(7)}       ${f(r.latency_ms.p50)} ${f(r.latency_ms.p99)} ${f(r.latency_ms.max)}         ${f(inf.p50)}  ${f(inf.p99)}  ${String(inf.count).padStart(11)}${r.error ? `  (${r.error})` : ''}`);
    }
    const ev = await evaluatePolicy(policy, { episodes, seed: 1000 });
    console.log(`${name}: deploy ${ok}/${episodes} succeeded, mean rate ${(rates / episodes).toFixed(2)} Hz, worst run's p99 latency ${quantile(lat, 1).toFixed(1)} ms (goal ≤ 30 ms dense), slowest tick ${worst.toFixed(1)} ms; yoto eval on the same placements: ${ev.successes}/${ev.episodes}`);
    policy.dispose();
  }
}
