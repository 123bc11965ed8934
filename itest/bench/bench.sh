#!/usr/bin/env bash
# Compares the appliance's iSCSI target with tgtd on the same sparse backing file, one target at a
# time, over loopback:
#   4 KiB random reads, queue depth 32        iscsi-perf -r (time-bounded)
#   4 KiB scattered writes, queue depth 32    qemu-img bench -w with a stride of 7919 blocks, which
#                                             wraps around the LUN and visits it out of order
#   1 MiB sequential reads, queue depth 8     qemu-img bench
#   1 MiB sequential writes, queue depth 8    qemu-img bench -w
# Each workload runs --runs times per target (default 3) and the median is reported. Before
# measuring, each target has the whole LUN written once (untimed), so both measure overwrites.
#
# usage: itest/bench/bench.sh [--only ours|tgt] [--runs N] [--size-gib N] [--seconds N]
set -euo pipefail

only=""
runs=3
size_gib=2
seconds=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) only="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --size-gib) size_gib="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$only" in ""|ours|tgt) ;; *) echo "bench: --only takes ours or tgt" >&2; exit 2 ;; esac
[[ "$runs" =~ ^[1-9][0-9]*$ && "$size_gib" =~ ^[1-9][0-9]*$ && "$seconds" =~ ^[1-9][0-9]*$ ]] \
  || { echo "bench: --runs, --size-gib and --seconds take positive integers" >&2; exit 2; }

root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/appliance/target/appliance.jar"
for tool in iscsi-perf qemu-img iscsi-readcapacity16 tgtd tgtadm java; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing; run bin/install-prereqs test" >&2; exit 1; }
done

step_limit=300          # seconds any single command may take
size_bytes=$((size_gib << 30))
small_ops=150000        # 4 KiB writes per run
large_ops=$(( size_bytes >> 20 ))   # 1 MiB operations per run: the whole LUN once
stride=$((4096 * 7919)) # 7919 is prime, so the 4 KiB writes visit blocks out of order

work="$(mktemp -d /tmp/appliance-bench.XXXXXX)"
ours_pid=""
tgtd_pid=""
tgtd_control=""
lun_url=""

stop_ours() {
  if [[ -n "$ours_pid" ]] && kill -0 "$ours_pid" 2>/dev/null; then
    kill -TERM "$ours_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$ours_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$ours_pid" 2>/dev/null || true
    wait "$ours_pid" 2>/dev/null || true
  fi
  ours_pid=""
}
stop_tgtd() {
  if [[ -n "$tgtd_pid" ]] && kill -0 "$tgtd_pid" 2>/dev/null; then
    timeout 20 tgtadm -C "$tgtd_control" --lld iscsi --op delete --mode target --tid 1 --force >/dev/null 2>&1 || true
    timeout 20 tgtadm -C "$tgtd_control" --op delete --mode system >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do kill -0 "$tgtd_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$tgtd_pid" 2>/dev/null || true
    wait "$tgtd_pid" 2>/dev/null || true
  fi
  if [[ -n "$tgtd_control" ]]; then
    rm -f "/var/run/tgtd/socket.$tgtd_control" "/var/run/tgtd/socket.$tgtd_control.lock"
  fi
  tgtd_pid=""
}
cleanup() {
  stop_ours
  stop_tgtd
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "bench: no free port found" >&2; return 1
}

await_port() { # port seconds
  local deadline=$(( SECONDS + $2 ))
  while (( SECONDS < deadline )); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}

build_jar() {
  if [[ ! -f "$jar" ]]; then
    echo "bench: building $jar"
    (cd "$root" && timeout 1200 mvn -B -q -ntp -DskipTests install) || { echo "bench: build failed" >&2; exit 1; }
  fi
}

start_ours() { # sets lun_url
  local port rest_port
  port="$(free_port)"; rest_port="$(free_port)"
  mkdir -p "$work/state"
  cat > "$work/bench.yml" <<YAML
nodeName: bench
stateDirectory: "$work/state"
iscsi:
  portals:
    - address: "127.0.0.1"
      port: $port
seed:
  targets:
    - name: "iqn.2026-11.io.appliance:bench"
      alias: bench
      openAccess: true
      luns:
        - lun: 0
          backingFile: "$work/lun.img"
          size: ${size_gib}GiB
server:
  type: simple
  applicationContextPath: /
  adminContextPath: /admin
  connector:
    type: http
    bindHost: "127.0.0.1"
    port: $rest_port
YAML
  java -jar "$jar" server "$work/bench.yml" >"$work/appliance.log" 2>&1 &
  ours_pid=$!
  if ! await_port "$port" 60; then
    echo "bench: the appliance did not open its portal within 60 s; log tail:" >&2
    tail -n 30 "$work/appliance.log" >&2
    exit 1
  fi
  lun_url="iscsi://127.0.0.1:$port/iqn.2026-11.io.appliance:bench/0"
}

