/** robot/sim-server: the simulated workcell served as a rosbridge v2 robot (`yoto sim serve`). */
export { SimServer, startSimServer, DEFAULT_SIM_SERVER_RATES, type SimServerOptions, type SimServerRates } from './sim-server.ts';
export { SIM_ROS, jointStateNames, type SimArmInterface } from './ros-interface.ts';
export { serveCameraConfig } from './camera-config.ts';
