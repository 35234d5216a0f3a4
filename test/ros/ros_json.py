"""
JSON <-> rospy message conversion shared by the test fakes in test/ros/ (rosbridge_server.py and
fake_arms.py). It mimics what ROS 1 rosbridge_library's message_conversion does, so what a client sees
over the fake bridge looks like what the real rosbridge_suite sends and accepts:

* messages are JSON objects keyed by field name; fields missing from an incoming object keep the
  message class's defaults; a key the message type lacks is an error;
* uint8[] / char[] (and byte[]) arrays travel as base64 strings (a list of ints is accepted inbound);
* ROS 1 time/duration are {"secs": .., "nsecs": ..} (unknown keys inside them are ignored, as in
  rosbridge); a time may be the string "now";
* non-finite floats go out as null (JSON has no NaN), and null comes in as NaN for float fields.

Generic over message classes: it walks `__slots__` / `_slot_types` and imports nested classes with
`roslib.message.get_message_class`. Nothing here is specific to a message type.
"""
import base64
import math
import re

import genpy
import roslib.message
import rospy

_INT_TYPES = {'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'byte', 'char'}
_FLOAT_TYPES = {'float32', 'float64'}
_BINARY_ARRAY_BASES = {'uint8', 'char', 'byte'}
_TYPE_RE = re.compile(r'^([^\[\]]+)(\[(\d*)\])?$')
_NAME_RE = re.compile(r'^[A-Za-z][A-Za-z0-9_]*/[A-Za-z][A-Za-z0-9_]*$')


class ConversionError(Exception):
    pass


def _parse_type(slot_type):
    m = _TYPE_RE.match(slot_type)
    if not m:
        raise ConversionError('cannot parse field type %r' % slot_type)
    return m.group(1), m.group(2) is not None


def _check_name(type_name, kind):
    if not isinstance(type_name, str) or not _NAME_RE.match(type_name):
        raise ConversionError(
            '%s type %r is not a ROS 1 type name like "pkg/Name"' % (kind, type_name))


def get_msg_class(type_name):
    """'sensor_msgs/JointState' -> class; ConversionError when it does not exist (ROS 2 style names
    such as 'sensor_msgs/msg/JointState' are refused, as ROS 1 rosbridge refuses them)."""
    _check_name(type_name, 'message')
    try:
        cls = roslib.message.get_message_class(type_name)
    except Exception as e:  # roslib raises ValueError / ImportError variants
        raise ConversionError('cannot load message type %s: %s' % (type_name, e))
    if cls is None:
        raise ConversionError('message type %s does not exist' % type_name)
    return cls


def get_srv_class(type_name):
    _check_name(type_name, 'service')
    try:
        cls = roslib.message.get_service_class(type_name)
    except Exception as e:
        raise ConversionError('cannot load service type %s: %s' % (type_name, e))
    if cls is None:
        raise ConversionError('service type %s does not exist' % type_name)
    return cls


def _nested_class(base):
    if base == 'Header':
        base = 'std_msgs/Header'
    return get_msg_class(base)


# ---------------------------------------------------------------- message -> JSON-ready dict

def msg_to_dict(msg):
    out = {}
    for name, slot_type in zip(msg.__slots__, msg._slot_types):
        out[name] = _value_to_json(slot_type, getattr(msg, name))
    return out


def _value_to_json(slot_type, value):
    base, is_array = _parse_type(slot_type)
    if is_array:
        if isinstance(value, (bytes, bytearray)):
            return base64.b64encode(bytes(value)).decode('ascii')
        if base in _BINARY_ARRAY_BASES:
            return base64.b64encode(bytes(bytearray(value))).decode('ascii')
        return [_value_to_json(base, v) for v in value]
    if base in _FLOAT_TYPES:
        v = float(value)
        return v if math.isfinite(v) else None
    if base in _INT_TYPES:
        if isinstance(value, (bytes, bytearray)):  # a lone char/byte may come back as bytes
            return value[0] if value else 0
        return int(value)
    if base == 'bool':
        return bool(value)
    if base == 'string':
        return value.decode('utf-8', 'replace') if isinstance(value, bytes) else value
    if base in ('time', 'duration'):
        return {'secs': int(value.secs), 'nsecs': int(value.nsecs)}
    return msg_to_dict(value)


# ---------------------------------------------------------------- JSON dict -> message

def dict_to_msg(cls, data, path=None):
    path = path or cls._type
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConversionError('%s: expected a JSON object for %s, got %s' % (path, cls._type, type(data).__name__))
    inst = cls()
    slots = dict(zip(cls.__slots__, cls._slot_types))
    for key, value in data.items():
        if key not in slots:
            raise ConversionError('%s: message type %s has no field %r' % (path, cls._type, key))
        setattr(inst, key, _value_from_json(slots[key], value, '%s.%s' % (path, key)))
    return inst


def _value_from_json(slot_type, value, path):
    base, is_array = _parse_type(slot_type)
    if is_array:
        if base in _BINARY_ARRAY_BASES:
            if isinstance(value, str):
                try:
                    return base64.b64decode(value, validate=True)
                except Exception:
                    raise ConversionError('%s: %s is not valid base64' % (path, slot_type))
            if isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                return bytes(bytearray(v & 0xFF for v in value))
            raise ConversionError('%s: expected base64 string or int list for %s' % (path, slot_type))
        if not isinstance(value, list):
            raise ConversionError('%s: expected a JSON array for %s, got %s' % (path, slot_type, type(value).__name__))
        return [_value_from_json(base, v, '%s[%d]' % (path, i)) for i, v in enumerate(value)]
    if base in _FLOAT_TYPES:
        if value is None:
            return float('nan')
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConversionError('%s: expected a number for %s, got %r' % (path, base, value))
        return float(value)
    if base in _INT_TYPES:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConversionError('%s: expected an integer for %s, got %r' % (path, base, value))
        return value
    if base == 'bool':
        if not isinstance(value, bool):
            raise ConversionError('%s: expected true/false for bool, got %r' % (path, value))
        return value
    if base == 'string':
        if not isinstance(value, str):
            raise ConversionError('%s: expected a string, got %r' % (path, value))
        return value
    if base in ('time', 'duration'):
        if base == 'time' and value == 'now':
            return rospy.get_rostime()
        inst = genpy.Time() if base == 'time' else genpy.Duration()
        if value is None:
            return inst
        if not isinstance(value, dict):
            raise ConversionError('%s: expected {"secs":..,"nsecs":..} for %s, got %r' % (path, base, value))
        for key in ('secs', 'nsecs'):  # like rosbridge: other keys (ROS 2's sec/nanosec) are ignored
            if key in value:
                v = value[key]
                if isinstance(v, float) and v.is_integer():
                    v = int(v)
                if isinstance(v, bool) or not isinstance(v, int):
                    raise ConversionError('%s.%s: expected an integer, got %r' % (path, key, v))
                setattr(inst, key, v)
        return inst
    return dict_to_msg(_nested_class(base), value, path)


def args_to_request(req_cls, args, path):
    """call_service args: an object keyed by field, or (as rosbridge allows) a list in field order."""
    if isinstance(args, list):
        if len(args) > len(req_cls.__slots__):
            raise ConversionError('%s: %d args for %d fields' % (path, len(args), len(req_cls.__slots__)))
        args = dict(zip(req_cls.__slots__, args))
    return dict_to_msg(req_cls, args, path)
