#!/usr/bin/python3
"""
FAKE rosbridge server for tests: a small stand-in for rosbridge_suite's `rosbridge_websocket` (ROS 1),
which Debian does not package. It speaks the rosbridge v2 JSON protocol (no CBOR/PNG, no
fragments) on ws://127.0.0.1:PORT, on top of rospy and python3-websockets (asyncio, websockets 10.x).

Ops:
  advertise / unadvertise / publish        -> a rospy.Publisher per topic, shared by clients
                                              (publish without advertise looks the type up on the master)
  subscribe / unsubscribe                  -> a rospy.Subscriber per client and topic; every message is
                                              forwarded as {"op":"publish","topic":..,"msg":..};
                                              throttle_rate (ms) and queue_length are honoured loosely
  call_service                             -> generic rospy.ServiceProxy (type from "type" or probed),
                                              plus built-in rosapi services (see ROSAPI below)
  set_level                                -> accepted, ignored
Replies are {"op":"service_response","id","service","values","result"}; errors are
{"op":"status","level":"error","id","msg"} (and, for services, a service_response with result false).

Like the real one: names without a leading '/' resolve to the root namespace; a new publisher
re-sends what it published in its first seconds to subscribers that connect late (rosbridge's
PublisherConsistencyListener), so advertise-then-publish does not drop the first messages; a
topic's publisher is unregistered a little after its last client lets go.

Refuses services under /rosout/: Debian's C++ rosout crashes when /rosout/get_loggers is called.
Logs to stderr on errors only. SIGTERM/SIGINT: close clients, unregister, exit 0.

Usage: /usr/bin/python3 rosbridge_server.py --port 9090   (ROS_MASTER_URI etc. from the environment)
"""
import argparse
import asyncio
import collections
import io
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import rosgraph  # noqa: E402
import rospy  # noqa: E402
import rosservice  # noqa: E402
import websockets  # noqa: E402

from ros_json import ConversionError, args_to_request, dict_to_msg, get_msg_class, get_srv_class, msg_to_dict  # noqa: E402

NODE_NAME = 'rosbridge_websocket'
CONSISTENCY_S = 2.0       # re-send window for late subscribers of a new publisher
UNREGISTER_DELAY_S = 2.0  # keep a publisher this long after its last client unadvertises
DEFAULT_SERVICE_TIMEOUT_S = 10.0
OUT_QUEUE_MAX = 2000      # per-client outgoing messages; the oldest are dropped beyond this


def log_error(text):
    sys.stderr.write('rosbridge_server: %s\n' % text)
    sys.stderr.flush()


def resolve(name):
    if not isinstance(name, str) or not name:
        raise BridgeError('missing topic/service name')
    return name if name.startswith('/') else '/' + name


def dumps(obj):
    return json.dumps(obj, allow_nan=False, separators=(',', ':'))


class BridgeError(Exception):
    pass


# ---------------------------------------------------------------- master queries (blocking; run in executor)

def master():
    return rosgraph.Master('/' + NODE_NAME)


def topic_types():
    return dict(master().getTopicTypes())


def rosapi_get_ros_version(_args):
    return {'version': 1, 'distro': os.environ.get('ROS_DISTRO') or 'debian'}


def rosapi_topics(_args):
    pairs = sorted(topic_types().items())
    return {'topics': [t for t, _ in pairs], 'types': [ty for _, ty in pairs]}


def rosapi_topic_type(args):
    return {'type': topic_types().get(resolve(args.get('topic')), '')}


def rosapi_topics_for_type(args):
    want = args.get('type')
    return {'topics': sorted(t for t, ty in topic_types().items() if ty == want)}


def rosapi_services(_args):
    _pubs, _subs, srvs = master().getSystemState()
    return {'services': sorted(name for name, _ in srvs)}


def rosapi_nodes(_args):
    state = master().getSystemState()
    return {'nodes': sorted({n for part in state for _, nodes in part for n in nodes})}


def rosapi_publishers(args):
    topic = resolve(args.get('topic'))
    pubs = dict(master().getSystemState()[0])
    return {'publishers': sorted(pubs.get(topic, []))}


