import type { Program } from '../../core/program.ts';
import type { Scene } from '../../core/scene.ts';
import type { World } from '../world.ts';

/** How far an object's placement may vary around its nominal pose (uniform, half-widths). */
export interface PlacementRange {
  /** ± metres along world x and y. */
  x: number;
  y: number;
  /** ± radians about world z. */
  yaw: number;
}

export interface TaskObject {
  /** Body name in the MJCF; also the name keyposes use in `object`. */
  name: string;
  description: string;
  nominal: { position: [number, number, number]; yaw: number };
  range: PlacementRange;
}

export interface Task {
  name: string;
  /** YOTO's taxonomy of bimanual coordination. */
  coordination: 'synchronous' | 'asynchronous' | 'coordinated';
  description: string;
  objects: TaskObject[];
  /** The success condition in words, with its thresholds. */
  successDescription: string;
  /** Task-specific parameters shown by `yoto sim tasks`. */
  parameters: Record<string, number | string>;
  /** MJCF <body> elements for the objects at this placement. */
  objectsXml(scene: Scene): string;
  /** Is the success condition true in this state? */
  check(world: World): boolean;
  /** How long (s) the condition must hold without interruption to count as success. */
  holdTime: number;
  /** Time limit (s) for one episode. */
  maxDuration: number;
  /** The scripted reference program for a placement, written relative to the objects. */
  scripted(scene: Scene): Program;
}
