/** The `yoto` command line: one thin file per command; each parses flags and calls a stage. */
import { Command } from 'commander';
import { registerSim } from './sim.ts';
import { registerDemo } from './demo.ts';
import { registerCompressCommand } from './compress.ts';
import { registerProgramCommand } from './program.ts';
import { registerSynthCommand } from './synth.ts';
import { registerHandsCommand } from './hands.ts';
import { registerExtractCommand } from './extract.ts';
import { registerAugmentCommand } from './augment.ts';
import { registerDatasetCommand } from './dataset.ts';
import { registerTrainCommand } from './train.ts';
import { registerEvalCommand } from './eval.ts';
import { registerPolicyCommand } from './policy.ts';
import { registerDeployCommand } from './deploy.ts';

// `yoto ... | head` closes stdout early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const program = new Command();
program
  .name('yoto')
  .description('Teach two robot arms a two-handed task from one stereo video (YOTO), train the policy (BiDP), compress it (HESSO), run it in MuJoCo.')
  .version('0.1.0')
  .option('--debug', 'show stack traces for errors')
  .addHelpText('after', '\nQuick start:\n  $ npm run demo\n  $ yoto sim tasks\n  $ yoto sim run --task lift-bar --episodes 10');

registerSim(program);
registerDemo(program);
registerSynthCommand(program);
registerHandsCommand(program);
registerProgramCommand(program);
registerExtractCommand(program);
registerAugmentCommand(program);
registerDatasetCommand(program);
registerTrainCommand(program);
registerEvalCommand(program);
registerPolicyCommand(program);
registerCompressCommand(program);
registerDeployCommand(program);

await program.parseAsync(process.argv);
