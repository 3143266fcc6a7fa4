#!/usr/bin/env bash
# Runs a command inside a fresh private network namespace: loopback plus one
# veth pair (pa 10.77.0.1, pb 10.77.0.2) and nothing else. Everything that
# carries media in tests and benchmarks runs in here, so test traffic can only
# reach loopback or the namespace's own addresses. The default route (via pb)
# is there because Firefox gathers no ICE candidates without one (and then only
# on the default route's interface: pb, where the test servers' Janus listens); it
# leads nowhere: the veth pair is the only interface and nothing forwards.
set -euo pipefail
if [ "${PARLEY_IN_NETNS:-}" = 1 ]; then exec "$@"; fi
if [ "$(id -u)" = 0 ]; then flags=-n; else flags=-rn; fi
exec unshare "$flags" bash -c '
  set -e
  ip link set lo up
  ip link add pa type veth peer name pb
  ip addr add 10.77.0.1/24 dev pa
  ip addr add 10.77.0.2/24 dev pb
  ip link set pa up
  ip link set pb up
  ip route add default via 10.77.0.1 dev pb
  export PARLEY_IN_NETNS=1 PARLEY_MEDIA_INTERFACE=pa
  exec "$@"' _ "$@"
