/** `yoto sim ...`: the simulated workcell (tasks, scripted programs, running programs, rendering). */
import type { Command } from 'commander';
import { readJsonFile } from '../core/read.ts';
import { YotoError } from '../core/errors.ts';
import { ProgramSchema, type Program } from '../core/program.ts';
import { SceneSchema } from '../core/scene.ts';
import { Progress } from '../core/progress.ts';
import { TASKS, getTask, sampleScene, validateScene, runEpisodes } from '../sim/index.ts';
import { action, intFlag } from './run-command.ts';
import { registerSimRender } from './sim-render.ts';
import { startSimServer } from '../robot/sim-server/index.ts';

export function registerSim(program: Command): void {
  const sim = program
    .command('sim')
    .description('the simulated bimanual workcell (MuJoCo)')
    .addHelpText('after', '\nExamples:\n  $ yoto sim tasks\n  $ yoto sim run --task drawer --episodes 10\n  $ yoto sim render --task handover --out out/handover');

  sim
    .command('tasks')
    .description('list the tasks with their objects, placement ranges and success conditions')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  $ yoto sim tasks')
    .action(
      action((opts: { json?: boolean }) => {
        const rows = Object.values(TASKS).map((t) => ({
          name: t.name,
          coordination: t.coordination,
          description: t.description,
          success: t.successDescription,
          max_duration_s: t.maxDuration,
          parameters: t.parameters,
          objects: t.objects.map((o) => ({
            name: o.name,
            description: o.description,
            nominal: { position: o.nominal.position, yaw_deg: (o.nominal.yaw * 180) / Math.PI },
            range: { x_m: o.range.x, y_m: o.range.y, yaw_deg: Math.round((o.range.yaw * 180) / Math.PI) },
          })),
        }));
        if (opts.json) return void console.log(JSON.stringify({ tasks: rows }));
        for (const t of rows) {
          console.log(`${t.name} (${t.coordination})`);
          console.log(`  ${t.description}`);
          console.log(`  success: ${t.success}`);
          for (const o of t.objects)
            console.log(`  object ${o.name}: ${o.description}; at (${o.nominal.position.join(', ')}) ±${o.range.x_m * 100}/${o.range.y_m * 100} cm, ±${o.range.yaw_deg}°`);
          console.log(`  parameters: ${Object.entries(t.parameters).map(([k, v]) => `${k}=${v}`).join(', ')}`);
        }
      }),
    );

  sim
    .command('program')
    .description("print the task's scripted keypose program for one placement, as JSON")
    .requiredOption('--task <name>', 'task name (see `yoto sim tasks`)')
    .option('--seed <n>', 'placement seed', intFlag('--seed'), 0)
    .option('--scene <file>', 'use this placement (scene.json) instead of a seeded one')
    .addHelpText('after', '\nExample:\n  $ yoto sim program --task lift-bar --seed 3 > program.json')
    .action(
      action((opts: { task: string; seed: number; scene?: string }) => {
        const task = getTask(opts.task);
        const scene = opts.scene ? readJsonFile(opts.scene, SceneSchema) : sampleScene(task, opts.seed);
        validateScene(task, scene, opts.scene ?? 'scene');
        console.log(JSON.stringify(task.scripted(scene), null, 2));
      }),
    );

  sim
    .command('run')
    .description('run a program in the simulator over seeded placements and report the success rate')
    .requiredOption('--task <name>', 'task name (see `yoto sim tasks`)')
    .option('--program <file|scripted>', "a program.json, or 'scripted' for the task's reference program per placement", 'scripted')
    .option('--episodes <n>', 'number of episodes (episode k uses placement seed S+k)', intFlag('--episodes', 1), 1)
    .option('--seed <n>', 'first placement seed', intFlag('--seed'), 0)
    .option('--scene <file>', 'run every episode at this placement (scene.json) instead')
    .option('--json', 'print one JSON summary object as the last line of stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ yoto sim run --task drawer --program scripted --episodes 20 --seed 100\n  $ yoto sim run --task lift-bar --program out/program.json --scene out/scene.json --json',
    )
    .action(
      action(async (opts: { task: string; program: string; episodes: number; seed: number; scene?: string; json?: boolean }) => {
        const task = getTask(opts.task);
        const program: Program | 'scripted' = opts.program === 'scripted' ? 'scripted' : readJsonFile(opts.program, ProgramSchema);
        const scene = opts.scene ? readJsonFile(opts.scene, SceneSchema) : undefined;
        if (scene) validateScene(task, scene, opts.scene);
        const progress = new Progress({ total: opts.episodes, label: `sim ${task.name}`, unit: 'ep', quiet: opts.json });
        let ok = 0;
        const s = await runEpisodes({
          task,
          program,
          episodes: opts.episodes,
          seed: opts.seed,
          scene,
          programSource: opts.program === 'scripted' ? 'scripted program' : opts.program,
          onEpisode: (_k, r) => {
            if (r.success) ok++;
            progress.tick(1, `success ${ok}`);
          },
        });
        progress.finish();
        if (opts.json) return void console.log(JSON.stringify(s));
        console.log(`task            ${s.task}`);
        console.log(`episodes        ${s.episodes} (placement seeds ${scene ? 'fixed scene' : `${opts.seed}..${opts.seed + opts.episodes - 1}`})`);
        console.log(`successes       ${s.successes} (${(s.success_rate * 100).toFixed(1)}%)`);
        console.log(`sim speed       ${s.steps_per_s.toFixed(0)} steps/s, ${s.realtime_factor.toFixed(1)}× real time`);
        console.log(`state hash      ${s.state_hash.slice(0, 16)}`);
        for (const f of s.failures.slice(0, 10)) console.log(`  failed: episode ${f.episode}${f.seed !== undefined ? ` (seed ${f.seed})` : ''}: ${f.reason}`);
      }),
    );

  registerSimRender(sim);

  sim
    .command('serve')
    .description('serve the simulated arms as a ROS robot over rosbridge v2 (robot/examples/sim-ur5e.ros1.yaml / .ros2.yaml), in real time until Ctrl-C')
    .requiredOption('--task <name>', 'task name (see `yoto sim tasks`)')
    .option('--seed <n>', 'placement seed (/yoto/reset moves to the next)', intFlag('--seed'), 0)
    .option('--port <n>', 'WebSocket port (0 picks a free one)', intFlag('--port', 0), 9090)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--dialect <ros1|ros2>', 'message type names and time fields', 'ros1')
    .option('--policy <dir>', "publish the depth camera this policy was trained with (its policy.json's camera)")
    .addHelpText('after', '\nExamples:\n  $ yoto sim serve --task lift-bar --seed 3\n  $ yoto sim serve --task drawer --dialect ros2 --port 0 --policy out/policy')
    .action(
      action(async (opts: { task: string; seed: number; port: number; host: string; dialect: string; policy?: string }) => {
        if (opts.dialect !== 'ros1' && opts.dialect !== 'ros2') throw new YotoError(`must be ros1 or ros2, got "${opts.dialect}"`, '--dialect');
        const server = await startSimServer({
          task: opts.task,
          seed: opts.seed,
          port: opts.port,
          host: opts.host,
          dialect: opts.dialect,
          policyDir: opts.policy,
          log: (line) => console.error(`sim serve: ${line.replace(/^sim serve: /, '')}`),
        });
        console.log(`listening ${server.url}`);
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            process.off('SIGINT', onInt);
            process.off('SIGTERM', onTerm);
            console.error(`sim serve: ${signal}, shutting down`);
            resolve();
          };
          const onInt = () => stop('SIGINT');
          const onTerm = () => stop('SIGTERM');
          process.on('SIGINT', onInt);
          process.on('SIGTERM', onTerm);
        });
        await server.close();
      }),
    );
}
