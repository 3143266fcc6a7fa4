#!/usr/bin/env bash
# A NAT testbed of network namespaces, for tests that need real networks
# between browsers and the server. Nothing in it can reach any other network.
#
#   "pub"              the namespace this runs in: a private one made by
#                      scripts/in-netns.sh (it refuses to run anywhere else).
#                      The bridge br-nat (10.99.0.1/24) is its "internet"; the
#                      server, Janus and coturn listen there.
#   <name>-<home>-r    a home router: `wan` on br-nat (10.99.0.1<i>), `lan` to
#                      the home (192.168.1<i>.1); it masquerades the home (nftables).
#   <name>-<home>      a home: `eth0` 192.168.1<i>.2, default route via its
#                      router. Chromium runs here (ip netns exec).
#
# Usage (root, inside scripts/in-netns.sh):
#   nat-testbed.sh up <name> <home>...           build; prints the testbed as JSON
#   nat-testbed.sh down <name>                   kill what runs in its namespaces, delete them and br-nat
#   nat-testbed.sh link-down|link-up <name> <home>   the home's uplink (router wan) goes down / up
#   nat-testbed.sh change-address <name> <home>  new public (wan) and LAN address, as on another network; prints the home as JSON
#   nat-testbed.sh firewall <name> <home> open|strict [<tcp-port>...]
#                                                strict: the router forwards no UDP and TCP only to these ports
#   nat-testbed.sh clean-stale                   delete testbeds whose creator (pid in the name) is gone
#
# <name> is `pnat-<pid of the owner>-<tag>`, so a testbed whose owner died
# (SIGKILL, no teardown) is found and removed by clean-stale (run by `up`).
set -euo pipefail

BRIDGE=br-nat
PUB_ADDRESS=10.99.0.1
PREFIX=24

die() {
  echo "nat-testbed: $*" >&2
  exit 1
}

# `ip netns exec` into a namespace, quietly.
in_ns() {
  local ns=$1
  shift
  ip netns exec "$ns" "$@"
}

check_name() {
  [[ $1 =~ ^pnat-[0-9]+-[a-z0-9]{1,8}$ ]] || die "bad testbed name '$1' (expected pnat-<pid>-<tag>)"
}

check_home() {
  [[ $1 =~ ^[a-z][a-z0-9]{0,7}$ ]] || die "bad home name '$1' (a-z0-9, at most 8, starting with a letter)"
}

router_ns() { echo "$1-$2-r"; }
home_ns() { echo "$1-$2"; }

addr_of() { # <ns> <dev>: its IPv4 address, without prefix
  ip -n "$1" -4 -o addr show dev "$2" | awk '{ split($4, a, "/"); print a[1]; exit }'
}

home_json() { # <name> <home>
  local r h
  r=$(router_ns "$1" "$2")
  h=$(home_ns "$1" "$2")
  printf '{"name":"%s","ns":"%s","router":"%s","address":"%s","publicAddress":"%s"}' \
    "$2" "$h" "$r" "$(addr_of "$h" eth0)" "$(addr_of "$r" wan)"
}

no_ipv6() {
  in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

require_private_namespace() {
  [ "${PARLEY_IN_NETNS:-}" = 1 ] || die "run me inside scripts/in-netns.sh: the testbed's bridge goes into the current network namespace"
}

make_home() { # <name> <home> <index>
  local name=$1 home=$2 i=$3 r h
  r=$(router_ns "$name" "$home")
  h=$(home_ns "$name" "$home")
  ip netns add "$r"
  ip netns add "$h"
  no_ipv6 "$r"
  no_ipv6 "$h"
  # The router's uplink: one end on the bridge here, `wan` in the router.
  ip link add "nat-$home" type veth peer name wan netns "$r"
  ip link set "nat-$home" master "$BRIDGE" up
  ip -n "$r" addr add "10.99.0.$((10 + i))/$PREFIX" dev wan
  # The home's link to its router.
  ip -n "$r" link add lan type veth peer name eth0 netns "$h"
  ip -n "$r" addr add "192.168.$((10 + i)).1/24" dev lan
  ip -n "$h" addr add "192.168.$((10 + i)).2/24" dev eth0
  for dev in lo wan lan; do ip -n "$r" link set "$dev" up; done
  for dev in lo eth0; do ip -n "$h" link set "$dev" up; done
  ip -n "$h" route add default via "192.168.$((10 + i)).1"
  in_ns "$r" sysctl -qw net.ipv4.ip_forward=1
  in_ns "$r" nft -f - <<'EOF'
table ip parley_nat {
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" masquerade
  }
}
EOF
}

