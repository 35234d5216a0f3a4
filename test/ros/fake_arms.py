#!/usr/bin/python3
"""
FAKE dual-arm robot for tests: a rospy node standing in for two UR-style arms' ros_control
joint_trajectory_controllers and two parallel grippers. No dynamics, no limits: joints follow
commands exactly.

Subscribes
  /left_arm_controller/command, /right_arm_controller/command   trajectory_msgs/JointTrajectory
  /left_gripper/command, /right_gripper/command                 std_msgs/Float64 (finger position, m;
                                                                0 closed .. 0.045 open)
Services
  /fake_arms/reset   std_srvs/Trigger: drop trajectories, jump both arms and grippers back to --home
Publishes
  /joint_states   sensor_msgs/JointState at --rate Hz (default 50), header stamped, names
                  left_shoulder_pan_joint .. left_wrist_3_joint, left_gripper_finger_joint, then right_*

Trajectories (like joint_trajectory_controller): a new trajectory replaces the old one, starting
from the current position; positions are interpolated linearly over the points' time_from_start,
counted from header.stamp (or from receipt when the stamp is zero); joints of the arm that the
trajectory does not name hold still; an empty points list stops and holds. Rejected (logged,
ignored): joint_names not a subset of that arm's six joints (or repeated), a point whose positions
do not match joint_names, NaN/inf positions, time_from_start not increasing, a trajectory ending in
the past. Gripper commands move the finger at 0.1 m/s toward the target clamped to [0, 0.045];
NaN/inf is rejected.

--log FILE: every command message received, one JSON line each, flushed per line:
  {"topic", "type", "t" (ROS time of receipt, s), "msg" (the message as a rosbridge-style dict:
   header, joint_names, points with time_from_start {secs,nsecs}, or data), "accepted", "reason"}
--home JSON: {"left": [6 rad], "right": [6 rad], "left_gripper": m, "right_gripper": m} (any subset).
"""
import argparse
import json
import math
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import rospy  # noqa: E402
from sensor_msgs.msg import JointState  # noqa: E402
from std_msgs.msg import Float64  # noqa: E402
from std_srvs.srv import Trigger, TriggerResponse  # noqa: E402
from trajectory_msgs.msg import JointTrajectory  # noqa: E402

from ros_json import msg_to_dict  # noqa: E402

ARM_JOINTS = ['shoulder_pan_joint', 'shoulder_lift_joint', 'elbow_joint',
              'wrist_1_joint', 'wrist_2_joint', 'wrist_3_joint']
GRIPPER_JOINT = 'gripper_finger_joint'
GRIPPER_MAX = 0.045
GRIPPER_SPEED = 0.1  # m/s
DEFAULT_HOME = {
    'left': [-0.463, -2.124, 2.161, -1.608, -1.571, 2.679],
    'right': [-0.463, -2.124, 2.161, -1.608, -1.571, -0.463],
    'left_gripper': GRIPPER_MAX,
    'right_gripper': GRIPPER_MAX,
}


def finite(x):
    return isinstance(x, (int, float)) and math.isfinite(x)


class Arm:
    def __init__(self, side, home, grip):
        self.side = side
        self.joints = ['%s_%s' % (side, j) for j in ARM_JOINTS]
        self.pos = [float(x) for x in home]
        self.vel = [0.0] * 6
        self.knots = None          # [(t, [6 positions])], t ascending; None = holding
        self.grip = float(grip)
        self.grip_target = float(grip)
        self.grip_vel = 0.0

    def set_trajectory(self, msg, now):
        names = list(msg.joint_names)
        if not names and msg.points:
            return 'no joint_names'
        unknown = [n for n in names if n not in self.joints]
        if unknown:
            return 'joints %s are not in %s_arm_controller (%s)' % (unknown, self.side, ', '.join(self.joints))
        if len(set(names)) != len(names):
            return 'repeated joint_names'
        if not msg.points:
            self.knots = None
            self.vel = [0.0] * 6
            return None
        index = [self.joints.index(n) for n in names]
        start = msg.header.stamp.to_sec() if not msg.header.stamp.is_zero() else now
        knots = [(now, list(self.pos))]
        last_tfs = -1.0
        for i, p in enumerate(msg.points):
            if len(p.positions) != len(names):
                return 'point %d has %d positions for %d joint_names' % (i, len(p.positions), len(names))
            if not all(finite(x) for x in p.positions):
                return 'point %d has non-finite positions' % i
            tfs = p.time_from_start.to_sec()
            if tfs < 0 or tfs <= last_tfs:
                return 'point %d time_from_start %.6f is not increasing' % (i, tfs)
            last_tfs = tfs
            target = list(knots[-1][1])
            for k, j in enumerate(index):
                target[j] = float(p.positions[k])
            t = start + tfs
            if t < now:  # already past (a stamp in the past): skip to the points still ahead
                continue
            knots.append((t, target))
        if start + last_tfs < now:
            return 'trajectory ends in the past (%.3fs ago)' % (now - start - last_tfs)
        self.knots = knots
        return None

    def set_gripper(self, value):
        if not finite(value):
            return 'non-finite gripper position'
        self.grip_target = min(GRIPPER_MAX, max(0.0, float(value)))
        return None

    def step(self, now, dt):
        if self.knots is not None:
            knots = self.knots
            if now >= knots[-1][0]:
                self.pos = list(knots[-1][1])
                self.vel = [0.0] * 6
                self.knots = None
            else:
                i = 0
                while knots[i + 1][0] <= now:
                    i += 1
                (t0, p0), (t1, p1) = knots[i], knots[i + 1]
                if now < t0:  # waiting for a future start
                    self.pos, self.vel = list(p0), [0.0] * 6
                else:
                    a = (now - t0) / (t1 - t0) if t1 > t0 else 1.0
                    self.pos = [x0 + a * (x1 - x0) for x0, x1 in zip(p0, p1)]
                    self.vel = [(x1 - x0) / (t1 - t0) if t1 > t0 else 0.0 for x0, x1 in zip(p0, p1)]
        err = self.grip_target - self.grip
        stepmax = GRIPPER_SPEED * dt
        if abs(err) <= stepmax:
            self.grip_vel = err / dt if dt > 0 else 0.0
            self.grip = self.grip_target
        else:
            self.grip_vel = math.copysign(GRIPPER_SPEED, err)
            self.grip += math.copysign(stepmax, err)
        if abs(err) < 1e-12:
            self.grip_vel = 0.0


