import type { Pose } from '../../core/geometry.ts';
import type { ArmName, Program } from '../../core/program.ts';
import type { Scene } from '../../core/scene.ts';

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

/**
 * What a task's success test reads of the live workcell: the placement it started from, body
 * poses, joint positions and contacts. sim/world.ts's World is one (described here, below the
 * World, so that tasks and the World do not import each other).
 */
export interface TaskWorld {
  readonly scene: Scene;
  readonly arms: Record<ArmName, { readonly gripperBodyIds: readonly number[] }>;
  bodyId(name: string): number;
  /** Pose of a named body in `world`. */
  bodyPose(name: string): Pose;
  /** qpos of a named (1-dof) joint. */
  jointQ(name: string): number;
  /** Bodies in contact with any geom of the body with this id. */
  contactsOf(bodyId: number): Set<number>;
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
  check(world: TaskWorld): boolean;
  /** How long (s) the condition must hold without interruption to count as success. */
  holdTime: number;
  /** Time limit (s) for one episode. */
  maxDuration: number;
  /** The scripted reference program for a placement, written relative to the objects. */
  scripted(scene: Scene): Program;
}
