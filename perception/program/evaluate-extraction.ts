/**
 * How well an extracted program matches what was really done: grasp/release frames against the
 * true gripper events, extra or missed events, and each true keypose's distance to the nearest
 * extracted one. Used by the tests and `npm run bench` on synthetic demonstrations.
 */
import { dist } from '../../core/geometry.ts';
import type { ArmName, Program } from '../../core/program.ts';
import type { Extraction } from './extract-program.ts';

export interface TrueGripperChange {
  frame: number;
  /** Commanded opening after the change (0 = closed). */
  value: number;
}

export interface ExtractionScore {
  /** |extracted − true| frames for each matched grasp or release. */
  eventFrameErrors: number[];
  missedEvents: number;
  extraEvents: number;
  /** Distance (m) from each true keypose to the nearest extracted keypose of the same arm. */
  keyposeErrors: number[];
}

/** True grasp/release events from gripper command changes: closing to 0 grasps; opening from 0 releases. */
export function trueEvents(changes: readonly TrueGripperChange[]): { kind: 'grasp' | 'release'; frame: number }[] {
  const out: { kind: 'grasp' | 'release'; frame: number }[] = [];
  let prev = 1;
  for (const c of changes) {
    if (c.value === 0 && prev > 0) out.push({ kind: 'grasp', frame: c.frame });
    else if (prev === 0 && c.value > 0) out.push({ kind: 'release', frame: c.frame });
    prev = c.value;
  }
  return out;
}

export function scoreExtraction(
  ex: Extraction,
  truthChanges: Record<ArmName, readonly TrueGripperChange[]>,
  truthProgram: Program,
  tolerance = 3,
): ExtractionScore {
  const s: ExtractionScore = { eventFrameErrors: [], missedEvents: 0, extraEvents: 0, keyposeErrors: [] };
  for (const hand of ['left', 'right'] as const) {
    const a = ex.hands[hand];
    const truth = trueEvents(truthChanges[a.arm]);
    const used = new Set<number>();
    for (const t of truth) {
      let best = -1;
      a.events.forEach((e, i) => {
        if (e.kind !== t.kind || used.has(i)) return;
        if (best < 0 || Math.abs(e.frame - t.frame) < Math.abs(a.events[best].frame - t.frame)) best = i;
      });
      if (best >= 0 && Math.abs(a.events[best].frame - t.frame) <= 4 * tolerance) {
        used.add(best);
        s.eventFrameErrors.push(Math.abs(a.events[best].frame - t.frame));
      } else s.missedEvents++;
    }
    s.extraEvents += a.events.length - used.size;
    for (const k of truthProgram.arms[a.arm]) {
      let d = Infinity;
      for (const e of a.keyposes) d = Math.min(d, dist(e.position, k.position));
      s.keyposeErrors.push(d);
    }
  }
  return s;
}
