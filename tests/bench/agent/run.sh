#!/bin/sh
# Run bench_xfrm in a network namespace created here and deleted on exit.
# Usage: run.sh BENCH_BINARY [FILTERS [CYCLES]]
set -eu

bench=$1
shift
ns="ipsxf-bench-$$"
trap 'ip netns delete "$ns" 2>/dev/null || true' EXIT INT TERM
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" "$bench" "$@"