def rosapi_get_param(args):
    default = args.get('default', '')
    default = json.loads(default) if default else None
    return {'value': json.dumps(rospy.get_param(resolve(args.get('name')), default))}


def rosapi_set_param(args):
    rospy.set_param(resolve(args.get('name')), json.loads(args.get('value') or 'null'))
    return {}


def rosapi_get_param_names(_args):
    return {'names': sorted(rospy.get_param_names())}


ROSAPI = {
    '/rosapi/get_ros_version': rosapi_get_ros_version,
    '/rosapi/topics': rosapi_topics,
    '/rosapi/topic_type': rosapi_topic_type,
    '/rosapi/topics_for_type': rosapi_topics_for_type,
    '/rosapi/services': rosapi_services,
    '/rosapi/nodes': rosapi_nodes,
    '/rosapi/publishers': rosapi_publishers,
    '/rosapi/get_param': rosapi_get_param,
    '/rosapi/set_param': rosapi_set_param,
    '/rosapi/get_param_names': rosapi_get_param_names,
}


# ---------------------------------------------------------------- publishers shared by all clients

class ConsistencyListener(rospy.SubscribeListener):
    """Re-sends the messages a new publisher sent in its first CONSISTENCY_S to peers connecting late."""

    def __init__(self):
        self.created = time.monotonic()
        self.lock = threading.Lock()
        self.sent = []

    def active(self):
        return time.monotonic() - self.created < CONSISTENCY_S

    def record(self, msg):
        if self.active():
            with self.lock:
                if len(self.sent) < 100:
                    self.sent.append(msg)

    def peer_subscribe(self, topic_name, topic_publish, peer_publish):
        if not self.active():
            return
        with self.lock:
            backlog = list(self.sent)
        for msg in backlog:
            peer_publish(msg)


class SharedPublisher:
    def __init__(self, topic, type_name, cls, latch, queue_size):
        self.topic = topic
        self.type_name = type_name
        self.cls = cls
        self.listener = ConsistencyListener()
        self.pub = rospy.Publisher(topic, cls, queue_size=queue_size, latch=latch,
                                   subscriber_listener=self.listener)
        self.clients = set()
        self.unregister_handle = None

    def publish(self, msg):
        self.listener.record(msg)
        self.pub.publish(msg)


# ---------------------------------------------------------------- per-connection state

class Subscription:
    def __init__(self, topic, type_name):
        self.topic = topic
        self.type_name = type_name
        self.ids = {}           # subscribe id -> (throttle_ms, queue_length)
        self.rospy_sub = None
        self.pending = collections.deque(maxlen=1)
        self.last_sent = 0.0
        self.flush_handle = None

    def throttle_s(self):
        return min(t for t, _ in self.ids.values()) / 1000.0 if self.ids else 0.0

    def queue_length(self):
        return max(q for _, q in self.ids.values()) if self.ids else 1