start_tgtd() { # sets lun_url
  local port
  port="$(free_port)"
  for _ in $(seq 1 100); do
    tgtd_control=$(( 20000 + RANDOM % 12000 ))
    [[ -e "/var/run/tgtd/socket.$tgtd_control" ]] || break
  done
  tgtd -f -C "$tgtd_control" --iscsi "portal=127.0.0.1:$port" >"$work/tgtd.log" 2>&1 &
  tgtd_pid=$!
  local ready=""
  for _ in $(seq 1 75); do
    if timeout 10 tgtadm -C "$tgtd_control" --op show --mode system >/dev/null 2>&1; then ready=yes; break; fi
    sleep 0.2
  done
  [[ -n "$ready" ]] || { echo "bench: tgtd did not start" >&2; tail -n 20 "$work/tgtd.log" >&2; exit 1; }
  local adm=(timeout 20 tgtadm -C "$tgtd_control" --lld iscsi)
  "${adm[@]}" --op new --mode target --tid 1 -T iqn.2026-11.io.appliance:bench-tgt >/dev/null
  "${adm[@]}" --op new --mode logicalunit --tid 1 --lun 1 -b "$work/lun.img" >/dev/null
  "${adm[@]}" --op bind --mode target --tid 1 -I ALL >/dev/null
  await_port "$port" 15 || { echo "bench: tgtd portal not listening" >&2; exit 1; }
  lun_url="iscsi://127.0.0.1:$port/iqn.2026-11.io.appliance:bench-tgt/1"
}

# Each measurement prints "IOPS MBPS" or "failed".
measure_randread() { # url block_size
  local out
  out="$(timeout "$step_limit" iscsi-perf -m 32 -b $((4096 / $2)) -t "$seconds" -r "$1" 2>&1)" || { echo failed; return; }
  # the closing line reads: "iops average N (M MB/s)"
  echo "$out" | tr '\r' '\n' | awk '/^ *iops average/ { iops = $3 } END { if (iops == "") print "failed"; else printf "%d %.1f\n", iops, iops * 4096 / 1e6 }'
}
measure_qemu_bench() { # url size_bytes count depth stride write(yes/no)
  local args=(-f raw -c "$3" -d "$4" -s "$2" -S "$5") out
  [[ "$6" == yes ]] && args+=(-w)
  out="$(timeout "$step_limit" qemu-img bench "${args[@]}" "$1" 2>&1)" || { echo failed; return; }
  echo "$out" | awk -v count="$3" -v size="$2" '/^Run completed in/ { s = $4 } END { if (s == "" || s <= 0) print "failed"; else printf "%d %.1f\n", count / s, count * size / s / 1e6 }'
}

median_of() { # values... -> median of the numeric ones, or "failed"
  printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "failed"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

workloads=(randread4k randwrite4k seqread1m seqwrite1m)
declare -A label=(
  [randread4k]="4 KiB random read, QD32"
  [randwrite4k]="4 KiB scattered write, QD32"
  [seqread1m]="1 MiB sequential read, QD8"
  [seqwrite1m]="1 MiB sequential write, QD8"
)
declare -A iops mbps

bench_target() { # name url
  local name="$1" url="$2" block_size capacity workload run result
  capacity="$(timeout 60 iscsi-readcapacity16 "$url")" || { echo "bench: $name: READ CAPACITY failed" >&2; exit 1; }
  block_size="$(echo "$capacity" | awk -F: '/LOGICAL BLOCK LENGTH IN BYTES/ { print $2 }')"
  echo "bench: $name at $url (block $block_size bytes); warming up with one full write pass" >&2
  measure_qemu_bench "$url" 1048576 "$large_ops" 8 1048576 yes >/dev/null
  for workload in "${workloads[@]}"; do
    local iops_runs=() mbps_runs=()
    for run in $(seq 1 "$runs"); do
      case "$workload" in
        randread4k) result="$(measure_randread "$url" "$block_size")" ;;
        randwrite4k) result="$(measure_qemu_bench "$url" 4096 "$small_ops" 32 "$stride" yes)" ;;
        seqread1m) result="$(measure_qemu_bench "$url" 1048576 "$large_ops" 8 1048576 no)" ;;
        seqwrite1m) result="$(measure_qemu_bench "$url" 1048576 "$large_ops" 8 1048576 yes)" ;;
      esac
      echo "bench: $name $workload run $run: $result" >&2
      read -r -a fields <<<"$result"
      iops_runs+=("${fields[0]}")
      mbps_runs+=("${fields[1]:-failed}")
    done
    iops[$name.$workload]="$(median_of "${iops_runs[@]}")"
    mbps[$name.$workload]="$(median_of "${mbps_runs[@]}")"
  done
}

truncate -s "${size_gib}G" "$work/lun.img"

if [[ "$only" != tgt ]]; then
  build_jar
  start_ours
  bench_target ours "$lun_url"
  stop_ours
fi
if [[ "$only" != ours ]]; then
  start_tgtd
  bench_target tgt "$lun_url"
  stop_tgtd
fi

printf '\n%-30s %10s %10s %10s %10s %9s\n' "workload (median of $runs)" "ours IOPS" "ours MB/s" "tgt IOPS" "tgt MB/s" "ours/tgt"
for workload in "${workloads[@]}"; do
  o_iops="${iops[ours.$workload]:--}"; o_mbps="${mbps[ours.$workload]:--}"
  t_iops="${iops[tgt.$workload]:--}"; t_mbps="${mbps[tgt.$workload]:--}"
  ratio="$(awk -v o="$o_iops" -v t="$t_iops" 'BEGIN { if (o ~ /^[0-9.]+$/ && t ~ /^[0-9.]+$/ && t > 0) printf "%.2f", o / t; else print "-" }')"
  printf '%-30s %10s %10s %10s %10s %9s\n' "${label[$workload]}" "$o_iops" "$o_mbps" "$t_iops" "$t_mbps" "$ratio"
done
