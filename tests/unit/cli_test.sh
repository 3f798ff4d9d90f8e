#!/bin/sh
# Exit codes and output of the ipseccmd binary given as $1: help, version,
# --dry-run, --json, usage errors, and that a preshared key never appears
# in anything it prints.
set -uf

bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# run EXPECTED_STATUS ARGS...: output lands in $tmp/out and $tmp/err.
run() {
	expected=$1
	shift
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	[ "$status" -eq "$expected" ] ||
		fail "ipseccmd $* exited $status, expected $expected"
}

contains() {
	grep -qF -- "$2" "$tmp/$1" || fail "$1 of '$3' lacks '$2'"
}

lacks() {
	if grep -qF -- "$2" "$tmp/$1"; then
		fail "$1 of '$3' contains '$2'"
	fi
}

run 0 --version
contains out "ipseccmd " "--version"

for help in '/?' '-?' --help; do
	run 0 "$help"
	contains out "-1k" "$help"
	contains out "seconds" "$help"
	[ -s "$tmp/err" ] && fail "$help wrote to stderr"
done
run 0 -w '/?'
contains out "-p Name[:Minutes]" "-w /?"
lacks out "show Topic" "-w /?"
for option in --ike=1 --list --show-policy --show-secrets --export=File \
	--import=File --add-host=Name --to-group=Group --remove-host=Name \
	--delete-host=Name \
	--add-group=Name --host=Name --store-dir=Dir --ldap-uri=URI \
	--ldap-base=DN --bind-dn=DN --password-file=File --sasl-external \
	--starttls --tls-cert=File --tls-key=File --tls-ca=File; do
	contains out "$option" "-w /?"
done
run 0 show '/?'
contains out "show Topic" "show /?"

run 0 --dry-run -f '0+*' -n 'ESP[SHA,3DES]'
contains out 'ipseccmd -f "0+*" -n "esp[3des,sha]"' "--dry-run"
contains err "warning:" "--dry-run reversed offer"

run 0 --dry-run -w REG -p "My Policy:30" -r Web -f '0:80+*::tcp' -n PASS -x
contains out 'ipseccmd -f "0:80+*::TCP" -n PASS -w reg -p "My Policy:30" -r Web -x' "static --dry-run"

run 0 --dry-run --ldap-uri=ldap://127.0.0.1:1 -f '0+*'
contains err "--ldap-uri is ignored with --dry-run" "--dry-run with another option"

run 0 --json -f '0+{2001:db8::}/32' -n 'esp[aes256gcm]'
contains out '"format": "ipseccmd-command"' "--json"
contains out '"address": "2001:db8::"' "--json"

# --ike: on the rule in dynamic mode, on the policy in static mode.
run 0 --dry-run -f '0+*' --ike=1
contains out ' --ike=1' "--dry-run --ike=1"
run 0 --dry-run -f '0+*' --ike=2
lacks out '--ike' "--dry-run --ike=2 (the default)"
run 0 --dry-run -w reg -p Legacy --ike=2
contains out 'ipseccmd -w reg -p Legacy --ike=2' "static --dry-run --ike=2"
run 0 --json -f '0+*' --ike=1
contains out '"ike_version": 1' "--json --ike=1"
run 2 -f '0+*' --ike=3
contains err "'3'" "--ike=3"

