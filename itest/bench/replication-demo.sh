#!/usr/bin/env bash
# Walks a replicated disk through its life on two appliance nodes on this machine and prints
# `appliance replication status --verbose` of both nodes at each step, like an admin would see it:
#   create-md + up on both, primary --force on node1 (the full initial sync, shown while it runs),
#   pause-sync / resume-sync on node2, Connected / UpToDate on both, disconnect, 1% of the disk rewritten through iSCSI on node1,
#   connect (the bitmap resync), verify, and the events2-style stream of node2.
# Node1 uses 127.0.0.1 (iSCSI 3311, REST 8311, replication 7789); node2 uses 127.0.0.2 (iSCSI 3312,
# REST 8312, replication 7789): loopback only. Backing files are 512 MiB sparse files in a temp dir.
#
# usage: itest/bench/replication-demo.sh [--size-mib N] [--rate RATE]
set -euo pipefail

size_mib=512
rate=32MiB
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size-mib) size_mib="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "demo: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$size_mib" =~ ^[1-9][0-9]*$ ]] || { echo "demo: --size-mib takes a positive integer" >&2; exit 2; }

root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/appliance/target/appliance.jar"
for tool in qemu-img java curl; do
  command -v "$tool" >/dev/null || { echo "demo: $tool missing; run bin/install-prereqs test" >&2; exit 1; }
done
[[ -f "$jar" ]] || (cd "$root" && mvn -B -q -o -pl appliance -am install -DskipTests)

work="$(mktemp -d /tmp/appliance-repl-demo.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

write_config() { # node address iscsi-port rest-port
  mkdir -p "$work/$1"
  cat >"$work/$1/node.yml" <<EOF
nodeName: $1
stateDirectory: $work/$1/state
iscsi:
  portals: [{address: $2, port: $3}]
replication:
  resources:
    - name: r0
      protocol: C
      verify-alg: sha256
      resync-rate: $rate
      connect-int: 1s
      ping-int: 2s
      timeout: 900ms
      hosts:
        - {name: node1, disk: disks/r0.img, size: ${size_mib}MiB, address: "127.0.0.1:7789"}
        - {name: node2, disk: disks/r0.img, size: ${size_mib}MiB, address: "127.0.0.2:7789"}
seed:
  targets:
    - name: iqn.2026-11.io.appliance:r0
      openAccess: true
      luns: [{lun: 0, replicatedDisk: r0, uuid: 5f0c1d2e-3a4b-4c5d-8e6f-708192a3b4c5}]
server:
  type: simple
  applicationContextPath: /
  adminContextPath: /admin
  connector: {type: http, bindHost: 127.0.0.1, port: $4}
logging:
  level: WARN
EOF
}
start_node() { # node rest-port
  java -jar "$jar" server "$work/$1/node.yml" >"$work/$1/node.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 150); do
    [[ -s "$work/$1/state/api-token" ]] && curl -sf -o /dev/null \
      -H "Authorization: Bearer $(cat "$work/$1/state/api-token")" "http://127.0.0.1:$2/api/v1/status" && return 0
    sleep 0.2
  done
  echo "demo: $1 did not start; its log:" >&2; cat "$work/$1/node.log" >&2; exit 1
}
adm() { # node verb args...
  local node="$1" port
  shift
  case "$node" in node1) port=8311 ;; node2) port=8312 ;; esac
  java -jar "$jar" drbdadm --url "http://127.0.0.1:$port" --token "$(cat "$work/$node/state/api-token")" "$@"
}
show() { # title
  echo
  echo "### $1"
  for node in node1 node2; do
    echo "\$ appliance drbdadm status r0 --verbose    # on $node"
    adm "$node" status r0 --verbose
  done
}
await() { # node, what is awaited, a grep pattern on the text status, limit in seconds
  local node="$1" what="$2" pattern="$3" limit="$4"
  for _ in $(seq 1 $((limit * 5))); do
    adm "$node" status r0 --verbose | grep -q -- "$pattern" && return 0
    sleep 0.2
  done
  echo "demo: $node not $what within ${limit}s" >&2
  adm "$node" status r0 --verbose >&2
  exit 1
}

write_config node1 127.0.0.1 3311 8311
write_config node2 127.0.0.2 3312 8312
start_node node1 8311
start_node node2 8312

adm node1 create-md r0 && adm node2 create-md r0
adm node1 up r0 && adm node2 up r0
await node1 "connected" "node2 role:Secondary" 30
show "after create-md and up on both: Connected, both Inconsistent"

adm node1 primary r0 --force
sleep 1
show "primary --force on node1: the full initial sync"
adm node2 pause-sync r0
sleep 1
show "pause-sync on node2: the resync holds on both sides"
adm node2 resume-sync r0
await node2 "UpToDate" "disk:UpToDate" 600
await node1 "Established" "replication:Established" 60
show "initial sync done: Connected, UpToDate on both"

adm node2 disconnect r0
await node1 "disconnected" "connection:Connecting" 30
ops=$(( size_mib * 256 / 100 ))   # 1% of the disk in 4 KiB writes
qemu-img bench -f raw -w -t none -c "$ops" -d 16 -s 4096 -S $((4096 * 97)) \
  "iscsi://127.0.0.1:3311/iqn.2026-11.io.appliance:r0/0" >/dev/null
show "node2 disconnected, then $ops scattered 4 KiB writes (1% of the disk) on node1"

adm node2 connect r0
await node2 "UpToDate again" "disk:UpToDate" 300
await node1 "Established" "replication:Established" 60
show "connect: bitmap resync of what changed, then UpToDate on both"

adm node1 verify r0
sleep 1
show "verify started on node1"
await node1 "done verifying" "replication:Established" 600
show "verify done"

echo
echo "### node2's event stream (drbdsetup events2 style), current state"
adm node2 events --now
