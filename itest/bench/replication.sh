#!/usr/bin/env bash
# Replicated disks on one machine: two appliance nodes in two network namespaces joined by a veth
# pair, each with three LUNs on sparse files of --size-gib: an unreplicated one (node 1 only), one
# on resource rc (protocol C) and one on resource ra (protocol A). Measured in one run:
#   4 KiB scattered writes, QD32, through our target   qemu-img bench -w with a stride of 7919 blocks
#     on the unreplicated LUN, on rc and on ra (ratios against the unreplicated LUN)
#   full resync throughput                              sizeBytes / time to UpToDate (first: the initial
#     sync after primary --force, then invalidate-remote), and the median rate status showed meanwhile,
#     next to iperf3 (one TCP stream) between the namespaces and fio 1 MiB sequential direct writes on a
#     file of the same size and filesystem as the backing files
#   bitmap resync after rewriting 1% of the disk         bytes moved (resyncReceivedBytes on the
#     target) with the link cut (ip link set down) while node 1 writes, then restored
# Each measurement runs --runs times (default 3); medians are printed. Each write round measures the
# three LUNs one after the other (plain, rc, ra), so a drift over the minutes weighs on all. The LUNs are written once
# (untimed) before the write measurements, so all of them measure overwrites.
#
# --writes-only measures the 4 KiB writes alone (one untimed initial sync; no iperf3, fio or resync figures).
#
# usage: [APPLIANCE_JAVA_OPTS=...] itest/bench/replication.sh [--runs N] [--size-gib N] [--ops N] [--writes-only]
set -euo pipefail

runs=3
size_gib=1
ops=50000
writes_only=no
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --size-gib) size_gib="$2"; shift 2 ;;
    --ops) ops="$2"; shift 2 ;;
    --writes-only) writes_only=yes; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ && "$size_gib" =~ ^[1-9][0-9]*$ && "$ops" =~ ^[1-9][0-9]*$ ]] \
  || { echo "bench: --runs, --size-gib and --ops take positive integers" >&2; exit 2; }
[[ "$(id -u)" == 0 ]] || { echo "bench: network namespaces need root" >&2; exit 1; }

root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/appliance/target/appliance.jar"
for tool in ip qemu-img iperf3 fio curl java; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing; run bin/install-prereqs test" >&2; exit 1; }
done

step_limit=600            # seconds any single command or wait may take
size_bytes=$((size_gib << 30))
stride=$((4096 * 7919))   # 7919 is prime, so the 4 KiB writes visit blocks out of order
prefix="itrb$$"           # per-run names; itrb<pid> of a dead run is removed below
ns1="$prefix-n1"; ns2="$prefix-n2"
veth1="${prefix}a"; veth2="${prefix}b"
addr1=10.231.250.1; addr2=10.231.250.2
iscsi_port=3260; rest_port=8080
work="$(mktemp -d /tmp/appliance-replication-bench.XXXXXX)"
declare -A node_pid=()

# leftovers of runs whose shell is gone (a run killed before its trap)
for leftover in $(ip netns list | awk '{ print $1 }' | grep -E '^itrb[0-9]+-n[12]$' || true); do
  owner="${leftover#itrb}"; owner="${owner%%-*}"
  kill -0 "$owner" 2>/dev/null || ip netns delete "$leftover" 2>/dev/null || true
done

