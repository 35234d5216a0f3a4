/** `yoto deploy`: a keypose program or a trained policy on two arms over rosbridge (or the in-process sim). */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { YotoError } from '../core/errors.ts';
import { ProgramSchema } from '../core/program.ts';
import { readJsonFile } from '../core/read.ts';
import { RosbridgeRobot, SimRobot, deploy, policyPlanSource, programSource, readRobotConfig, type DeployResult, type PlanSource, type Robot, type TickInfo } from '../robot/index.ts';
import { World, getTask, sampleScene } from '../sim/index.ts';
import { action, intFlag } from './run-command.ts';

interface DeployFlags {
  robot: string;
  policy?: string;
  program?: string;
  url?: string;
  rate?: number;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
  maxSeconds?: number;
  sim?: string;
  seed: number;
}

const positiveNumber = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new YotoError(`must be a positive number, got "${v}"`, name);
  return n;
};

async function askYes(what: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new YotoError('refusing to move the robot without confirmation: run on a terminal to confirm, or pass --yes', 'yoto deploy');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const a = await rl.question(`About to move the arms: ${what}. Clear the workspace and keep the e-stop at hand. Start? [y/N] `);
    return /^y(es)?$/i.test(a.trim());
  } finally {
    rl.close();
  }
}

const fmtQ = (q: number[]) => `[${q.map((v) => v.toFixed(4)).join(', ')}]`;

export function registerDeployCommand(program: Command): void {
  program
    .command('deploy')
    .description('run a keypose program or a trained (or HESSO-compressed) policy on two arms over rosbridge')
    .requiredOption('--robot <file>', 'robot.yaml: joints, command topics, limits, observation topics (see robot/examples/)')
    .option('--policy <dir>', 'policy folder (yoto train / yoto compress)')
    .option('--program <file>', 'keypose program (program.json)')
    .option('--url <ws-url>', "rosbridge WebSocket (default: robot.yaml's url)")
    .option('--rate <hz>', "control rate (default: robot.yaml's rates.control_hz)", positiveNumber('--rate'))
    .option('--dry-run', 'compute and print the joint commands; send nothing')
    .option('--yes', 'start moving without asking for confirmation')
    .option('--max-seconds <s>', 'stop after this long', positiveNumber('--max-seconds'), 120)
    .option('--sim <task>', 'drive the in-process simulator instead of rosbridge (sim clock, deterministic)')
    .option('--seed <n>', 'placement seed for --sim', intFlag('--seed', 0), 0)
    .option('--json', 'print one JSON summary object as the last line')
    .addHelpText(
      'after',
      '\nExamples:\n  $ yoto sim serve --task lift-bar --seed 3 &\n  $ yoto deploy --robot robot/examples/sim-ur5e.ros1.yaml --program program.json --yes\n  $ yoto deploy --robot robot.yaml --policy policy/ --url ws://robot:9090 --dry-run',
    )
    .action(
      action(async (o: DeployFlags) => {
        if (!!o.policy === !!o.program) throw new YotoError('give exactly one of --policy DIR or --program FILE', 'yoto deploy');
        const config = readRobotConfig(o.robot);
        const err = (line: string) => process.stderr.write(`deploy: ${line}\n`);
        let plan: PlanSource;
        let camera: Record<string, unknown> | undefined;
        let task: string | undefined;
        if (o.program) {
          const prog = readJsonFile(o.program, ProgramSchema);
          plan = programSource(prog, o.program);
          task = prog.task;
        } else {
          const p = await policyPlanSource(o.policy!, { log: err });
          plan = p.plan;
          camera = p.camera;
          task = p.task;
        }
        let robot: Robot;
        let world: World | undefined;
        if (o.sim) {
          const t = getTask(o.sim);
          if (task && task !== t.name) throw new YotoError(`the ${o.program ? 'program' : 'policy'} is for ${task}, not ${t.name}`, '--sim');
          world = await World.create(t, sampleScene(t, o.seed));
          robot = new SimRobot(world, { camera });
        } else robot = new RosbridgeRobot({ config, url: o.url, log: err });
        const onTick = o.dryRun && !o.json ? (t: TickInfo) => console.log(`t=${t.t.toFixed(2)}s left ${fmtQ(t.command.left.q)} g=${t.command.left.gripper.toFixed(2)}  right ${fmtQ(t.command.right.q)} g=${t.command.right.gripper.toFixed(2)}`) : undefined;
        let r: DeployResult;
        try {
          r = await deploy({ robot, config, plan, rateHz: o.rate, dryRun: o.dryRun, maxSeconds: o.maxSeconds, confirm: o.yes ? undefined : askYes, onTick, log: err });
        } finally {
          world?.dispose();
        }
        const out = { ...r, robot: config.name, url: o.sim ? null : (o.url ?? config.url), source: o.program ? { program: o.program } : { policy: o.policy } };
        if (o.json) console.log(JSON.stringify(out));
        else if (r.steps > 0 || !r.error) {
          const s = r.success === null ? 'no task status' : r.success ? 'task succeeded' : 'task not achieved';
          console.log(`${config.name}: ${r.ended}, ${s}; ${r.steps} commands at ${r.rate_hz} Hz over ${r.duration_s.toFixed(1)} s${r.dry_run ? ' (dry run: nothing sent)' : ''}`);
          console.log(`readings → command: p50 ${r.latency_ms.p50} ms, p99 ${r.latency_ms.p99} ms, max ${r.latency_ms.max} ms (yoto's own compute p50 ${r.compute_ms.p50} ms, p99 ${r.compute_ms.p99} ms)${r.inference_ms ? `; policy inference p50 ${r.inference_ms.p50} ms, p99 ${r.inference_ms.p99} ms (${r.inference_ms.count} predictions)` : ''}`);
          if (r.holds) console.log(`held ${r.holds}× for stale or missing readings (${r.stale_ticks} ticks), ${r.reconnects} reconnects`);
        }
        if (r.error) {
          console.error(`yoto: error: ${r.error}`);
          process.exitCode = 1;
        }
      }),
    );
}
