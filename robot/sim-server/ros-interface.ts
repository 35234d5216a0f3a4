/**
 * The names `yoto sim serve` presents to ROS: the robot of robot/examples/sim-ur5e.ros1.yaml and
 * .ros2.yaml. Arm joint `<arm>_<joint>_joint` is the sim's `<arm>_<joint>` (UR's driver names);
 * `<arm>_gripper_finger_joint` is one finger's travel in metres (0 closed … FINGER_TRAVEL open).
 */
import { ARMS, type ArmName } from '../../core/program.ts';
import { ARM_JOINTS, FINGER_TRAVEL } from '../../sim/index.ts';

export interface SimArmInterface {
  /** JointState / JointTrajectory names, shoulder to wrist (the sim's ARM_JOINTS order). */
  joints: string[];
  gripperJoint: string;
  /** trajectory_msgs/JointTrajectory, ros_control style. */
  command: string;
  /** control_msgs/FollowJointTrajectory (ROS 1 actionlib topics under it, or the ROS 2 action). */
  action: string;
  /** std_msgs/Float64, metres per finger, 0 … FINGER_TRAVEL. */
  gripperCommand: string;
}

const arm = (a: ArmName): SimArmInterface => ({
  joints: ARM_JOINTS.map((j) => `${a}_${j}_joint`),
  gripperJoint: `${a}_gripper_finger_joint`,
  command: `/${a}_arm_controller/command`,
  action: `/${a}_arm_controller/follow_joint_trajectory`,
  gripperCommand: `/${a}_gripper/command`,
});

export const SIM_ROS = {
  arms: Object.fromEntries(ARMS.map((a) => [a, arm(a)])) as Record<ArmName, SimArmInterface>,
  /** sensor_msgs/JointState: both arms' joints and both grippers. */
  jointStates: '/joint_states',
  /** sensor_msgs/PointCloud2 of the virtual depth camera, in `frame`. */
  pointCloud: '/yoto/point_cloud',
  /** std_msgs/String with JSON {"task","seed","success","time"}. */
  taskStatus: '/yoto/task_status',
  /** std_msgs/Bool, latched: true holds both arms and refuses commands until false. */
  eStop: '/yoto/e_stop',
  /** std_srvs/Trigger: the next seeded placement, arms home. */
  reset: '/yoto/reset',
  frame: 'world',
  /** Gripper travel per finger, metres (robot.yaml's `open`). */
  gripperOpen: FINGER_TRAVEL,
} as const;

/** Every JointState name, in the order /joint_states lists them. */
export function jointStateNames(): string[] {
  return ARMS.flatMap((a) => [...SIM_ROS.arms[a].joints, SIM_ROS.arms[a].gripperJoint]);
}
