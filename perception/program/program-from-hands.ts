/**
 * The `yoto program` job as a library call: hand tracks + task (+ placement) → program.json and
 * report.html, with every unreachable keypose listed.
 */
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic.ts';
import type { Hands, HandSide } from '../../core/hands.ts';
import type { ArmName, Program } from '../../core/program.ts';
import type { Scene } from '../../core/scene.ts';
import { World, findUnreachable, type Task, type UnreachableKeypose } from '../../sim/index.ts';
import { extractProgram, type ExtractOptions, type Extraction } from './extract-program.ts';
import { extractionReportHtml } from './extraction-report.ts';
import { objectShapes } from './object-shapes.ts';

export interface ProgramJobOptions {
  hands: Hands;
  task: Task;
  scene: Scene;
  outDir: string;
  armFor?: Record<HandSide, ArmName>;
  extract?: ExtractOptions;
}

export interface ProgramJobResult {
  program: Program;
  extraction: Extraction;
  unreachable: UnreachableKeypose[];
  files: { program: string; report: string };
}

export async function programFromHands(o: ProgramJobOptions): Promise<ProgramJobResult> {
  const world = await World.create(o.task, o.scene);
  try {
    const extraction = extractProgram(o.hands, { ...o.extract, armFor: o.armFor, objects: objectShapes(world), task: o.task.name });
    const unreachable = findUnreachable(world, extraction.program);
    const files = { program: join(o.outDir, 'program.json'), report: join(o.outDir, 'report.html') };
    writeJsonAtomic(files.program, extraction.program);
    writeFileAtomic(files.report, extractionReportHtml(extraction, `yoto program — ${o.task.name}`));
    return { program: extraction.program, extraction, unreachable, files };
  } finally {
    world.dispose();
  }
}
