/**
 * ROS 1 or ROS 2, asked of the robot's rosapi: `/rosapi/get_ros_version` where it exists (ROS 2,
 * recent ROS 1 rosbridge), else the type rosapi reports for the joint-state topic
 * (`sensor_msgs/msg/JointState` is ROS 2's spelling). No rosapi: robot.yaml must say.
 */
import { Ros, Service } from './roslib.ts';
import { YotoError } from '../../core/errors.ts';
import type { RosDialect } from './messages.ts';

function call(ros: Ros, name: string, type: string, request: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer')), timeoutMs);
    new Service<Record<string, unknown>, Record<string, unknown>>({ ros, name, serviceType: type }).callService(
      request,
      (r) => {
        clearTimeout(timer);
        resolve(r);
      },
      (e) => {
        clearTimeout(timer);
        reject(new Error(String(e)));
      },
    );
  });
}

export async function detectDialect(ros: Ros, jointStatesTopic: string, where: string, timeoutMs = 2000): Promise<RosDialect> {
  try {
    const r = await call(ros, '/rosapi/get_ros_version', 'rosapi/GetROSVersion', {}, timeoutMs);
    if (r.version === 1 || r.version === 2) return r.version === 1 ? 'ros1' : 'ros2';
  } catch {
    // older rosapi: try the topic's type
  }
  try {
    const r = await call(ros, '/rosapi/topic_type', 'rosapi/TopicType', { topic: jointStatesTopic }, timeoutMs);
    if (typeof r.type === 'string' && r.type) return r.type.includes('/msg/') ? 'ros2' : 'ros1';
  } catch {
    // no rosapi at all
  }
  throw new YotoError("cannot tell ROS 1 from ROS 2: rosapi does not answer; set `dialect: ros1` or `dialect: ros2` in robot.yaml", where);
}
