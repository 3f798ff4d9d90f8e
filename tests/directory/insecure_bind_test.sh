#!/bin/sh
# A password bind over plain LDAP to a server outside 127.0.0.0/8 is
# refused before the password is sent. A password bind over loopback and
# SASL EXTERNAL over ldapi still work. The server runs in a network
# namespace of this test, on 192.0.2.1 (a documentation address).
# Usage: insecure_bind_test.sh PATH/TO/ipseccmd
set -eu

ipseccmd=$1
here=$(cd "$(dirname "$0")" && pwd)
ns=ipseccmd-dirtest-$$
slapd_dir=

cleanup() {
	[ -n "$slapd_dir" ] && "$here/../lib/test-slapd" stop "$slapd_dir"
	ip netns delete "$ns" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

ip netns add "$ns"
ip -n "$ns" link set lo up
# The kernel here has no dummy or veth module. An address outside
# 127.0.0.0/8 on the namespace's own loopback device is still a peer
# address outside 127.0.0.0/8.
ip -n "$ns" addr add 192.0.2.1/32 dev lo

vars=$(IPSECCMD_TEST_SLAPD_LISTEN=ldap://192.0.2.1:3890 \
	ip netns exec "$ns" "$here/../lib/test-slapd" start)
slapd_dir=$(printf '%s\n' "$vars" | sed -n "s/^IPSECCMD_TEST_SLAPD_DIR='\(.*\)'$/\1/p")
eval "$vars"

fail=0
out=$(ip netns exec "$ns" "$ipseccmd" -w ds:example.com -p P --list \
	--ldap-uri=ldap://192.0.2.1:3890 --bind-dn="$IPSECCMD_TEST_ADMIN_DN" \
	--password-file="$IPSECCMD_TEST_ADMIN_PWFILE" 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 1 ] || [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ] ||
   ! printf '%s' "$out" | grep -q "refusing to send the password"; then
	echo "FAIL: remote plain bind not refused with one line: rc=$rc: $out" >&2
	fail=1
fi

if ! ip netns exec "$ns" "$ipseccmd" -w ds:example.com -p P --list \
	--ldap-uri="$IPSECCMD_TEST_LDAP_URI" --bind-dn="$IPSECCMD_TEST_ADMIN_DN" \
	--password-file="$IPSECCMD_TEST_ADMIN_PWFILE" >/dev/null; then
	echo "FAIL: loopback bind inside the namespace refused" >&2
	fail=1
fi

if ! "$ipseccmd" -w ds:example.com -p P --list \
	--ldap-uri="$IPSECCMD_TEST_LDAPI_URI" --sasl-external >/dev/null; then
	echo "FAIL: SASL EXTERNAL over ldapi refused" >&2
	fail=1
fi
[ $fail -eq 0 ] && echo "all checks passed"
exit $fail
