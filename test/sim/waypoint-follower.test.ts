/**
 * The waypoint follower runs what a chunk policy predicts. Its timing must match how datasets
 * record commands (augment/recorder.ts): a scripted episode's commanded TCP poses, sampled every
 * 10 control periods, replayed through the follower, must do the task again.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FOLLOWER, WaypointFollower, World, getTask, runControlled, runEpisode, sampleScene, type Waypoint } from '../../sim/index.ts';
import { dist } from '../../core/geometry.ts';

describe('WaypointFollower', () => {
  it('replays a scripted episode recorded at 10 Hz and succeeds', async () => {
    const task = getTask('lift-bar');
    const scene = sampleScene(task, 11);
    const recorded: Record<'left' | 'right', Waypoint[]> = { left: [], right: [] };
    let tick = 0;
    let observed = false;
    const world = await World.create(task, scene);
    try {
      const ref = await runEpisode(task, scene, task.scripted(scene), {
        world,
        onControl: (_w, exec) => {
          // As the recorder: observe every 10th period, record the command of the period after.
          if (observed) {
            for (const a of ['left', 'right'] as const) recorded[a].push({ pose: exec.runners[a].commandedPose(), gripper: exec.runners[a].gripperCmd });
            observed = false;
          }
          if (tick++ % 10 === 0) observed = true;
        },
      });
      expect(ref.success).toBe(true);
      expect(recorded.left.length).toBeGreaterThan(50);

      world.reset();
      const follower = new WaypointFollower(world, { ...DEFAULT_FOLLOWER, hz: 10 });
      follower.setChunk(recorded);
      let maxLag = 0;
      const r = runControlled(task, world, follower, {
        controlDt: DEFAULT_FOLLOWER.controlDt,
        stopOnSuccess: true,
        onControl: (w) => {
          const t = follower.target('left');
          if (t) maxLag = Math.max(maxLag, dist(t.pose.position, w.tcpPose('left').position));
        },
      });
      expect(r.failure).toBeUndefined();
      expect(r.success).toBe(true);
      expect(maxLag).toBeLessThan(0.05);
    } finally {
      world.dispose();
    }
  }, 120_000);

  it('interpolates between waypoints and holds the last one', async () => {
    const task = getTask('lift-bar');
    const world = await World.create(task, sampleScene(task, 1));
    try {
      const home = world.tcpPose('left');
      const up = (dz: number): Waypoint => ({ pose: { position: [home.position[0], home.position[1], home.position[2] + dz], quaternion: home.quaternion }, gripper: 1 });
      const f = new WaypointFollower(world, { ...DEFAULT_FOLLOWER, hz: 10 });
      const right = world.tcpPose('right');
      f.setChunk({ left: [up(0), up(0.04)], right: [{ pose: right, gripper: 0.5 }] });
      for (let i = 0; i < 5; i++) f.control();
      expect(f.stepsExecuted).toBe(0);
      expect(f.target('left')!.pose.position[2]).toBeCloseTo(home.position[2] + 0.02, 6);
      expect(f.target('right')!.gripper).toBe(0.5);
      for (let i = 0; i < 20; i++) f.control();
      expect(f.stepsExecuted).toBe(2);
      expect(f.target('left')!.pose.position[2]).toBeCloseTo(home.position[2] + 0.04, 6);
    } finally {
      world.dispose();
    }
  });
});
