# shellcheck shell=sh
# A small fleet of test hosts as network namespaces, for the quickstart and
# end-to-end tests. Source this file, then:
#
#   topology_up PREFIX COUNT   create namespace PREFIXhub with bridge br0 at
#                              192.0.2.1/24, and namespaces PREFIXh1 ..
#                              PREFIXhCOUNT at 192.0.2.11 .. 192.0.2.(10+COUNT),
#                              each joined to the bridge by a veth pair
#   topology_down PREFIX       stop the processes in every namespace whose
#                              name starts with PREFIX, then delete it (and
#                              with it every veth pair)
#   topology_host_addr N       print host N's address
#
# Only documentation addresses are used, and only inside the namespaces
# created here: the host's own network configuration is never touched.

TOPOLOGY_HUB_ADDR=192.0.2.1

topology_host_addr() {
	echo "192.0.2.$((10 + $1))"
}

# The variables below carry a topology_ prefix because sh has no local
# variables, and the scripts that source this file use names such as
# prefix and hub themselves.
topology_up() {
	topology_prefix=$1
	topology_count=$2
	topology_hub="${topology_prefix}hub"

	ip netns add "$topology_hub"
	ip -n "$topology_hub" link set lo up
	ip -n "$topology_hub" link add br0 type bridge
	ip -n "$topology_hub" addr add "$TOPOLOGY_HUB_ADDR/24" dev br0
	ip -n "$topology_hub" link set br0 up

	topology_i=1
	while [ "$topology_i" -le "$topology_count" ]; do
		topology_ns="${topology_prefix}h$topology_i"
		ip netns add "$topology_ns"
		ip -n "$topology_ns" link set lo up
		# Create the pair inside the hub so no interface ever appears in
		# the host's own namespace.
		ip -n "$topology_hub" link add "h$topology_i" type veth \
			peer name eth0 netns "$topology_ns"
		ip -n "$topology_hub" link set "h$topology_i" master br0 up
		ip -n "$topology_ns" addr add \
			"$(topology_host_addr "$topology_i")/24" dev eth0
		ip -n "$topology_ns" link set eth0 up
		topology_i=$((topology_i + 1))
	done
}

topology_down() {
	for topology_ns in $(ip netns list | awk '{print $1}'); do
		case "$topology_ns" in
		"$1"*) ip netns pids "$topology_ns" 2>/dev/null |
				xargs -r kill 2>/dev/null
			ip netns del "$topology_ns" ;;
		esac
	done
}
