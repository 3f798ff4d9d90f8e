#!/bin/bash
# Resident memory of ipseccmd-agent after 10 and after 1,000 poll cycles,
# and the cost of one poll on the agent's kept-open connection against the
# reference: ldapsearch reading the same version with a new connection
# and bind each time, as a cron-driven script would.
#
#   daemon-poll.sh AGENT IPSECCMD [RULES]
#
# Runs as root: the agent applies XFRM policies inside a namespace made
# here; slapd is private (tests/lib/test-slapd) and reached over ldapi://.
set -eu
agent=$1
ipseccmd=$2
rules=${3:-20}
top=$(cd "$(dirname "$0")/../../.." && pwd)
ns="ipsdb$$"
work=$(mktemp -d /tmp/ipseccmd-daemon-bench.XXXXXX)
agent_pid=
slapd_dir=

cleanup() {
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
	[ -n "$slapd_dir" ] && "$top/tests/lib/test-slapd" stop "$slapd_dir"
	ip netns del "$ns" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up

eval "$("$top/tests/lib/test-slapd" start)"
slapd_dir=$IPSECCMD_TEST_SLAPD_DIR
ds() {
	"$ipseccmd" -w ds --ldap-uri="$IPSECCMD_TEST_LDAPI_URI" \
		--ldap-base="$IPSECCMD_TEST_BASE" --sasl-external "$@"
}
ds -p Bench --add-host=benchhost
for i in $(seq 1 "$rules"); do
	ds -p Bench:60 -r "R$i" -f "0+203.0.113.$i:$((1000 + i)):TCP" -n block
done
ds -p Bench -x --host=benchhost

ip netns exec "$ns" "$agent" --foreground --config=/dev/null \
	--state-dir="$work/state" --control-socket="$work/sock" \
	--directory-uri="$IPSECCMD_TEST_LDAPI_URI" \
	--directory-base="$IPSECCMD_TEST_BASE" --bind-method=external \
	--tls-cert= --tls-key= --tls-ca= --host-name=benchhost \
	--poll-seconds=3600 --rollback-seconds=0 --full-poll-every=0 \
	--log-level=warning \
	2>"$work/agent.log" &
agent_pid=$!
for _ in $(seq 100); do
	[ -S "$work/sock" ] && break
	sleep 0.05
done

policy_dn="ipsecName=Bench,cn=Policies,cn=IP Security,cn=System,$IPSECCMD_TEST_BASE"
python3 - "$work/sock" "$agent_pid" "$IPSECCMD_TEST_LDAPI_URI" \
	"$policy_dn" "$rules" <<'PY'
import json, socket, subprocess, sys, time

sock_path, pid, ldapi, policy_dn, rules = sys.argv[1:6]

def request(command):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.sendall(json.dumps({"command": command}).encode() + b"\n")
    s.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    reply = json.loads(data)
    if not reply.get("ok"):
        sys.exit("poll failed: %s" % reply)
    return reply

def rss_kib():
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

status = request("refresh")
print("policy %s version %s, %s rules, agent pid %s"
      % (status["policy"], status["version"], rules, pid))
start = time.perf_counter()
for _ in range(10):
    request("poll")
rss_10 = rss_kib()
for _ in range(990):
    request("poll")
elapsed = time.perf_counter() - start
rss_1000 = rss_kib()
print("agent RSS after 10 polls:    %d KiB" % rss_10)
print("agent RSS after 1000 polls:  %d KiB" % rss_1000)
print("agent poll over the control socket, kept LDAP connection: "
      "%.0f us per poll (1000 polls)" % (elapsed / 1000 * 1e6))

start = time.perf_counter()
for _ in range(10):
    request("refresh")
print("agent full refresh (assignment, host entry, policy fetch): "
      "%.0f us per refresh (10)" % ((time.perf_counter() - start) / 10 * 1e6))

start = time.perf_counter()
for _ in range(100):
    subprocess.run(["ldapsearch", "-Q", "-LLL", "-Y", "EXTERNAL", "-H", ldapi,
                    "-s", "base", "-b", policy_dn, "ipsecVersion"],
                   check=True, stdout=subprocess.DEVNULL)
print("reference: ldapsearch, new connection and bind per read: "
      "%.0f us per read (100)" % ((time.perf_counter() - start) / 100 * 1e6))
PY
