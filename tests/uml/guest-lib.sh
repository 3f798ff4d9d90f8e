# Helpers for test scripts that run inside the user-mode Linux guest:
# hosts as network namespaces, a charon per host with a private /run, and
# checks on SAs and traffic. Source it with `. "$UML_DIR/guest-lib.sh"`.
# Namespaces carry the prefix "ikeu-"; scratch files live under /tmp/ike,
# on the tmpfs that guest-init mounts.

IKE_SCRATCH=/tmp/ike
CHARON=/usr/lib/ipsec/charon
# Plugins charon loads. An explicit list keeps Debian's default set out:
# bypass-lan would add pass policies of its own.
CHARON_PLUGINS="random nonce openssl aes sha1 sha2 md5 hmac kdf gmp gcm pem \
pkcs1 pkcs8 x509 pubkey revocation constraints kernel-netlink \
socket-default vici"
SWANCTL_PLUGINS="random nonce openssl pem pkcs1 pkcs8 x509 pubkey"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

ok() {
	echo "ok: $*"
}

# ns_add NAME: a host with loopback up.
ns_add() {
	ip netns add "ikeu-$1" || fail "cannot create namespace 'ikeu-$1'"
	ip -n "ikeu-$1" link set lo up
}

# ns_exec NAME COMMAND...: run a command on a host.
ns_exec() {
	local ns=$1
	shift
	ip netns exec "ikeu-$ns" "$@"
}

# ns_link HOST1 ADDR1/PREFIX HOST2 ADDR2/PREFIX: join two hosts with a veth
# pair named after the peer (on HOST1 the interface is "to-HOST2").
ns_link() {
	ip link add "to-$3" netns "ikeu-$1" type veth peer name "to-$1" \
		netns "ikeu-$3" || fail "cannot link '$1' and '$3'"
	ip -n "ikeu-$1" addr add "$2" dev "to-$3"
	ip -n "ikeu-$3" addr add "$4" dev "to-$1"
	ip -n "ikeu-$1" link set "to-$3" up
	ip -n "ikeu-$3" link set "to-$1" up
}

# ns_addr HOST ADDR/PREFIX: an extra address on a dummy interface, for the
# networks behind a tunnel endpoint.
ns_addr() {
	ip -n "ikeu-$1" link show inside >/dev/null 2>&1 ||
		ip -n "ikeu-$1" link add inside type dummy
	ip -n "ikeu-$1" addr add "$2" dev inside
	ip -n "ikeu-$1" link set inside up
}

ike_dir() {
	echo "$IKE_SCRATCH/$1"
}

# charon_start HOST: write strongswan.conf for the host and start charon.
# `ip netns exec` gives the command a mount namespace of its own, so the
# tmpfs mounted on /run there is private to this charon, whose pid file
# path /var/run/charon.pid is fixed.
charon_start() {
	local host=$1 dir
	dir=$(ike_dir "$host")
	# swanctl --load-all complains about each credential folder missing.
	local sub
	for sub in conf.d x509 x509ca x509ocsp x509aa x509ac x509crl pubkey \
		private rsa ecdsa bliss pkcs8 pkcs12; do
		mkdir -p "$dir/swanctl/$sub"
	done
	cat >"$dir/strongswan.conf" <<CONF
charon {
	load = $CHARON_PLUGINS
	install_routes = no
	retransmit_tries = 2
	retransmit_timeout = 1.0
	plugins {
		vici {
			socket = unix://$dir/charon.vici
		}
	}
	filelog {
		charon {
			path = $dir/charon.log
			time_format = %T
			flush_line = yes
			ike_name = yes
			default = 1
			cfg = 2
			knl = 2
		}
	}
}
swanctl {
	load = $SWANCTL_PLUGINS
}
CONF
	# Not through ns_exec: a backgrounded shell function runs in a
	# subshell, and $! would name that subshell instead of charon.
	STRONGSWAN_CONF="$dir/strongswan.conf" ip netns exec "ikeu-$host" \
		sh -c "mount -t tmpfs tmpfs /run && exec $CHARON" \
		>"$dir/charon.out" 2>&1 &
	echo $! >"$dir/charon.pid"
	local i=0
	while [ ! -S "$dir/charon.vici" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "charon on '$host' did not open its VICI socket; see $dir/charon.log"
		sleep 0.05
	done
}

charon_stop() {
	local dir pid
	dir=$(ike_dir "$1")
	pid=$(cat "$dir/charon.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$dir/charon.pid"
}

# host_swanctl HOST ARG...: swanctl against the host's charon, with the
# host's strongswan.conf and swanctl directory.
host_swanctl() {
	local host=$1 dir
	shift
	dir=$(ike_dir "$host")
	STRONGSWAN_CONF="$dir/strongswan.conf" SWANCTL_DIR="$dir/swanctl" \
		ns_exec "$host" swanctl "$@" --uri "unix://$dir/charon.vici"
}

# show_log HOST: print the end of the host's charon log, for failures.
show_log() {
	echo "--- charon log of $1"
	tail -n "${2:-40}" "$(ike_dir "$1")/charon.log"
}

# sa_packets HOST: sum of the packet counters of all the host's SAs.
sa_packets() {
	ns_exec "$1" ip -s xfrm state | awk '
		/^[ \t]*lifetime current:/ { cur = 1; next }
		cur { split($2, count, "("); n += count[1]; cur = 0 }
		END { print n + 0 }'
}

# ping_from HOST SRC DST: ping until two replies arrive, for at most 10 s,
# with an explicit source address. Without -I, iputils ping first sends a
# UDP probe that XFRM policies also see. Packets sent while the SA is
# still being negotiated are dropped, hence the deadline and not a count.
ping_from() {
	ns_exec "$1" ping -q -n -c 2 -i 0.2 -w 10 -I "$2" "$3" >/dev/null
}

# tcp_check SERVER_HOST SERVER_ADDR CLIENT_HOST PORT: send a line over TCP
# and check that it arrives.
tcp_check() {
	local server=$1 addr=$2 client=$3 port=$4 out
	out=$(ike_dir "$server")/tcp.out
	rm -f "$out"
	ns_exec "$server" nc -l -N "$addr" "$port" >"$out" &
	local nc_pid=$! i=0
	sleep 0.3
	echo "hello over ipsec" | ns_exec "$client" nc -N -w 5 "$addr" "$port"
	while kill -0 "$nc_pid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 50 ] || { kill "$nc_pid"; break; }
		sleep 0.1
	done
	wait "$nc_pid" 2>/dev/null
	grep -q "hello over ipsec" "$out"
}
