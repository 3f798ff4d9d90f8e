# shellcheck shell=sh
# A small fleet of test hosts as network namespaces, for the quickstart and
# end-to-end tests. Source this file, then:
#
#   topology_up PREFIX COUNT   create namespace PREFIXhub with bridge br0 at
#                              192.0.2.1/24, and namespaces PREFIXh1 ..
#                              PREFIXhCOUNT at 192.0.2.11 .. 192.0.2.(10+COUNT),
#                              each joined to the bridge by a veth pair
#   topology_down PREFIX       delete every namespace whose name starts
#                              with PREFIX (and with it every veth pair)
#   topology_host_addr N       print host N's address
#
# Only documentation addresses are used, and only inside the namespaces
# created here: the host's own network configuration is never touched.

TOPOLOGY_HUB_ADDR=192.0.2.1

topology_host_addr() {
	echo "192.0.2.$((10 + $1))"
}

topology_up() {
	prefix=$1
	count=$2
	hub="${prefix}hub"

	ip netns add "$hub"
	ip -n "$hub" link set lo up
	ip -n "$hub" link add br0 type bridge
	ip -n "$hub" addr add "$TOPOLOGY_HUB_ADDR/24" dev br0
	ip -n "$hub" link set br0 up

	i=1
	while [ "$i" -le "$count" ]; do
		ns="${prefix}h$i"
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		# Create the pair inside the hub so no interface ever appears in
		# the host's own namespace.
		ip -n "$hub" link add "h$i" type veth peer name eth0 netns "$ns"
		ip -n "$hub" link set "h$i" master br0 up
		ip -n "$ns" addr add "$(topology_host_addr "$i")/24" dev eth0
		ip -n "$ns" link set eth0 up
		i=$((i + 1))
	done
}

topology_down() {
	prefix=$1
	for ns in $(ip netns list | awk '{print $1}'); do
		case "$ns" in
		"$prefix"*) ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
			ip netns del "$ns" ;;
		esac
	done
}