cmd_up() {
  local name=${1:-}
  [ -n "$name" ] && [ $# -ge 2 ] || die "usage: up <name> <home>..."
  shift
  check_name "$name"
  for home in "$@"; do check_home "$home"; done
  require_private_namespace
  cmd_clean_stale
  ip link show "$BRIDGE" >/dev/null 2>&1 && die "$BRIDGE exists: another testbed lives in this namespace (down it first)"
  ip link add "$BRIDGE" type bridge
  sysctl -qw "net.ipv6.conf.$BRIDGE.disable_ipv6=1"
  ip addr add "$PUB_ADDRESS/$PREFIX" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  local i=0 homes=()
  for home in "$@"; do
    i=$((i + 1))
    make_home "$name" "$home" "$i" || {
      cmd_down "$name"
      die "could not build home $home"
    }
    homes+=("\"$home\":$(home_json "$name" "$home")")
  done
  local IFS=,
  printf '{"name":"%s","pub":{"address":"%s","interface":"%s"},"homes":{%s}}\n' "$name" "$PUB_ADDRESS" "$BRIDGE" "${homes[*]}"
}

cmd_down() {
  local name=${1:-}
  check_name "$name"
  local ns
  for ns in $(ip netns list | awk '{ print $1 }' | grep -E "^$name-" || true); do
    # Whatever still runs there (a Chromium that outlived its test) goes first.
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  if [ "${PARLEY_IN_NETNS:-}" = 1 ] && ip link show "$BRIDGE" >/dev/null 2>&1; then
    # Deleting the routers took the veth ends on the bridge with them.
    ip link del "$BRIDGE"
  fi
}

cmd_clean_stale() {
  local ns pid
  for ns in $(ip netns list | awk '{ print $1 }' | grep -E '^pnat-[0-9]+-' || true); do
    pid=${ns#pnat-}
    pid=${pid%%-*}
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "nat-testbed: removing $ns (its owner, pid $pid, is gone)" >&2
      ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
}

home_args() { # <name> <home>: sets r and h, checking the home exists
  check_name "$1"
  check_home "$2"
  r=$(router_ns "$1" "$2")
  h=$(home_ns "$1" "$2")
  [ -e "/run/netns/$r" ] || die "no home $2 in testbed $1"
}

cmd_link() { # <up|down> <name> <home>
  local r h
  home_args "$2" "$3"
  ip -n "$r" link set wan "$1"
}

cmd_change_address() { # <name> <home>
  local name=$1 home=$2 r h
  home_args "$name" "$home"
  # The first 10.99.0.N (N ≥ 100) no router of this testbed has.
  local taken n wan=
  taken=$(for ns in $(ip netns list | awk '{ print $1 }' | grep -E "^$name-.*-r$"); do addr_of "$ns" wan; done)
  for n in $(seq 100 250); do
    if ! grep -qx "10.99.0.$n" <<<"$taken"; then
      wan=10.99.0.$n
      break
    fi
  done
  [ -n "$wan" ] || die "no free public address left"
  local old_lan subnet host
  old_lan=$(addr_of "$h" eth0)
  subnet=${old_lan%.*}
  host=${old_lan##*.}
  host=$((host >= 253 ? 2 : host + 1))
  # Flush, then add: masquerade forgets its mappings when the address goes.
  ip -n "$r" addr flush dev wan
  ip -n "$r" addr add "$wan/$PREFIX" dev wan
  ip -n "$h" addr flush dev eth0
  ip -n "$h" addr add "$subnet.$host/24" dev eth0
  ip -n "$h" route replace default via "$subnet.1"
  home_json "$name" "$home"
  echo
}

cmd_firewall() { # <name> <home> open|strict [ports...]
  local name=$1 home=$2 mode=${3:-} r h
  shift 3 || die "usage: firewall <name> <home> open|strict [<tcp-port>...]"
  home_args "$name" "$home"
  in_ns "$r" nft delete table ip parley_fw 2>/dev/null || true
  case $mode in
    open) ;;
    strict)
      local allowed='' port
      for port in "$@"; do
        [[ $port =~ ^[0-9]+$ ]] || die "bad port '$port'"
        allowed+="${allowed:+, }$port"
      done
      local tcp_rule=''
      [ -n "$allowed" ] && tcp_rule="iifname \"lan\" oifname \"wan\" tcp dport { $allowed } accept"
      in_ns "$r" nft -f - <<EOF
table ip parley_fw {
  chain forward {
    type filter hook forward priority filter; policy drop;
    meta l4proto udp drop
    ct state established,related accept
    $tcp_rule
  }
}
EOF
      ;;
    *) die "firewall mode is open or strict, not '$mode'" ;;
  esac
}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, nftables)"
command=${1:-}
shift || true
case $command in
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  link-down) cmd_link down "$@" ;;
  link-up) cmd_link up "$@" ;;
  change-address) cmd_change_address "$@" ;;
  firewall) cmd_firewall "$@" ;;
  clean-stale) cmd_clean_stale ;;
  *) die "usage: $(basename "$0") up|down|link-down|link-up|change-address|firewall|clean-stale … (see the comment at the top)" ;;
esac
