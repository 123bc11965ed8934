#!/usr/bin/env bash
# Failover benchmark of the cluster (itest FailoverBenchmark): kill -9 of the active storage node and
# clean moves, timed to the first 4 KiB write+read through the VIP. Needs root, ip netns, nft and the
# built appliance jar (mvn -DskipTests install at the root).
#   itest/bench/failover.sh [--runs N]      (default 10)
# Report: itest/target/cluster-reports/failover-bench.txt
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
runs=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --runs=*) runs="${1#--runs=}"; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "failover.sh: unknown argument $1" >&2; exit 64 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "failover.sh: --runs must be a positive number" >&2; exit 64; }
cd "$root"
flock /tmp/appliance-mvn.lock mvn -B -o -q -pl itest test -Dtest=FailoverBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailover.runs="$runs"
cat "$root/itest/target/cluster-reports/failover-bench.txt"