class Client:
    def __init__(self, bridge, ws):
        self.bridge = bridge
        self.ws = ws
        self.loop = bridge.loop
        self.out = collections.deque()
        self.out_ready = asyncio.Event()
        self.subs = {}          # topic -> Subscription
        self.advertised = {}    # topic -> set of advertise ids
        self.tasks = set()
        self.closed = False

    # -- outgoing
    def send(self, obj):
        self.send_text(dumps(obj))

    def send_text(self, text):
        if self.closed:
            return
        if len(self.out) >= OUT_QUEUE_MAX:
            self.out.popleft()
        self.out.append(text)
        self.out_ready.set()

    def status(self, level, msg, op_id=None):
        if level == 'error':
            log_error(msg)
        out = {'op': 'status', 'level': level, 'msg': msg}
        if op_id is not None:
            out['id'] = op_id
        self.send(out)

    async def writer(self):
        try:
            while True:
                await self.out_ready.wait()
                while self.out:
                    await self.ws.send(self.out.popleft())
                self.out_ready.clear()
        except websockets.exceptions.ConnectionClosed:
            pass

    # -- incoming dispatch
    async def handle(self, text):
        try:
            m = json.loads(text)
        except ValueError as e:
            self.status('error', 'invalid JSON: %s' % e)
            return
        if not isinstance(m, dict):
            self.status('error', 'message is not a JSON object')
            return
        op = m.get('op')
        op_id = m.get('id')
        try:
            if op == 'advertise':
                await self.advertise(m)
            elif op == 'unadvertise':
                await self.unadvertise(m)
            elif op == 'publish':
                await self.publish(m)
            elif op == 'subscribe':
                await self.subscribe(m)
            elif op == 'unsubscribe':
                await self.unsubscribe(m)
            elif op == 'call_service':
                task = asyncio.ensure_future(self.call_service(m))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
            elif op == 'set_level':
                pass
            else:
                self.status('error', 'unsupported op %r' % (op,), op_id)
        except (BridgeError, ConversionError) as e:
            self.status('error', '%s: %s' % (op, e), op_id)
        except Exception as e:  # keep the connection alive whatever a client sends
            self.status('error', '%s failed: %s: %s' % (op, type(e).__name__, e), op_id)

    # -- topics, publishing side
    async def advertise(self, m):
        topic = resolve(m.get('topic'))
        type_name = m.get('type')
        if not type_name:
            raise BridgeError('advertise %s without a type' % topic)
        await self.bridge.acquire_publisher(self, topic, type_name, bool(m.get('latch', False)),
                                            int(m.get('queue_size') or 100))
        self.advertised.setdefault(topic, set()).add(m.get('id'))

    async def unadvertise(self, m):
        topic = resolve(m.get('topic'))
        ids = self.advertised.get(topic)
        if ids is None:
            raise BridgeError('%s is not advertised by this client' % topic)
        ids.discard(m.get('id'))
        if m.get('id') is None or not ids:
            del self.advertised[topic]
            self.bridge.release_publisher(self, topic)

    async def publish(self, m):
        topic = resolve(m.get('topic'))
        if topic not in self.advertised:
            # rosbridge auto-advertises with the type the master knows
            type_name = (await self.bridge.run_blocking(topic_types)).get(topic)
            if not type_name:
                raise BridgeError('cannot infer the type of %s: advertise it first' % topic)
            await self.bridge.acquire_publisher(self, topic, type_name, bool(m.get('latch', False)), 100)
            self.advertised.setdefault(topic, set()).add(None)
        shared = self.bridge.pubs[topic]
        msg = dict_to_msg(shared.cls, m.get('msg'), topic)
        try:  # surface range/size errors here instead of in rospy's publisher thread
            msg.serialize(io.BytesIO())
        except Exception as e:
            raise BridgeError('cannot serialize message for %s (%s): %s' % (topic, shared.type_name, e))
        shared.publish(msg)

    # -- topics, subscribing side
    async def subscribe(self, m):
        topic = resolve(m.get('topic'))
        type_name = m.get('type')
        if not type_name:
            type_name = (await self.bridge.run_blocking(topic_types)).get(topic)
            if not type_name:
                raise BridgeError('cannot infer the type of %s: it is not advertised yet' % topic)
        if m.get('compression') not in (None, '', 'none'):
            self.status('warning', 'compression %r not supported by this bridge; sending JSON' % m.get('compression'),
                        m.get('id'))
        sub = self.subs.get(topic)
        if sub is not None and sub.type_name != type_name:
            raise BridgeError('%s already subscribed as %s, not %s' % (topic, sub.type_name, type_name))
        if sub is None:
            cls = get_msg_class(type_name)
            sub = Subscription(topic, type_name)
            self.subs[topic] = sub
            try:
                sub.rospy_sub = await self.bridge.run_blocking(
                    lambda: rospy.Subscriber(topic, cls, self._on_ros_message, callback_args=sub))
            except Exception:
                self.subs.pop(topic, None)
                raise
            if self.closed or self.subs.get(topic) is not sub:
                self.bridge.unregister_later(sub.rospy_sub)
                return
        sub_id = m.get('id') or 'subscribe:%s' % topic
        sub.ids[sub_id] = (max(0, int(m.get('throttle_rate') or 0)), max(1, int(m.get('queue_length') or 1)))
        sub.pending = collections.deque(sub.pending, maxlen=sub.queue_length())

    async def unsubscribe(self, m):
        topic = resolve(m.get('topic'))
        sub = self.subs.get(topic)
        if sub is None:
            return  # rosbridge ignores unknown unsubscribes
        if m.get('id') is not None:
            sub.ids.pop(m.get('id'), None)
        else:
            sub.ids.clear()
        if not sub.ids:
            self._drop_subscription(topic)
        else:
            sub.pending = collections.deque(sub.pending, maxlen=sub.queue_length())

    def _drop_subscription(self, topic):
        sub = self.subs.pop(topic, None)
        if sub is None:
            return
        if sub.flush_handle is not None:
            sub.flush_handle.cancel()
        if sub.rospy_sub is not None:
            self.bridge.unregister_later(sub.rospy_sub)

    def _on_ros_message(self, msg, sub):  # rospy thread
        if self.closed:
            return
        try:
            text = dumps({'op': 'publish', 'topic': sub.topic, 'msg': msg_to_dict(msg)})
        except Exception as e:
            log_error('cannot convert message on %s: %s' % (sub.topic, e))
            return
        try:
            self.loop.call_soon_threadsafe(self._deliver, sub, text)
        except RuntimeError:
            pass  # loop closed during shutdown

    def _deliver(self, sub, text):
        if self.closed or self.subs.get(sub.topic) is not sub:
            return
        throttle = sub.throttle_s()
        if throttle <= 0:
            self.send_text(text)
            return
        sub.pending.append(text)
        if sub.flush_handle is None:
            delay = max(0.0, sub.last_sent + throttle - self.loop.time())
            sub.flush_handle = self.loop.call_later(delay, self._flush, sub)

    def _flush(self, sub):
        sub.flush_handle = None
        if self.closed or self.subs.get(sub.topic) is not sub or not sub.pending:
            return
        self.send_text(sub.pending.popleft())
        sub.last_sent = self.loop.time()
        if sub.pending:
            sub.flush_handle = self.loop.call_later(sub.throttle_s(), self._flush, sub)

    # -- services
    async def call_service(self, m):
        op_id = m.get('id')
        service = m.get('service')
        try:
            service = resolve(service)
            args = m.get('args')
            if args is None:
                args = {}
            timeout = m.get('timeout')
            timeout = float(timeout) if isinstance(timeout, (int, float)) and timeout > 0 else DEFAULT_SERVICE_TIMEOUT_S
            if service in ROSAPI:
                if not isinstance(args, dict):
                    raise BridgeError('args must be an object')
                values = await self.bridge.run_blocking(lambda: ROSAPI[service](args))
            else:
                values = await asyncio.wait_for(self._call_ros_service(service, m.get('type'), args), timeout)
        except Exception as e:
            if isinstance(e, asyncio.TimeoutError):
                e = BridgeError('timed out after %gs' % timeout)
            text = 'call_service %s: %s' % (service, e)
            self.status('error', text, op_id)
            out = {'op': 'service_response', 'service': service, 'values': text, 'result': False}
        else:
            out = {'op': 'service_response', 'service': service, 'values': values, 'result': True}
        if op_id is not None:
            out['id'] = op_id
        self.send(out)

    async def _call_ros_service(self, service, type_name, args):
        if service.startswith('/rosout/'):
            raise BridgeError('refusing to call %s (Debian\'s rosout crashes on its logger services)' % service)
        if not type_name:
            type_name = await self.bridge.run_blocking(lambda: rosservice.get_service_type(service))
            if not type_name:
                raise BridgeError('service %s does not exist' % service)
        srv_cls = get_srv_class(type_name)
        req = args_to_request(srv_cls._request_class, args, service)

        def call():
            proxy = rospy.ServiceProxy(service, srv_cls)
            try:
                return proxy(req)
            finally:
                proxy.close()
        resp = await self.bridge.run_blocking(call)
        return msg_to_dict(resp)

    # -- teardown
    def close(self):
        if self.closed:
            return
        self.closed = True
        for task in list(self.tasks):
            task.cancel()
        for topic in list(self.subs):
            self._drop_subscription(topic)
        for topic in list(self.advertised):
            self.bridge.release_publisher(self, topic)
        self.advertised.clear()


