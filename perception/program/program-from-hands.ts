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
  /** Largest miss (m) fixed by moving a keypose to the closest reachable pose (default 1 cm). */
  snapDistance?: number;
}

export interface ProgramJobResult {
  program: Program;
  extraction: Extraction;
  unreachable: UnreachableKeypose[];
  /** Keyposes moved (by at most snapDistance) to the closest pose the arm reaches. */
  adjusted: UnreachableKeypose[];
  files: { program: string; report: string };
}

export async function programFromHands(o: ProgramJobOptions): Promise<ProgramJobResult> {
  const world = await World.create(o.task, o.scene);
  try {
    const extraction = extractProgram(o.hands, { ...o.extract, armFor: o.armFor, objects: objectShapes(world), task: o.task.name });
    // A hand can go where the arm cannot; a keypose missed by millimetres (a joint limit) moves to
    // the closest pose the arm reaches, and is reported; a real miss stays an error.
    const adjusted: UnreachableKeypose[] = [];
    for (let pass = 0; pass < 3; pass++) {
      const misses = findUnreachable(world, extraction.program).filter((u) => u.posErr <= (o.snapDistance ?? 0.01) && u.rotErr <= 0.1);
      if (misses.length === 0) break;
      for (const u of misses) {
        const k = extraction.program.arms[u.arm][u.index];
        k.position = u.closest.position;
        k.quaternion = u.closest.quaternion;
        adjusted.push(u);
      }
    }
    const unreachable = findUnreachable(world, extraction.program);
    const files = { program: join(o.outDir, 'program.json'), report: join(o.outDir, 'report.html') };
    writeJsonAtomic(files.program, extraction.program);
    writeFileAtomic(files.report, extractionReportHtml(extraction, `yoto program — ${o.task.name}`));
    return { program: extraction.program, extraction, unreachable, adjusted, files };
  } finally {
    world.dispose();
  }
}
