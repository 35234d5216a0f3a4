/**
 * What `yoto sim serve` puts on the wire, without a simulation: the per-dialect message helpers
 * (robot/rosbridge/messages.ts), the CBOR codec against the one roslib decodes with (cbor2), and
 * the rosbridge v2 server's protocol details spoken over a raw WebSocket — fragments both ways,
 * throttling and queues, status messages, and a closed client's subscriptions going away.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decode as cbor2Decode, encode as cbor2Encode } from 'cbor2';
import { decodeCbor, encodeCbor } from '../../robot/rosbridge/cbor.ts';
import { startBridgeServer, type BridgeServer } from '../../robot/rosbridge/bridge-server.ts';
import {
  POINT_FIELD,
  base64ToBytes,
  baseRosType,
  buildHeader,
  buildJointState,
  bytesToBase64,
  decodePointCloud2,
  encodePointCloud2,
  fromRosTime,
  parseFloat64,
  parseFollowJointTrajectoryGoal,
  parseJointState,
  parseJointTrajectory,
  rosType,
  sameRosType,
  toRosTime,
  buildFollowJointTrajectoryActionGoal,
  buildFollowJointTrajectoryGoal,
} from '../../robot/rosbridge/messages.ts';
import { parseRosJson } from '../../robot/rosbridge/wire-json.ts';

describe('ROS message helpers', () => {
  it('spell type names per dialect', () => {
    expect(rosType('ros1', 'sensor_msgs/JointState')).toBe('sensor_msgs/JointState');
    expect(rosType('ros2', 'sensor_msgs/JointState')).toBe('sensor_msgs/msg/JointState');
    expect(rosType('ros1', 'sensor_msgs/msg/JointState')).toBe('sensor_msgs/JointState');
    expect(rosType('ros2', 'std_srvs/Trigger')).toBe('std_srvs/srv/Trigger');
    expect(rosType('ros2', 'control_msgs/FollowJointTrajectory')).toBe('control_msgs/action/FollowJointTrajectory');
    expect(rosType('ros2', 'rosapi/Topics')).toBe('rosapi_msgs/srv/Topics');
    expect(rosType('ros1', 'rosapi_msgs/srv/Topics')).toBe('rosapi/Topics');
    expect(rosType('ros2', 'my_pkg/Thing', 'srv')).toBe('my_pkg/srv/Thing');
    expect(baseRosType('trajectory_msgs/msg/JointTrajectory')).toBe('trajectory_msgs/JointTrajectory');
    expect(sameRosType('std_msgs/msg/Bool', 'std_msgs/Bool')).toBe(true);
    expect(sameRosType('std_msgs/Bool', 'std_msgs/String')).toBe(false);
    expect(() => rosType('ros1', 'JointState')).toThrow(/not a ROS type name/);
  });

  it('convert time and duration both ways in either dialect', () => {
    expect(toRosTime('ros1', 12.25)).toEqual({ secs: 12, nsecs: 250_000_000 });
    expect(toRosTime('ros2', 12.25)).toEqual({ sec: 12, nanosec: 250_000_000 });
    expect(toRosTime('ros2', -0.5)).toEqual({ sec: -1, nanosec: 500_000_000 });
    expect(toRosTime('ros1', 0.9999999999)).toEqual({ secs: 1, nsecs: 0 });
    expect(fromRosTime({ secs: 3, nsecs: 5e8 })).toBe(3.5);
    expect(fromRosTime({ sec: -1, nanosec: 5e8 })).toBe(-0.5);
    expect(fromRosTime(toRosTime('ros2', 1700000000.123456))).toBeCloseTo(1700000000.123456, 6);
    expect(() => fromRosTime({ seconds: 1 })).toThrow(/\{secs, nsecs\} \(ROS 1\) or \{sec, nanosec\} \(ROS 2\)/);
    expect(buildHeader('ros1', { stamp: 1, frame_id: 'world', seq: 7 })).toEqual({ seq: 7, stamp: { secs: 1, nsecs: 0 }, frame_id: 'world' });
    expect(buildHeader('ros2', { stamp: 1, frame_id: 'world', seq: 7 })).toEqual({ stamp: { sec: 1, nanosec: 0 }, frame_id: 'world' });
  });

  it('parse joint states, trajectories and goals from either dialect, with rosbridge defaults', () => {
    const js = parseJointState(buildJointState('ros2', { stamp: 2.5, name: ['a', 'b'], position: [1, 2] }));
    expect(js).toEqual({ stamp: 2.5, name: ['a', 'b'], position: [1, 2], velocity: [], effort: [] });
    expect(parseJointState({ name: ['a'], position: new Float64Array([0.5]) }).position).toEqual([0.5]);
    expect(() => parseJointState({ name: ['a'], position: [1, 2] })).toThrow(/sensor_msgs\/JointState: invalid position: has 2 entries for 1 names/);
    const t = parseJointTrajectory({ joint_names: ['a'], points: [{ positions: [null], time_from_start: { secs: 1, nsecs: 0 } }] });
    expect(t.points[0].positions[0]).toBeNaN();
    expect(t.points[0].time_from_start).toBe(1);
    expect(t.stamp).toBe(0);
    const traj = { joint_names: ['a'], points: [{ positions: [0.1], time_from_start: 2 }] };
    const ros1 = parseFollowJointTrajectoryGoal(buildFollowJointTrajectoryActionGoal(traj, { goalId: 'g' }));
    expect(ros1.goalId).toBe('g');
    expect(ros1.trajectory.points[0]).toMatchObject({ positions: [0.1], time_from_start: 2 });
    const ros2 = parseFollowJointTrajectoryGoal(buildFollowJointTrajectoryGoal('ros2', traj));
    expect(ros2.goalId).toBeUndefined();
    expect(ros2.trajectory.joint_names).toEqual(['a']);
    expect(parseFloat64({ data: 0.02 })).toBe(0.02);
    expect(() => parseFloat64({ data: 'x' })).toThrow(/std_msgs\/Float64/);
  });

  it('encode and decode PointCloud2 (base64, number array, bytes), dropping NaN points', () => {
    const pts = new Float64Array([0.1, 0.2, 0.3, NaN, 0, 0, -0.4, 0.5, 0.6]);
    const msg = encodePointCloud2('ros1', pts, { frame_id: 'world', stamp: 5, seq: 2 });
    expect(msg).toMatchObject({ height: 1, width: 3, point_step: 12, row_step: 36, is_bigendian: false, is_dense: false });
    expect(msg.fields.map((f) => [f.name, f.offset, f.datatype])).toEqual([['x', 0, 7], ['y', 4, 7], ['z', 8, 7]]);
    const expected = Array.from(Float32Array.from([0.1, 0.2, 0.3, -0.4, 0.5, 0.6]));
    for (const data of [msg.data, bytesToBase64(msg.data), Array.from(msg.data)]) {
      const pc = decodePointCloud2({ ...msg, data });
      expect(pc.count).toBe(2);
      expect(Array.from(pc.points)).toEqual(expected);
      expect(pc.frame_id).toBe('world');
      expect(pc.stamp).toBe(5);
    }
    expect(bytesToBase64(msg.data)).toBe(Buffer.from(msg.data).toString('base64'));
    for (let n = 0; n < 8; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 255);
      expect(Array.from(base64ToBytes(bytesToBase64(b)))).toEqual(Array.from(b));
    }
  });

  it('decode a PointCloud2 honouring point_step, row_step, field offsets, float64 fields and big-endian data', () => {
    // 2 rows × 2 points, 20-byte points (rgb, then z as float64, then x, y as float32), rows padded to 48 bytes.
    const width = 2, height = 2, step = 20, row = 48;
    const buf = new ArrayBuffer(row * height);
    const dv = new DataView(buf);
    const points = [[1, 2, 3], [4, NaN, 6], [7, 8, 9], [10, 11, 12]];
    points.forEach(([x, y, z], k) => {
      const at = Math.floor(k / width) * row + (k % width) * step;
      dv.setUint32(at, 0xff00ff, false);
      dv.setFloat64(at + 4, z, false);
      dv.setFloat32(at + 12, x, false);
      dv.setFloat32(at + 16, y, false);
    });
    const msg = {
      header: { stamp: { sec: 1, nanosec: 0 }, frame_id: 'cam' },
      height,
      width,
      fields: [
        { name: 'rgb', offset: 0, datatype: POINT_FIELD.UINT32, count: 1 },
        { name: 'z', offset: 4, datatype: POINT_FIELD.FLOAT64, count: 1 },
        { name: 'x', offset: 12, datatype: POINT_FIELD.FLOAT32, count: 1 },
        { name: 'y', offset: 16, datatype: POINT_FIELD.FLOAT32, count: 1 },
      ],
      is_bigendian: true,
      point_step: step,
      row_step: row,
      data: new Uint8Array(buf),
      is_dense: false,
    };
    const pc = decodePointCloud2(msg);
    expect(pc.count).toBe(3);
    expect(Array.from(pc.points)).toEqual([1, 2, 3, 7, 8, 9, 10, 11, 12]);
    expect(() => decodePointCloud2({ ...msg, fields: msg.fields.filter((f) => f.name !== 'y') })).toThrow(/no "y" field/);
    expect(() => decodePointCloud2({ ...msg, data: new Uint8Array(10) })).toThrow(/data has 10 bytes/);
  });
});

describe('CBOR', () => {
  const value = {
    op: 'publish',
    topic: '/x',
    msg: { a: [1, -5, 2.5, 1e20, -300000, 2 ** 40, null], s: 'héllo ✓', b: true, data: new Uint8Array([1, 2, 255]), f: new Float32Array([1.5, 2]), empty: {}, skip: undefined },
  };
  const asJson = { op: 'publish', topic: '/x', msg: { a: [1, -5, 2.5, 1e20, -300000, 2 ** 40, null], s: 'héllo ✓', b: true, data: new Uint8Array([1, 2, 255]), f: [1.5, 2], empty: {} } };

  it('encodes what roslib (cbor2) decodes, bytes as bytes', () => {
    expect(cbor2Decode(encodeCbor(value))).toEqual(asJson);
    expect(decodeCbor(encodeCbor(value))).toEqual(asJson);
    expect(decodeCbor(encodeCbor(NaN))).toBeNaN();
  });

  it('decodes what cbor2 encodes, typed arrays included', () => {
    expect(decodeCbor(cbor2Encode({ a: [1, 2.5, 'x'], b: new Uint8Array([9]) }))).toEqual({ a: [1, 2.5, 'x'], b: new Uint8Array([9]) });
    expect(Array.from(decodeCbor(cbor2Encode(new Float64Array([1, 2.5]))) as Float64Array)).toEqual([1, 2.5]);
    expect(() => decodeCbor(new Uint8Array([0x82, 0x01]))).toThrow(/ends early/);
  });

  it("reads Python json's NaN and Infinity as null", () => {
    expect(parseRosJson('{"a": [NaN, Infinity, -Infinity, 1], "s": "NaN"}')).toEqual({ a: [null, null, null, 1], s: 'NaN' });
  });
});

/** A raw rosbridge client: every op it receives, decoded (binary frames as CBOR). */
class RawClient {
  readonly ops: Record<string, unknown>[] = [];
  readonly binary: boolean[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.binary.push(isBinary);
      this.ops.push((isBinary ? decodeCbor(new Uint8Array(data)) : JSON.parse(data.toString('utf8'))) as Record<string, unknown>);
    });
  }
  static open(url: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => resolve(new RawClient(ws)));
      ws.once('error', reject);
    });
  }
  send(op: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(op));
  }
  of(op: string): Record<string, unknown>[] {
    return this.ops.filter((o) => o.op === op);
  }
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('rosbridge server protocol', () => {
  let bridge: BridgeServer | undefined;
  const clients: RawClient[] = [];
  const open = async () => {
    const c = await RawClient.open(bridge!.url);
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await bridge?.close();
    bridge = undefined;
  });

  it('listens on 127.0.0.1 and fragments a long message by fragment_size; CBOR is one binary frame', async () => {
    bridge = await startBridgeServer({ dialect: 'ros1', port: 0 });
    expect(bridge.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const pub = bridge.advertise('/data', 'std_msgs/String');
    const frag = await open();
    const cbor = await open();
    frag.send({ op: 'subscribe', id: 's1', topic: '/data', type: 'std_msgs/String', fragment_size: 100 });
    cbor.send({ op: 'subscribe', id: 's2', topic: '/data', compression: 'cbor' });
    await until('two subscribers', () => pub.subscriberCount === 2);
    const text = 'x'.repeat(450) + '✓';
    pub.publish({ data: text });
    await until('all fragments', () => frag.of('fragment').length > 0 && frag.of('fragment').length === frag.of('fragment')[0].total);
    const parts = frag.of('fragment');
    expect(parts.length).toBeGreaterThan(4);
    expect(parts.every((p) => (p.data as string).length <= 100 && p.id === parts[0].id)).toBe(true);
    expect(parts.map((p) => p.num)).toEqual(parts.map((_, i) => i));
    expect(JSON.parse(parts.map((p) => p.data).join(''))).toEqual({ op: 'publish', topic: '/data', msg: { data: text } });
    await until('the CBOR frame', () => cbor.ops.length === 1);
    expect(cbor.binary).toEqual([true]);
    expect(cbor.ops[0]).toEqual({ op: 'publish', topic: '/data', msg: { data: text } });
  });

  it('reassembles fragments a client sends, and relays client publishes to the host and other clients', async () => {
    bridge = await startBridgeServer({ dialect: 'ros2', port: 0 });
    const got: unknown[] = [];
    bridge.subscribe('/cmd', 'std_msgs/Float64', (m) => got.push(m));
    const a = await open();
    const b = await open();
    b.send({ op: 'subscribe', topic: 'cmd', type: 'std_msgs/msg/Float64' }); // relative name: answered under that name
    await until('b subscribed', () => bridge!.subscriberCount('/cmd') === 1);
    const whole = JSON.stringify({ op: 'publish', topic: '/cmd', msg: { data: 0.25 } });
    const size = 10;
    const total = Math.ceil(whole.length / size);
    for (let num = total - 1; num >= 0; num--) a.send({ op: 'fragment', id: 'f1', data: whole.slice(num * size, (num + 1) * size), num, total });
    await until('the host listener', () => got.length === 1);
    expect(got[0]).toEqual({ data: 0.25 });
    await until('the relayed message', () => b.of('publish').length === 1);
    expect(b.of('publish')[0]).toEqual({ op: 'publish', topic: 'cmd', msg: { data: 0.25 } });
  });

  it('throttles a subscription, keeping the newest queue_length messages', async () => {
    bridge = await startBridgeServer({ dialect: 'ros1', port: 0 });
    const pub = bridge.advertise('/n', 'std_msgs/Float64');
    const drop = await open();
    const queue = await open();
    const all = await open();
    drop.send({ op: 'subscribe', topic: '/n', throttle_rate: 200 });
    queue.send({ op: 'subscribe', topic: '/n', throttle_rate: 200, queue_length: 1 });
    all.send({ op: 'subscribe', topic: '/n' });
    await until('three subscribers', () => pub.subscriberCount === 3);
    // All within one throttle window (synchronously), whatever the machine's load.
    for (let i = 0; i < 10; i++) pub.publish({ data: i });
    await sleep(400);
    const data = (c: RawClient) => c.of('publish').map((o) => (o.msg as { data: number }).data);
    expect(data(all)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(data(drop)).toEqual([0]);
    expect(data(queue)).toEqual([0, 9]);
  });

  it('answers bad input with status messages, at the client level', async () => {
    bridge = await startBridgeServer({ dialect: 'ros1', port: 0 });
    bridge.advertise('/js', 'sensor_msgs/JointState');
    bridge.subscribe('/refuse', 'std_msgs/Float64', () => {
      throw new Error('no');
    });
    const c = await open();
    c.ws.send('{not json');
    c.send({ op: 'frobnicate', id: 'x1' });
    c.send({ op: 'subscribe', id: 'x2' });
    c.send({ op: 'subscribe', id: 'x3', topic: '/js', type: 'std_msgs/String' });
    c.send({ op: 'publish', id: 'x4', topic: '/nobody', msg: { data: 1 } });
    c.send({ op: 'advertise_service', id: 'x5', service: '/s', type: 'std_srvs/Trigger' });
    c.send({ op: 'publish', id: 'x6', topic: '/refuse', msg: { data: 1 } });
    c.send({ op: 'call_service', id: 'x7', service: '/missing', args: {} });
    c.send({ op: 'send_action_goal', id: 'x8', action: '/a', action_type: 'x/A', args: {} });
    await until('the answers', () => c.of('status').length >= 9 && c.of('service_response').length === 1 && c.of('action_result').length === 1);
    const byId = (id?: string) => c.of('status').find((s) => s.id === id);
    expect(c.of('status')[0]).toMatchObject({ level: 'error', msg: expect.stringMatching(/not valid JSON/) });
    expect(byId('x1')).toMatchObject({ level: 'error', msg: 'unknown op "frobnicate"' });
    expect(byId('x2')?.msg).toMatch(/bad subscribe op: topic/);
    expect(byId('x3')?.msg).toMatch(/topic \/js has type sensor_msgs\/JointState, not std_msgs\/String/);
    expect(byId('x4')?.msg).toMatch(/cannot publish on \/nobody: its type is unknown/);
    expect(byId('x5')?.msg).toMatch(/not supported/);
    expect(byId('x6')).toMatchObject({ level: 'error', msg: expect.stringMatching(/message on \/refuse failed: no/) });
    expect(c.of('service_response')[0]).toMatchObject({ id: 'x7', result: false });
    expect(c.of('action_result')[0]).toMatchObject({ id: 'x8', result: false });
    const n = c.ops.length;
    c.send({ op: 'set_level', level: 'none' });
    c.send({ op: 'frobnicate' });
    await sleep(100);
    expect(c.ops.length).toBe(n);
  });

  it("drops a closed client's subscriptions and advertisements", async () => {
    bridge = await startBridgeServer({ dialect: 'ros1', port: 0 });
    const pub = bridge.advertise('/js', 'sensor_msgs/JointState');
    const closed: number[] = [];
    bridge.onClientClose((c) => closed.push(c.id));
    const c = await open();
    c.send({ op: 'subscribe', topic: '/js' });
    c.send({ op: 'subscribe', id: 'two', topic: '/js' });
    c.send({ op: 'advertise', topic: '/mine', type: 'std_msgs/Bool' });
    await until('subscribed', () => pub.subscriberCount === 1 && bridge!.topicList().some((t) => t.topic === '/mine'));
    pub.publish({ name: [], position: [] });
    await until('one copy per client', () => c.of('publish').length === 1);
    await sleep(50);
    expect(c.of('publish')).toHaveLength(1);
    await c.close();
    await until('the client gone', () => bridge!.clientCount === 0);
    expect(pub.subscriberCount).toBe(0);
    expect(bridge.topicList().map((t) => t.topic)).toEqual(['/js']);
    expect(closed).toHaveLength(1);
  });
});
