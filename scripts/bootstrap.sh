#!/usr/bin/env bash
# Idempotent bootstrap: Debian packages when missing, npm ci when node_modules is missing or stale.
# `npm run demo`, `npm test` and `npm run bench` all run this first.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
# ROS 1 for test/ros (roscore, rospy, the message packages; its fake rosbridge needs websockets).
if ! command -v roscore >/dev/null 2>&1 ||
  ! /usr/bin/python3 -c 'import rospy, websockets, sensor_msgs.msg, trajectory_msgs.msg, std_srvs.srv' >/dev/null 2>&1; then
  need+=(ros-core python3-rospy python3-sensor-msgs python3-trajectory-msgs python3-geometry-msgs python3-std-srvs python3-std-msgs python3-websockets)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "bootstrap: missing Debian packages: ${need[*]} (run as root or install them: apt-get install ${need[*]})" >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "bootstrap: installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lockfile.
stamp=node_modules/.yoto-bootstrap
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "bootstrap: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
