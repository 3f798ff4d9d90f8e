# Shared by the agent's namespace tests (sourced by bash). Builds two or
# three network namespaces joined by veth pairs, all named with a prefix
# unique to this run, and removes them in the EXIT trap.
#
#   $NS_A  the managed host: 192.0.2.10 towards $NS_P, 198.51.100.10
#          towards $NS_D
#   $NS_P  a peer: 192.0.2.20, replies to ping and listens on TCP port 8080
#   $NS_D  the directory's network: 198.51.100.1
#
# Callers set AGENT (the ipseccmd-agent binary) and RULEJSON before sourcing.

prefix="ipsd$$"
NS_A=${prefix}a
NS_P=${prefix}p
NS_D=${prefix}d
WORK=$(mktemp -d /tmp/ipseccmd-daemon-test.XXXXXX)
STATE=$WORK/state
SOCK=$WORK/agent.sock
LOG=$WORK/agent.log
agent_pid=
listener_pid=
failures=0

netns_cleanup() {
	[ -n "$agent_pid" ] && kill -9 "$agent_pid" 2>/dev/null
	[ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null
	for ns in "$NS_A" "$NS_P" "$NS_D"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ "$failures" -ne 0 ] && [ -f "$LOG" ]; then
		echo "--- agent log ---"
		tail -n 40 "$LOG"
	fi
	if [ -n "${IPSECCMD_TEST_KEEP:-}" ]; then
		echo "kept $WORK"
	else
		rm -rf "$WORK"
	fi
}

netns_setup() {
	for ns in "$NS_A" "$NS_P" "$NS_D"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	ip link add "${prefix}a0" netns "$NS_A" type veth peer name \
		"${prefix}p0" netns "$NS_P"
	ip link add "${prefix}a1" netns "$NS_A" type veth peer name \
		"${prefix}d0" netns "$NS_D"
	ip -n "$NS_A" addr add 192.0.2.10/24 dev "${prefix}a0"
	ip -n "$NS_P" addr add 192.0.2.20/24 dev "${prefix}p0"
	ip -n "$NS_A" addr add 198.51.100.10/24 dev "${prefix}a1"
	ip -n "$NS_D" addr add 198.51.100.1/24 dev "${prefix}d0"
	for link in "$NS_A ${prefix}a0" "$NS_P ${prefix}p0" \
		    "$NS_A ${prefix}a1" "$NS_D ${prefix}d0"; do
		set -- $link
		ip -n "$1" link set "$2" up
	done
	ip netns exec "$NS_P" nc -lk 192.0.2.20 8080 >/dev/null 2>&1 &
	listener_pid=$!
	mkdir -p "$STATE"
	for _ in $(seq 50); do
		tcp_works && break
		sleep 0.05
	done
}

check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok: $what"
	else
		echo "FAILED: $what"
		failures=$((failures + 1))
	fi
}

ping_works() {
	ip netns exec "$NS_A" ping -c 1 -W 1 -I 192.0.2.10 192.0.2.20 \
		>/dev/null 2>&1
}

ping_blocked() { ! ping_works; }

tcp_works() {
	ip netns exec "$NS_A" nc -z -w 1 -s 192.0.2.10 192.0.2.20 8080 \
		>/dev/null 2>&1
}

tcp_blocked() { ! tcp_works; }

# Start the agent in $NS_A with the given extra options; waits for its
# control socket.
agent_start() {
	ip netns exec "$NS_A" "$AGENT" --foreground --config=/dev/null \
		--state-dir="$STATE" --control-socket="$SOCK" "$@" \
		>>"$LOG" 2>&1 &
	agent_pid=$!
	for _ in $(seq 100); do
		[ -S "$SOCK" ] && return 0
		kill -0 "$agent_pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

agent_stop() {
	[ -n "$agent_pid" ] || return 0
	kill -TERM "$agent_pid"
	wait "$agent_pid" 2>/dev/null
	agent_pid=
}

agent_kill() {
	[ -n "$agent_pid" ] || return 0
	kill -9 "$agent_pid"
	wait "$agent_pid" 2>/dev/null
	agent_pid=
	# A killed agent leaves its socket file behind; remove it so
	# agent_start waits for the new one.
	rm -f "$SOCK"
}

# Send one control request; prints the response line.
control() {
	printf '%s\n' "$1" | nc -U -N "$SOCK"
}

# Add one dynamic rule given as ipseccmd arguments.
dynamic_add() {
	local rule
	rule=$("$RULEJSON" "$@") || return 1
	control "{\"command\":\"add\",\"rules\":[$rule]}" | grep -q '"ok":true'
}

kernel_policy_count() {
	ip netns exec "$NS_A" ip xfrm policy list | grep -c '^src' || true
}

log_has() { grep -q -- "$1" "$LOG"; }

# Run a command every 0.1 s until it succeeds, for at most 10 s.
wait_for() {
	for _ in $(seq 100); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# Whether the kernel in $NS_A has a policy for destination port $1.
kernel_has_port() {
	ip netns exec "$NS_A" ip xfrm policy list | grep -q "dport $1 "
}

kernel_lacks_port() { ! kernel_has_port "$1"; }