stop_node() { # index
  local pid="${node_pid[$1]:-}"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  node_pid[$1]=""
}
cleanup() {
  stop_node 1 || true
  stop_node 2 || true
  ip netns delete "$ns1" 2>/dev/null || true
  ip netns delete "$ns2" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { # index command...
  local ns; ns="$([[ "$1" == 1 ]] && echo "$ns1" || echo "$ns2")"; shift
  ip netns exec "$ns" "$@"
}

build_jar() {
  if [[ ! -f "$jar" ]]; then
    echo "bench: building $jar"
    (cd "$root" && timeout 1200 mvn -B -q -ntp -DskipTests install) || { echo "bench: build failed" >&2; exit 1; }
  fi
}

make_lab() {
  ip netns add "$ns1"; ip netns add "$ns2"
  in_ns 1 ip link set lo up; in_ns 2 ip link set lo up
  ip link add "$veth1" netns "$ns1" type veth peer name "$veth2" netns "$ns2"
  in_ns 1 ip address add "$addr1/24" dev "$veth1"; in_ns 2 ip address add "$addr2/24" dev "$veth2"
  in_ns 1 ip link set "$veth1" up; in_ns 2 ip link set "$veth2" up
}

write_config() { # index
  local i="$1" dir="$work/node$1"
  mkdir -p "$dir/state"
  truncate -s "$size_bytes" "$dir/plain.img" "$dir/rc.img" "$dir/ra.img"
  {
    cat <<YAML
nodeName: "node$i"
stateDirectory: "$dir/state"
iscsi:
  portals:
    - address: "127.0.0.1"
      port: $iscsi_port
replication:
  autoUp: false
  resources:
YAML
    local resource protocol port
    for resource in rc ra; do
      protocol="$([[ "$resource" == rc ]] && echo C || echo A)"
      port="$([[ "$resource" == rc ]] && echo 7789 || echo 7790)"
      cat <<YAML
    - name: "$resource"
      protocol: "$protocol"
      resync-rate: "4GiB"
      connect-int: "1s"
      ping-int: "1s"
      ping-timeout: "500ms"
      timeout: "3s"
      hosts:
        - name: "node1"
          disk: "$work/node1/$resource.img"
          address: "$addr1:$port"
          meta-disk: "internal"
        - name: "node2"
          disk: "$work/node2/$resource.img"
          address: "$addr2:$port"
          meta-disk: "internal"
YAML
    done
    cat <<YAML
seed:
  targets:
    - name: "iqn.2026-11.io.appliance:plain"
      alias: plain
      openAccess: true
      luns:
        - lun: 0
          backingFile: "$dir/plain.img"
          size: ${size_gib}GiB
    - name: "iqn.2026-11.io.appliance:rc"
      alias: rc
      openAccess: true
      luns:
        - lun: 0
          replicatedDisk: "rc"
          uuid: "5f0c1d2e-3a4b-4c5d-8e6f-708192a3b4c1"
    - name: "iqn.2026-11.io.appliance:ra"
      alias: ra
      openAccess: true
      luns:
        - lun: 0
          replicatedDisk: "ra"
          uuid: "5f0c1d2e-3a4b-4c5d-8e6f-708192a3b4c2"
server:
  type: simple
  applicationContextPath: /
  adminContextPath: /admin
  connector:
    type: http
    bindHost: "127.0.0.1"
    port: $rest_port
YAML
  } >"$dir/cfg.yml"
}

start_node() { # index
  local i="$1" dir="$work/node$1"
  local ns; ns="$([[ "$i" == 1 ]] && echo "$ns1" || echo "$ns2")"
  # ip netns exec execs java, so $! is the JVM itself (through the in_ns function it would be a
  # subshell, and stop_node would orphan the JVM); APPLIANCE_JAVA_OPTS e.g. for a flight recording
  # shellcheck disable=SC2086
  ip netns exec "$ns" java -Xmx1g ${APPLIANCE_JAVA_OPTS:-} -jar "$jar" server "$dir/cfg.yml" \
    >>"$dir/appliance.log" 2>&1 &
  node_pid[$i]=$!
  local deadline=$(( SECONDS + 60 ))
  while (( SECONDS < deadline )); do
    if [[ -s "$dir/state/api-token" ]] && [[ "$(rest "$i" GET /status -o /dev/null -w '%{http_code}' 2>/dev/null)" == 200 ]]; then
      return 0
    fi
    kill -0 "${node_pid[$i]}" 2>/dev/null || break
    sleep 0.3
  done
  echo "bench: node$i did not start; log tail:" >&2
  tail -n 30 "$dir/appliance.log" >&2
  exit 1
}

rest() { # index method path [curl args...]
  local i="$1" method="$2" path="$3"; shift 3
  in_ns "$i" curl --silent --show-error --max-time 120 --request "$method" \
    --header "Authorization: Bearer $(cat "$work/node$i/state/api-token")" \
    --header "Content-Type: application/json" "$@" "http://127.0.0.1:$rest_port/api/v1$path"
}

verb() { # index resource verb [json body]
  local out code
  out="$(rest "$1" POST "/replication/$2/$3" ${4:+--data-raw "$4"} -w '\n%{http_code}')"
  code="${out##*$'\n'}"
  [[ "$code" == 200 ]] || { echo "bench: node$1 $3 $2 -> $code: ${out%$'\n'*}" >&2; exit 1; }
}

field() { # json key -> the scalar value of the first "key": in the (compact) JSON
  { grep -o "\"$2\":\"\\?[^,\"}]*" <<<"$1" || true; } | head -n 1 | sed -e "s/^\"$2\":\"\\?//"
}

status() { rest "$1" GET "/replication/$2"; }

in_sync() { # index resource
  local s; s="$(status "$1" "$2")"
  [[ "$(field "$s" connection)" == Connected && "$(field "$s" replication)" == Established \
    && "$(field "$s" disk)" == UpToDate && "$(field "$s" peerDisk)" == UpToDate && "$(field "$s" outOfSyncBytes)" == 0 ]]
}

await() { # description command... (bounded by step_limit)
  local description="$1" deadline=$(( SECONDS + step_limit )); shift
  until "$@"; do
    (( SECONDS < deadline )) || { echo "bench: not $description within ${step_limit}s" >&2; exit 1; }
    sleep 0.2
  done
}

not_connected() { [[ "$(field "$(status "$1" "$2")" connection)" != Connected ]]; }
connected() { [[ "$(field "$(status "$1" "$2")" connection)" == Connected ]]; }

# Prints "IOPS" or "failed".
qemu_bench() { # node url size count depth stride
  local out
  out="$(in_ns "$1" timeout "$step_limit" qemu-img bench -f raw -w -c "$4" -d "$5" -s "$3" -S "$6" "$2" 2>&1)" || { echo failed; return; }
  echo "$out" | awk -v count="$4" '/^Run completed in/ { s = $4 } END { if (s == "" || s <= 0) print "failed"; else printf "%d\n", count / s }'
}

median_of() {
  { printf '%s\n' "$@" | grep -E '^[0-9.]+$' || true; } | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "failed"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

lun_url() { echo "iscsi://127.0.0.1:$iscsi_port/iqn.2026-11.io.appliance:$1/0"; }

# One full resync of a resource towards node 2, from node 1; prints "MB/s-by-time median-status-MB/s".
full_resync() { # resource first(yes/no)
  local resource="$1" start s rates=() size elapsed
  start=$(date +%s.%N)
  if [[ "$2" == yes ]]; then verb 1 "$resource" primary '{"force":true}'; else verb 1 "$resource" invalidate-remote; fi
  local deadline=$(( SECONDS + step_limit ))
  while true; do
    s="$(status 1 "$resource")"
    local rate; rate="$(field "$s" bytesPerSecond)"
    [[ "$rate" =~ ^[0-9]+$ && "$rate" -gt 0 ]] && rates+=("$rate")
    in_sync 1 "$resource" && in_sync 2 "$resource" && break
    (( SECONDS < deadline )) || { echo "bench: $resource resync not done within ${step_limit}s" >&2; exit 1; }
    sleep 0.2
  done
  elapsed="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"
  size="$(field "$s" sizeBytes)"
  local by_status; by_status="$(median_of "${rates[@]:-}")"
  awk -v size="$size" -v t="$elapsed" -v r="$by_status" 'BEGIN { printf "%.1f %s\n", size / t / 1e6, (r ~ /^[0-9.]+$/) ? sprintf("%.1f", r / 1e6) : "-" }'
}

# Cuts the link, rewrites 1% of rc on node 1, restores the link; prints the bytes the resync moved.
bitmap_resync() {
  local before after writes
  before="$(field "$(status 2 rc)" resyncReceivedBytes)"
  in_ns 1 ip link set "$veth1" down
  await "disconnected" not_connected 1 rc
  writes=$(( $(field "$(status 1 rc)" sizeBytes) / 4096 / 100 ))
  qemu_bench 1 "$(lun_url rc)" 4096 "$writes" 16 $((4096 * 100)) >/dev/null
  in_ns 1 ip link set "$veth1" up
  await "in sync after the link came back" in_sync 1 rc
  after="$(field "$(status 2 rc)" resyncReceivedBytes)"
  echo "$(( after - before )) $(( writes * 4096 ))"
}

build_jar
make_lab
write_config 1; write_config 2
start_node 1; start_node 2

echo "bench: link and disk" >&2
iperf_runs=(); fio_runs=()
link_runs="$([[ "$writes_only" == yes ]] && echo 0 || echo "$runs")"
for run in $(seq 1 "$link_runs"); do
  in_ns 1 timeout 120 iperf3 -s -1 -B "$addr1" -p 5201 >/dev/null 2>&1 &
  iperf_server=$!
  result=failed
  for _ in $(seq 1 50); do
    if out="$(in_ns 2 timeout 60 iperf3 -c "$addr1" -p 5201 -t 5 -f m 2>/dev/null)"; then
      result="$(echo "$out" | awk '/sender$/ { for (i = 2; i <= NF; i++) if ($i == "Mbits/sec") v = $(i - 1) } END { print (v == "" ? "failed" : v / 8) }')"
      break
    fi
    sleep 0.1
  done
  wait "$iperf_server" 2>/dev/null || true
  iperf_runs+=("$result")
  fio_runs+=("$(timeout "$step_limit" fio --name=seq --filename="$work/fio.img" --rw=write --bs=1M --size="$size_bytes" \
    --direct=1 --ioengine=libaio --iodepth=8 --output-format=terse --terse-version=3 2>/dev/null \
    | awk -F';' '{ printf "%.1f\n", $48 * 1024 / 1e6 }' || echo failed)")
  rm -f "$work/fio.img"
  echo "bench: run $run: iperf3 ${iperf_runs[-1]} MB/s, fio ${fio_runs[-1]} MB/s" >&2
done

echo "bench: full resyncs" >&2
for resource in rc ra; do
  verb 1 "$resource" create-md; verb 2 "$resource" create-md
  verb 1 "$resource" up; verb 2 "$resource" up
  await "connected" connected 1 "$resource"
done
resync_time_runs=(); resync_status_runs=()
for run in $(seq 1 "$([[ "$writes_only" == yes ]] && echo 1 || echo "$runs")"); do
  read -r by_time by_status <<<"$(full_resync rc "$([[ $run == 1 ]] && echo yes || echo no)")"
  resync_time_runs+=("$by_time"); resync_status_runs+=("$by_status")
  echo "bench: run $run: full resync $by_time MB/s by time, $by_status MB/s by status" >&2
done
full_resync ra yes >/dev/null

echo "bench: 4 KiB writes (warming up: one full pass on each LUN)" >&2
declare -A iops=()
for lun in plain rc ra; do
  qemu_bench 1 "$(lun_url "$lun")" 1048576 $(( size_bytes >> 20 )) 8 1048576 >/dev/null
done
await "rc in sync after the warm-up" in_sync 1 rc
await "ra in sync after the warm-up" in_sync 1 ra
# Rounds of plain, rc, ra: a drift of the machine over the minutes (page cache, neighbours) then
# weighs on the three alike instead of on whichever LUN ran last.
declare -A lun_runs=()
for run in $(seq 1 "$runs"); do
  for lun in plain rc ra; do
    result="$(qemu_bench 1 "$(lun_url "$lun")" 4096 "$ops" 32 "$stride")"
    lun_runs[$lun]+="$result "
    echo "bench: $lun run $run: $result IOPS" >&2
  done
  await "ra in sync" in_sync 1 ra
done
for lun in plain rc ra; do
  # shellcheck disable=SC2086 # the runs are space-separated numbers
  iops[$lun]="$(median_of ${lun_runs[$lun]})"
done

echo "bench: bitmap resyncs" >&2
moved_runs=(); changed=0
for run in $(seq 1 "$link_runs"); do
  read -r moved changed <<<"$(bitmap_resync)"
  moved_runs+=("$moved")
  echo "bench: run $run: bitmap resync moved $moved bytes for $changed changed" >&2
done

ratio() { awk -v o="$1" -v t="$2" 'BEGIN { if (o ~ /^[0-9.]+$/ && t ~ /^[0-9.]+$/ && t > 0) printf "%.2f", o / t; else print "-" }'; }
link="$(median_of "${iperf_runs[@]}")"; disk="$(median_of "${fio_runs[@]}")"
resync="$(median_of "${resync_time_runs[@]}")"; resync_status="$(median_of "${resync_status_runs[@]}")"
moved="$(median_of "${moved_runs[@]}")"

printf '\n%-52s %12s %8s\n' "measurement (median of $runs, ${size_gib} GiB disks)" "value" "ratio"
printf '%-52s %12s %8s\n' "4 KiB scattered write QD32, unreplicated LUN (IOPS)" "${iops[plain]}" "1.00"
printf '%-52s %12s %8s\n' "4 KiB scattered write QD32, protocol C (IOPS)" "${iops[rc]}" "$(ratio "${iops[rc]}" "${iops[plain]}")"
printf '%-52s %12s %8s\n' "4 KiB scattered write QD32, protocol A (IOPS)" "${iops[ra]}" "$(ratio "${iops[ra]}" "${iops[plain]}")"
if [[ "$writes_only" == yes ]]; then exit 0; fi
printf '%-52s %12s %8s\n' "iperf3 between the namespaces (MB/s)" "$link" "1.00"
printf '%-52s %12s %8s\n' "fio 1 MiB sequential direct write (MB/s)" "$disk" "1.00"
printf '%-52s %12s %8s\n' "full resync, size / time to UpToDate (MB/s)" "$resync" \
  "$(ratio "$resync" "$(awk -v l="$link" -v d="$disk" 'BEGIN { if (l !~ /^[0-9.]+$/) print d; else if (d !~ /^[0-9.]+$/) print l; else print (l + 0 < d + 0 ? l : d) }')")"
printf '%-52s %12s %8s\n' "full resync, rate shown in status (MB/s)" "$resync_status" "-"
printf '%-52s %12s %8s\n' "bitmap resync after rewriting 1% (bytes moved)" "$moved" "$(ratio "$moved" "$changed")"
printf '%-52s %12s %8s\n' "  bytes changed / data area" "$changed" "$(ratio "$changed" "$size_bytes")"
echo "(full resync ratio: against the slower of link and disk; bitmap ratio: moved / changed)"