# Store administration options reach the static handler without -p.
store="$tmp/store"
run 0 --store-dir="$store" -w reg -p Legacy --ike=1 -r R -f 0+192.0.2.7
run 0 --store-dir="$store" -w reg --list
[ "$(cat "$tmp/out")" = "Legacy" ] || fail "-w reg --list without -p"
run 0 --store-dir="$store" -w reg -p Legacy --show-policy
contains out ' --ike=1 ' "--show-policy of an IKEv1 policy"
run 0 --store-dir="$store" -w reg -p Legacy --show-policy --json
contains out '"format": "ipseccmd-policy"' "--show-policy --json"
contains out '"ike_version": 1' "--show-policy --json"
sed 's/"Legacy"/"Copy"/' "$tmp/out" >"$tmp/copy.json"
run 0 --store-dir="$store" -w reg --import="$tmp/copy.json"
contains out "policy 'Copy' in local store $store: imported from $tmp/copy.json" "--import"
run 0 --store-dir="$store" -w reg --list
contains out "Copy" "--import without -p"
run 2 --store-dir="$store" -w reg --add-host=h1
contains err "use -w ds" "--add-host on the local store"
run 2 --store-dir="$store" -w reg --delete-host=h1
contains err "use -w ds" "--delete-host on the local store"
run 2 -w ds --remove-host=h1
contains err "--from-group=GROUP" "--remove-host alone"
contains err "usage: ipseccmd" "--remove-host alone"
contains err "--delete-host=h1" "--remove-host alone"
run 2 --store-dir="$store" -w reg --show-policy
contains err '-p "Policy Name"' "--show-policy without -p"
run 0 --store-dir="$store" -w reg -p Legacy --json --list
contains out '"name": "Legacy"' "--list --json"
contains out '"assigned": false' "--list --json"
lacks out '"format": "ipseccmd-command"' "--list --json"
run 0 --store-dir="$store" -w reg -p Legacy --json -r R -n BLOCK
contains err "--store-dir is ignored with --json" "--json on a static write"
contains out '"format": "ipseccmd-command"' "--json on a static write"
# Each change prints one line; -y and -o say what they found.
run 0 --store-dir="$store" -w reg -p Said -r Ping -f '0+192.0.2.13::ICMP' -n BLOCK
contains out "policy 'Said' version 1 in local store $store: rule 'Ping' added" "new rule"
run 0 --store-dir="$store" -w reg -p Said -r Ping -n PASS
contains out "version 2 in local store $store: rule 'Ping' updated" "-n only"
run 0 --store-dir="$store" -w reg -p Said -y
contains out "not assigned to this host, so nothing changed" "-y unassigned"
run 0 --store-dir="$store" -w reg -p Said -x
contains out "assigned to this host" "-x"
run 0 --store-dir="$store" -w reg -p Said -o
contains out "policy 'Said' in local store $store: deleted" "-o"
contains err "warning: policy 'Said' was assigned" "-o of the assigned policy"
run 2 --store-dir="$store" -w reg -x --list
contains err "missing policy name" "-x without -p"

# Usage errors: one line naming the word, then the synopsis; status 2.
run 2 -f 203.0.113.10 -n 'esp[des,md5]'
contains err "'203.0.113.10'" "bare address"
contains err "usage: ipseccmd" "bare address"
[ "$(wc -l <"$tmp/err")" -eq 2 ] || fail "usage error is not two lines"
[ -s "$tmp/out" ] && fail "usage error wrote to stdout"
run 2 -w reg -p x -x -y
contains err "-x" "-x -y"
run 2
contains err "missing command" "no arguments"
run 2 -f '0+*' -q
contains err "'-q'" "unknown option"

# --json in query mode reaches the query handler, which reads its options.
run 2 show all --json --stale-after=soon
contains err "invalid --stale-after 'soon'" "show all --json"
lacks out '"format": "ipseccmd-command"' "show all --json"
run 2 '\\host1' show policies --json --stale-after=soon
contains err "invalid --stale-after" "\\HOST show --json"
run 0 --dry-run --json show all
contains out '"format": "ipseccmd-command"' "--dry-run --json show all"

# Long options: a value as the next word, unknown names, --refresh.
run 0 --dry-run -w ds -p Quickstart -x --host host1
lacks err "unexpected word" "--host host1"
contains err "--host is ignored" "--host host1"
contains out "ipseccmd -w ds -p Quickstart -x" "--host host1"
run 2 -w ds -p Quickstart -x --hots=host1
contains err "unknown option '--hots': did you mean --host?" "--hots"
contains err "usage: ipseccmd" "--hots"
run 2 -w ds --lsit
contains err "did you mean --list?" "--lsit"
run 2 --frobnicate -f '0+*'
contains err "unknown option '--frobnicate'" "--frobnicate"
run 1 --refresh --agent-socket="$tmp/no-agent.sock"
contains err "$tmp/no-agent.sock" "--refresh without an agent"
run 2 --refresh -f '0+*'
contains err "--refresh takes no other words" "--refresh with a filter"
run 0 '/?'
contains out "--refresh" "/? lists --refresh"

# A preshared key never appears in output or errors.
key=Hunter2SecretKey
for args in "--dry-run -f 0+* -a p:$key" "--json -f 0+* -a preshare:$key" \
	    "--dry-run -f 0+* -a p:$key -z" "--dry-run -f 0+* -a p:$key -x" \
	    "--dry-run -f 0+* -a p:my $key"; do
	# shellcheck disable=SC2086
	"$bin" $args >"$tmp/out" 2>"$tmp/err"
	lacks out "$key" "$args"
	lacks err "$key" "$args"
done

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
echo "all CLI checks passed"
