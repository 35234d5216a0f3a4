/**
 * robot/: yoto on arms — the Robot interface, robot.yaml, the safety layer, the in-process
 * SimRobot and the RosbridgeRobot (real arms or `yoto sim serve` over rosbridge v2), and the one
 * deploy loop that runs a keypose program or a trained policy on either.
 *
 *   const config = readRobotConfig('robot.yaml');
 *   const robot = new RosbridgeRobot({ config, url: 'ws://127.0.0.1:9090' });
 *   const result = await deploy({ robot, config, plan: programSource(program) });
 */
export { readRobotConfig, parseRobotConfig, RobotConfigSchema, ROBOT_CONFIG_VERSION, type RobotConfig, type RobotConfigInput, type ArmConfig } from './config.ts';
export type { Robot, Arm, ArmReading, ArmCommand, BimanualCommand, RobotObservation, PointCloudReading, TaskStatusReading, RobotEvent } from './robot.ts';
export { SafetyLayer, SafetyViolation, observationAge, type ViolationKind } from './safety.ts';
export { SimRobot, SimServos, type SimRobotOptions } from './sim-robot.ts';
export { RosbridgeRobot, type RosbridgeRobotOptions } from './rosbridge/rosbridge-robot.ts';
export { detectDialect } from './rosbridge/dialect.ts';
export { deploy, type DeployOptions, type DeployResult, type DeployEnd, type PlanSource, type TickInfo } from './deploy.ts';
export { programSource, checkProgramOnRobot } from './program-source.ts';
export { policySource, policyPlanSource, type PolicySourceOptions } from './policy-source.ts';
