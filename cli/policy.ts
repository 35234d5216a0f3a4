/** `yoto policy info`: what a policy folder holds. */
import type { Command } from 'commander';
import { initTf } from '../tf/index.ts';
import { Policy, policyStats } from '../policy/index.ts';
import { human } from './policy-report.ts';
import { action, intFlag } from './run-command.ts';


export function registerPolicyCommand(program: Command): void {
  const p = program.command('policy').description('inspect trained policies').addHelpText('after', '\nExample:\n  $ yoto policy info policy/');
  p.command('info')
    .description('sizes, parameters, FLOPs, denoise latency, backend and training data of a policy')
    .argument('<dir>', 'policy folder')
    .option('--latency-runs <n>', 'timed denoises (0 skips)', intFlag('--latency-runs', 0), 20)
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  $ yoto policy info policy/')
    .action(
      action(async (dir: string, o: { latencyRuns: number; json?: boolean }) => {
        const { backend } = await initTf();
        const policy = await Policy.load(dir);
        const { model, meta } = policy;
        const s = policyStats(policy, o.latencyRuns);
        const t = meta.training;
        const layers = model.layers.filter((l) => l.countParams() > 0).map((l) => ({ name: l.name, class: l.getClassName(), params: l.countParams(), output: l.outputShape }));
        if (o.json) return void console.log(JSON.stringify({ dir, backend, task: meta.task, action: meta.action, ...(meta.chunk ? { chunk: meta.chunk } : {}), keyposes: { left: meta.template.arms.left.length, right: meta.template.arms.right.length }, points: meta.cloudPoints, diffusion: meta.diffusion, ...s, training: t, layers }));
        console.log(`policy     ${dir} (BiDP, ${meta.task})`);
        const c = meta.chunk;
        if (c) console.log(`action     dense chunk: ${c.horizon} steps at ${c.hz} Hz × both arms' (gripper, TCP position, 6-D rotation) = ${meta.model.actionDim}; executes ${c.execute} steps, then re-observes`);
        else console.log(`action     whole program: ${meta.template.arms.left.length} left + ${meta.template.arms.right.length} right keyposes × (aperture, position, 6-D rotation) = ${meta.model.actionDim}`);
        console.log(`observe    ${meta.cloudPoints} points of the depth camera's cloud + ${meta.model.proprioDim} proprio values`);
        console.log(`diffusion  DDPM ${meta.diffusion.trainSteps} steps (${meta.diffusion.beta}), DDIM ${meta.diffusion.inferenceSteps} steps at inference`);
        console.log(`size       ${human(s.params)} parameters; ${human(s.flops)}FLOPs per network call, ${human(s.denoise_flops)}FLOPs per denoise`);
        if (s.latency_ms_p50 !== null) console.log(`latency    one denoise on ${backend}: p50 ${s.latency_ms_p50.toFixed(1)} ms, p95 ${s.latency_ms_p95!.toFixed(1)} ms`);
        console.log(`trained    ${t.steps} steps, batch ${t.batch}, lr ${t.lr}, seed ${t.seed}, on ${t.backend} in ${(t.wall_s / 60).toFixed(1)} min; final loss ${t.final_loss.toFixed(4)}`);
        console.log(`data       ${t.dataset}: ${t.episodes} episodes, ${t.frames} frames`);
        if (t.hesso) console.log(`HESSO      sparsity ${t.hesso.sparsity}: ${t.hesso.pruned_groups} of ${t.hesso.prunable_groups} groups pruned`);
        console.log('layers');
        for (const l of layers) console.log(`  ${l.name.padEnd(16)} ${l.class.padEnd(20)} ${String(l.params).padStart(8)}  ${JSON.stringify(l.output)}`);
      }),
    );
}