class FakeArms:
    def __init__(self, home, log_path):
        self.lock = threading.Lock()
        self.home = home
        self.arms = {side: Arm(side, home[side], home[side + '_gripper']) for side in ('left', 'right')}
        self.log = open(log_path, 'a', encoding='utf-8') if log_path else None
        self.log_lock = threading.Lock()

    def record(self, topic, type_name, msg, reason):
        if self.log is None:
            return
        try:
            body = msg_to_dict(msg)
        except Exception as e:  # never lose the line
            body = {'_error': str(e)}
        line = json.dumps({'topic': topic, 'type': type_name, 't': rospy.get_time(), 'msg': body,
                           'accepted': reason is None, 'reason': reason}, allow_nan=False)
        with self.log_lock:
            self.log.write(line + '\n')
            self.log.flush()

    def on_trajectory(self, msg, side):
        now = rospy.get_time()
        with self.lock:
            reason = self.arms[side].set_trajectory(msg, now)
        if reason:
            rospy.logerr('/%s_arm_controller/command rejected: %s', side, reason)
        self.record('/%s_arm_controller/command' % side, 'trajectory_msgs/JointTrajectory', msg, reason)

    def on_gripper(self, msg, side):
        with self.lock:
            reason = self.arms[side].set_gripper(msg.data)
        if reason:
            rospy.logerr('/%s_gripper/command rejected: %s', side, reason)
        self.record('/%s_gripper/command' % side, 'std_msgs/Float64', msg, reason)

    def on_reset(self, _req):
        with self.lock:
            self.arms = {side: Arm(side, self.home[side], self.home[side + '_gripper']) for side in ('left', 'right')}
        return TriggerResponse(success=True, message='both arms at home')

    def joint_state(self, now, dt):
        js = JointState()
        js.header.stamp = rospy.Time.now()
        with self.lock:
            for side in ('left', 'right'):
                arm = self.arms[side]
                arm.step(now, dt)
                js.name += arm.joints + ['%s_%s' % (side, GRIPPER_JOINT)]
                js.position += arm.pos + [arm.grip]
                js.velocity += arm.vel + [arm.grip_vel]
        js.effort = [0.0] * len(js.name)
        return js


def main():
    ap = argparse.ArgumentParser(description='fake dual-arm controllers for tests')
    ap.add_argument('--home', default=None, help='JSON: {"left":[6],"right":[6],"left_gripper":m,"right_gripper":m}')
    ap.add_argument('--log', default=None, help='append every received command as a JSON line')
    ap.add_argument('--rate', type=float, default=50.0)
    args = ap.parse_args(rospy.myargv()[1:])
    home = dict(DEFAULT_HOME)
    if args.home:
        given = json.loads(args.home)
        for side in ('left', 'right'):
            if side in given and len(given[side]) != 6:
                ap.error('--home %s needs 6 joint positions' % side)
        home.update(given)

    rospy.init_node('fake_arms')
    node = FakeArms(home, args.log)
    pub = rospy.Publisher('/joint_states', JointState, queue_size=10)
    subs = []
    for side in ('left', 'right'):
        subs.append(rospy.Subscriber('/%s_arm_controller/command' % side, JointTrajectory,
                                     node.on_trajectory, callback_args=side, queue_size=10))
        subs.append(rospy.Subscriber('/%s_gripper/command' % side, Float64,
                                     node.on_gripper, callback_args=side, queue_size=10))
    rospy.Service('/fake_arms/reset', Trigger, node.on_reset)
    rate = rospy.Rate(args.rate)
    last = rospy.get_time()
    while not rospy.is_shutdown():
        now = rospy.get_time()
        pub.publish(node.joint_state(now, now - last))
        last = now
        try:
            rate.sleep()
        except rospy.ROSInterruptException:
            break
    if node.log:
        node.log.close()


if __name__ == '__main__':
    main()
