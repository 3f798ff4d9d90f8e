#!/bin/sh
# Run a test command inside namespace A of a pair of network namespaces
# joined by a veth pair, created here and deleted on exit whatever happens.
# Usage: kernel.sh COMMAND [ARGUMENT...]
set -eu

ns_a="ipsxf-$$-a"
ns_b="ipsxf-$$-b"

cleanup() {
	ip netns pids "$ns_b" 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns delete "$ns_a" 2>/dev/null || true
	ip netns delete "$ns_b" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

ip netns add "$ns_a"
ip netns add "$ns_b"
ip -n "$ns_a" link add xfa0 type veth peer name xfb0 netns "$ns_b"
ip -n "$ns_a" addr add 192.0.2.1/24 dev xfa0
ip -n "$ns_a" addr add 192.0.2.11/24 dev xfa0
ip -n "$ns_a" addr add 198.51.100.1/24 dev xfa0
ip -n "$ns_b" addr add 192.0.2.2/24 dev xfb0
ip -n "$ns_b" addr add 192.0.2.3/24 dev xfb0
ip -n "$ns_b" addr add 198.51.100.2/24 dev xfb0
for ns in "$ns_a" "$ns_b"; do
	ip -n "$ns" link set lo up
done
ip -n "$ns_a" link set xfa0 up
ip -n "$ns_b" link set xfb0 up

XFRM_TEST_PEER_NS=$ns_b ip netns exec "$ns_a" "$@"
