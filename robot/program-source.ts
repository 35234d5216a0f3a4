/**
 * A keypose program as the deploy loop's plan: checked against the robot before anything moves
 * (every keypose inside the workspace box and reachable by IK from where the arms are), then run
 * by sim's ProgramExecutor on the kinematic twin at the loop's rate.
 */
import { YotoError } from '../core/errors.ts';
import { ARMS, type Program } from '../core/program.ts';
import { DEFAULT_EXECUTOR, ProgramExecutor, describeUnreachable, findUnreachable, type KinematicArms } from '../sim/index.ts';
import type { RobotConfig } from './config.ts';
import type { PlanSource } from './deploy.ts';
import { insideBox } from './safety.ts';

/** Refuses, naming the keypose, a program that leaves the workspace box or that IK cannot reach. */
export function checkProgramOnRobot(program: Program, twin: KinematicArms, config: RobotConfig, where = 'program'): void {
  for (const a of ARMS) {
    program.arms[a].forEach((k, i) => {
      if (!insideBox(k.position, config.workspace)) {
        throw new YotoError(`keypose at (${k.position.map((v) => v.toFixed(3)).join(', ')}) m is outside the robot's workspace box`, `${where}: arms.${a}[${i}]`);
      }
    });
  }
  const u = findUnreachable(twin, program)[0];
  if (u) throw new YotoError(describeUnreachable(u), `${where}: arms.${u.arm}[${u.index}]`);
}

export function programSource(program: Program, where = 'program'): PlanSource {
  let exec: ProgramExecutor | undefined;
  return {
    kind: 'program',
    start(twin, _obs, config, controlDt) {
      checkProgramOnRobot(program, twin, config, where);
      exec = new ProgramExecutor(twin, program, { ...DEFAULT_EXECUTOR, controlDt });
      return exec;
    },
    plan: () => (exec ? { program, progress: exec.progress() } : undefined),
  };
}
