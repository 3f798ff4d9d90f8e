#!/bin/sh
# Hosts bind with a TLS client certificate: StartTLS to slapd, SASL
# EXTERNAL, the certificate's subject cn=NAME mapped by olcAuthzRegexp to
# the host entry. The host then reads its assigned policy with the key;
# without a certificate the EXTERNAL bind fails with one line.
# Usage: tls_test.sh PATH/TO/ipseccmd
set -eu

ipseccmd=$1
here=$(cd "$(dirname "$0")" && pwd)
slapd_dir=
pki=$(mktemp -d /tmp/ipseccmd-tls.XXXXXX)

cleanup() {
	[ -n "$slapd_dir" ] && "$here/../lib/test-slapd" stop "$slapd_dir"
	rm -rf "$pki"
}
trap cleanup EXIT INT TERM

vars=$("$here/../lib/test-slapd" start)
slapd_dir=$(printf '%s\n' "$vars" | sed -n "s/^IPSECCMD_TEST_SLAPD_DIR='\(.*\)'$/\1/p")
eval "$vars"
root="cn=IP Security,cn=System,$IPSECCMD_TEST_BASE"

# A CA, a server certificate for 127.0.0.1 and a client certificate for
# host web7, all ECDSA P-256.
cd "$pki"
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ec ca.key
openssl req -x509 -new -key ca.key -subj "/CN=ipseccmd test CA" -days 1 -out ca.pem 2>/dev/null
ec server.key
openssl req -new -key server.key -subj "/CN=127.0.0.1" -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
	-days 1 -extfile server.ext -out server.pem 2>/dev/null
ec web7.key
openssl req -new -key web7.key -subj "/CN=web7" -out web7.csr 2>/dev/null
openssl x509 -req -in web7.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
	-days 1 -out web7.pem 2>/dev/null
cd - >/dev/null

ldapmodify -Q -Y EXTERNAL -H "$IPSECCMD_TEST_LDAPI_URI" >/dev/null <<LDIF
dn: cn=config
changetype: modify
replace: olcTLSCACertificateFile
olcTLSCACertificateFile: $pki/ca.pem
-
replace: olcTLSCertificateFile
olcTLSCertificateFile: $pki/server.pem
-
replace: olcTLSCertificateKeyFile
olcTLSCertificateKeyFile: $pki/server.key
-
replace: olcTLSVerifyClient
olcTLSVerifyClient: try
-
replace: olcAuthzRegexp
olcAuthzRegexp: {0}"^cn=([^,]+)$" "ipsecName=\$1,cn=Hosts,$root"
LDIF

admin="--ldap-uri=$IPSECCMD_TEST_LDAP_URI --bind-dn=$IPSECCMD_TEST_ADMIN_DN --password-file=$IPSECCMD_TEST_ADMIN_PWFILE"
# shellcheck disable=SC2086
"$ipseccmd" -w ds:example.com -p x --add-host=web7 $admin
# shellcheck disable=SC2086
"$ipseccmd" -w ds:example.com -p TlsPol -r r -f 0+192.0.2.7 -a p:tlskey -x --host=web7 $admin

fail=0
out=$("$ipseccmd" -w ds:example.com -p TlsPol --export=- \
	--ldap-uri="$IPSECCMD_TEST_LDAP_URI" --starttls --sasl-external \
	--tls-cert="$pki/web7.pem" --tls-key="$pki/web7.key" --tls-ca="$pki/ca.pem" 2>&1) ||
	{ echo "FAIL: host with a certificate: $out" >&2; fail=1; }
if ! printf '%s' "$out" | grep -q '"key": "tlskey"'; then
	echo "FAIL: the host bound by certificate does not read its policy's key" >&2
	fail=1
fi

out=$("$ipseccmd" -w ds:example.com -p TlsPol --export=- \
	--ldap-uri="$IPSECCMD_TEST_LDAP_URI" --starttls --sasl-external \
	--tls-ca="$pki/ca.pem" 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 1 ] || [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
	echo "FAIL: EXTERNAL without a certificate: rc=$rc: $out" >&2
	fail=1
fi

out=$("$ipseccmd" -w ds:example.com -p TlsPol --export=- \
	--ldap-uri="$IPSECCMD_TEST_LDAP_URI" --starttls --tls-ca=/nonexistent.pem \
	--sasl-external 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 1 ] || ! printf '%s' "$out" | grep -q "/nonexistent.pem"; then
	echo "FAIL: a missing CA file is not named: rc=$rc: $out" >&2
	fail=1
fi
[ $fail -eq 0 ] && echo "all checks passed"
exit $fail