# ---------------------------------------------------------------- server

class Bridge:
    def __init__(self, loop):
        self.loop = loop
        self.pubs = {}          # topic -> SharedPublisher
        self.pub_lock = asyncio.Lock()
        self.clients = set()

    def run_blocking(self, fn):
        return self.loop.run_in_executor(None, fn)

    async def acquire_publisher(self, client, topic, type_name, latch, queue_size):
        async with self.pub_lock:
            shared = self.pubs.get(topic)
            if shared is not None:
                if shared.type_name != type_name:
                    raise BridgeError('%s is already advertised as %s, not %s' % (topic, shared.type_name, type_name))
                if shared.unregister_handle is not None:
                    shared.unregister_handle.cancel()
                    shared.unregister_handle = None
                shared.clients.add(client)
                return shared
            cls = get_msg_class(type_name)
            known = (await self.run_blocking(topic_types)).get(topic)
            if known and known != type_name:
                raise BridgeError('%s exists on the master as %s, not %s' % (topic, known, type_name))
            shared = await self.run_blocking(lambda: SharedPublisher(topic, type_name, cls, latch, queue_size))
            shared.clients.add(client)
            self.pubs[topic] = shared
            return shared

    def release_publisher(self, client, topic):
        shared = self.pubs.get(topic)
        if shared is None:
            return
        shared.clients.discard(client)
        if not shared.clients and shared.unregister_handle is None:
            shared.unregister_handle = self.loop.call_later(UNREGISTER_DELAY_S, self._unregister_publisher, shared)

    def _unregister_publisher(self, shared):
        if shared.clients or self.pubs.get(shared.topic) is not shared:
            return
        del self.pubs[shared.topic]
        self.unregister_later(shared.pub)

    def unregister_later(self, handle):
        def unregister():
            try:
                handle.unregister()
            except Exception as e:
                log_error('unregister failed: %s' % e)
        self.loop.run_in_executor(None, unregister)

    async def handler(self, ws, _path=None):
        client = Client(self, ws)
        self.clients.add(client)
        writer = asyncio.ensure_future(client.writer())
        try:
            async for text in ws:
                if isinstance(text, bytes):
                    try:
                        text = text.decode('utf-8')
                    except UnicodeDecodeError:
                        client.status('error', 'binary frames (CBOR/BSON) are not supported')
                        continue
                await client.handle(text)
        except websockets.exceptions.ConnectionClosed:
            pass
        finally:
            client.close()
            writer.cancel()
            self.clients.discard(client)


async def serve(port):
    loop = asyncio.get_running_loop()
    bridge = Bridge(loop)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    server = await websockets.serve(bridge.handler, '127.0.0.1', port, max_size=None, max_queue=None)
    try:
        await stop
    finally:
        server.close()
        for client in list(bridge.clients):
            client.close()
        await asyncio.wait_for(server.wait_closed(), 3)


def main():
    ap = argparse.ArgumentParser(description='fake rosbridge v2 (JSON) server for tests')
    ap.add_argument('--port', type=int, default=9090)
    args = ap.parse_args(rospy.myargv()[1:])
    rospy.init_node(NODE_NAME, disable_signals=True, disable_rosout=False)
    code = 0
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(serve(args.port))
    except OSError as e:
        log_error('cannot listen on 127.0.0.1:%d: %s' % (args.port, e))
        code = 1
    rospy.signal_shutdown('exiting')
    sys.stderr.flush()
    os._exit(code)  # do not wait for executor threads stuck in calls to a paused/dead node


if __name__ == '__main__':
    main()
