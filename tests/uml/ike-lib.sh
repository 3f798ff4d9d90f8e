# Two hosts for key exchange tests, and the steps the tests and the
# benchmark share: a test PKI, fresh charons, and one rule applied through
# ike-apply. Source it after guest-lib.sh; set ike_apply first.
#
# Hosts: a (192.0.2.1, network 198.51.100.0/24 behind it) and b
# (192.0.2.2, network 203.0.113.0/24), joined by one veth pair.

ike_hosts_create() {
	ns_add a
	ns_add b
	ns_link a 192.0.2.1/24 b 192.0.2.2/24
	ns_addr a 198.51.100.1/24
	ns_addr b 203.0.113.1/24
	ns_exec a ip route add 203.0.113.0/24 via 192.0.2.2 src 198.51.100.1
	ns_exec b ip route add 198.51.100.0/24 via 192.0.2.1 src 203.0.113.1
}

# make_pki: a test CA (also the fleet CA) and a certificate for each host,
# ECDSA because RSA key generation is slow in the guest.
make_pki() {
	local pki=$IKE_SCRATCH/pki host
	[ -f "$pki/ca.pem" ] && return 0
	mkdir -p "$pki"
	# pki loads every plugin Debian lists unless told otherwise, and
	# complains about each one that is not installed.
	echo "pki { load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey }" \
		>"$pki/strongswan.conf"
	local STRONGSWAN_CONF=$pki/strongswan.conf
	export STRONGSWAN_CONF
	pki --gen --type ecdsa --size 256 --outform pem >"$pki/ca.key"
	pki --self --ca --in "$pki/ca.key" --type ecdsa --lifetime 30 \
		--dn "CN=ipseccmd test CA, O=Example" --outform pem >"$pki/ca.pem"
	for host in a b; do
		pki --gen --type ecdsa --size 256 --outform pem >"$pki/$host.key"
		chmod 600 "$pki/$host.key"
		pki --pub --in "$pki/$host.key" --type ecdsa |
			pki --issue --cacert "$pki/ca.pem" --cakey "$pki/ca.key" \
				--lifetime 30 --dn "CN=host-$host, O=Example" \
				--outform pem >"$pki/$host.pem"
	done
}

# reset_hosts: fresh charons and an empty SPD and SAD on both hosts.
reset_hosts() {
	local host
	for host in a b; do
		charon_stop $host
		ns_exec $host ip xfrm policy flush
		ns_exec $host ip xfrm state flush
		rm -rf "$(ike_dir $host)"
		charon_start $host
	done
}

# apply HOST [IKE-APPLY OPTION...] -- IPSECCMD ARG...: the rule on one host.
apply() {
	local host=$1 dir opts=() argfile
	shift
	while [ "$1" != "--" ]; do opts+=("$1"); shift; done
	shift
	dir=$(ike_dir "$host")
	argfile=$dir/rule.args
	( umask 077; printf '%s\n' "$@" >"$argfile" )
	ns_exec "$host" "$ike_apply" "${opts[@]}" \
		--swanctl-dir "$dir/swanctl" \
		--strongswan-conf "$dir/strongswan.conf" \
		--uri "unix://$dir/charon.vici" "$argfile" >"$dir/apply.out" 2>&1
	local status=$?
	sed "s/^/  $host: /" "$dir/apply.out"
	return $status
}

