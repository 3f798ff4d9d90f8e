#!/usr/bin/env python3
"""Static mode through the ipseccmd binary against a private slapd.

Run through run-with-slapd: ipseccmd writes every static-mode example of
the reference and every static-mode row of the real-world command table,
then the test reads the entries back with ldapsearch and compares the
stored rules with the parser's JSON. Also: twenty concurrent writers,
escaping, one-line errors, the local store, show/export/import.

Usage: run-with-slapd cli_static_test.py PATH/TO/ipseccmd CASES.tsv
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

IPSECCMD = sys.argv[1]
CASES = sys.argv[2]
ENV = os.environ
URI = ENV["IPSECCMD_TEST_LDAP_URI"]
BASE = ENV["IPSECCMD_TEST_BASE"]
ADMIN = ENV["IPSECCMD_TEST_ADMIN_DN"]
PWFILE = ENV["IPSECCMD_TEST_ADMIN_PWFILE"]
ROOT = "cn=IP Security,cn=System," + BASE
CONN = ["--ldap-uri=" + URI, "--bind-dn=" + ADMIN, "--password-file=" + PWFILE]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(args, env=None):
    p = subprocess.run([IPSECCMD] + args, capture_output=True, text=True,
                       env=env or ENV, timeout=60)
    return p.returncode, p.stdout, p.stderr


def ldap_search(base, filt="(objectClass=*)", attrs=(), scope="sub"):
    """Entries as {dn: {attr: [values]}} (attribute names lower-cased)."""
    p = subprocess.run(["ldapsearch", "-x", "-H", URI, "-D", ADMIN, "-y", PWFILE,
                        "-LLL", "-o", "ldif-wrap=no", "-s", scope, "-b", base, filt]
                       + list(attrs), capture_output=True, text=True)
    entries, dn = {}, None
    import base64
    for line in p.stdout.splitlines():
        if not line:
            dn = None
            continue
        key, sep, val = line.partition(":")
        if val.startswith(":"):
            val = base64.b64decode(val[1:].strip()).decode()
        else:
            val = val.strip()
        if key == "dn":
            dn = val
            entries[dn] = {}
        elif dn is not None:
            entries[dn].setdefault(key.lower(), []).append(val)
    return entries


def split_args(text):
    """Words at spaces outside double quotes, quotes removed (the table's rule)."""
    words, word, quoted, in_word = [], [], False, False
    for ch in text:
        if ch == '"':
            quoted, in_word = not quoted, True
        elif ch == " " and not quoted:
            if in_word:
                words.append("".join(word))
            word, in_word = [], False
        else:
            word.append(ch)
            in_word = True
    if in_word:
        words.append("".join(word))
    return words


def redact(rule):
    """The rule as --json prints it: preshared keys hidden."""
    rule = json.loads(json.dumps(rule))
    for a in rule.get("auth", []):
        if a.get("method") == "preshare":
            a.pop("key", None)
            a["key_redacted"] = True
    return rule


def command_json(args):
    rc, out, err = run(args + ["--json"])
    return json.loads(out) if rc == 0 else None


def export(args):
    rc, out, err = run(args + ["--export=-"])
    check(rc == 0, "export %s: %s" % (args, err.strip()))
    return json.loads(out) if rc == 0 else None


def policy_entries(container, name):
    """The policy entry and the entries that name it as owner."""
    pols = ldap_search(container, "(&(objectClass=ipsecPolicy)(ipsecName=%s))"
                       % escape_filter(name), scope="one")
    if len(pols) != 1:
        return None, {}
    pdn = next(iter(pols))
    owned = ldap_search(container, "(ipsecOwnerReference=%s)" % escape_filter(pdn),
                        scope="one")
    return (pdn, pols[pdn]), owned


def escape_filter(value):
    return "".join("\\%02x" % ord(c) if c in "*()\\\0" else c for c in value)


def check_consistent(container, name, what):
    """No dangling link: every NFA reference and every part link resolves,
    and every owned entry is linked from the policy or a linked rule."""
    pol, owned = policy_entries(container, name)
    check(pol is not None, what + ": policy entry exists")
    if pol is None:
        return None, {}
    pdn, attrs = pol
    refs = {r.lower() for r in attrs.get("ipsecnfareference", [])}
    owned_lower = {d.lower(): a for d, a in owned.items()}
    linked = set()
    for r in refs:
        check(r in owned_lower, what + ": NFA reference %s resolves" % r)
        nfa = owned_lower.get(r, {})
        linked.add(r)
        for link in ("ipsecfilterreference", "ipsecnegotiationpolicyreference",
                     "ipsecisakmpreference"):
            target = nfa.get(link, [""])[0].lower()
            check(target in owned_lower, what + ": %s of %s resolves" % (link, r))
            linked.add(target)
    check(linked == set(owned_lower), what + ": no orphaned entries (%d owned, %d linked)"
          % (len(owned_lower), len(linked)))
    return pol, owned


def reference_examples():
    line = ['-f', '0+SecuredServer1', '0+SecuredServer2', '-a', 'k', 'p:corpauth',
            '-w', 'ds:example.com', '-p', 'Default Domain Policy:30', '-r', 'Secured Servers']
    rc, out, err = run(line + CONN)
    check(rc == 0, "reference ds example: " + err.strip())
    pol, owned = check_consistent("cn=Policies," + ROOT, "Default Domain Policy", "ds example")
    if pol:
        check(pol[1].get("ipsecpollinterval") == ["30"], "ds example: poll 30")
        check(pol[1].get("ipsecversion") == ["1"], "ds example: version 1")
        nfas = [a for a in owned.values() if "ipsecNFA" in a.get("objectclass", [])]
        check(len(nfas) == 1 and nfas[0].get("ipsecname") == ["Secured Servers"],
              "ds example: one rule named Secured Servers")
        if nfas:
            check(nfas[0].get("ipsecauthmethod") == ["kerberos", "preshare:corpauth"],
                  "ds example: auth methods in order: %s" % nfas[0].get("ipsecauthmethod"))
        filters = [a for a in owned.values() if "ipsecFilter" in a.get("objectclass", [])]
        check(len(filters) == 1 and filters[0].get("ipsecfiltervalue") ==
              ["0+SecuredServer1", "0+SecuredServer2"],
              "ds example: filters %s" % (filters[0].get("ipsecfiltervalue") if filters else None))
    # The stored rule equals the parsed one.
    want = command_json(line)
    got = export(['-w', 'ds:example.com', '-p', 'Default Domain Policy', '--show-policy'][:4] + CONN)
    if want and got:
        check(redact(got["rules"][0]["rule"]) == want["rule"],
              "ds example: stored rule equals parsed rule")

    line = ['-f', '0+*', '-a', 'p:localauth', '-w', 'reg:client7', '-p', 'Me to Anyone',
            '-r', 'Secure My Traffic', '-x']
    rc, out, err = run(line + CONN + ["--ldap-base=" + BASE])
    check(rc == 0, "reference reg example on a host: " + err.strip())
    host = ldap_search("cn=Hosts," + ROOT, "(ipsecName=client7)", scope="one")
    hdn = next(iter(host), "")
    check(len(host) == 1, "reg example: host entry created")
    pol, owned = check_consistent(hdn, "Me to Anyone", "reg example")
    if pol and host:
        check([v.lower() for v in host[hdn].get("ipseclocalpolicyreference", [])] ==
              [pol[0].lower()], "reg example: -x sets the local policy link")


def real_world_rows():
    rows = []
    with open(CASES, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("id\t"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                rows.append(parts)
    static = [r for r in rows if re.search(r"(^|\s)[-\u2013](w|p|r)\s", " " + r[2] + " ")]
    check(len(static) >= 20, "found the static-mode rows (%d)" % len(static))
    for rid, expect, args, *_ in static:
        words = split_args(args)
        host = "row-" + rid.lower()
        # -w REG (the local registry) goes to this host's directory entry.
        words = ["reg:" + host if w.lower() == "reg" and i > 0 and words[i - 1] in ("-w", "\u2013w")
                 else w for i, w in enumerate(words)]
        parsed = command_json(words)
        if parsed is None:
            check(expect != "accept", "%s: parser rejects a row marked accept" % rid)
            continue
        check(expect != "reject", "%s: parser accepts a row marked reject" % rid)
        target = parsed.get("target", {})
        if target.get("store") != "reg" and "-w" in words:
            pass
        conn = CONN + ["--ldap-base=" + BASE]
        name = target.get("policy")
        rules = target.get("rules", [])
        if target.get("delete"):
            # Create what the row deletes, then delete it.
            for r in rules or [None]:
                pre = ["-w", "reg:" + host, "-p", name] + (["-r", r, "-f", "0+*"] if r else [])
                run(pre + conn)
        rc, out, err = run(words + conn)
        check(rc == 0, "%s: ipseccmd %s failed: %s" % (rid, args, err.strip()))
        if rc != 0:
            continue
        hostdn = "ipsecName=%s,cn=Hosts,%s" % (host, ROOT)
        if target.get("delete"):
            pol, owned = policy_entries(hostdn, name)
            if rules:
                check_consistent(hostdn, name, rid)
                names = [a.get("ipsecname", [""])[0] for a in owned.values()
                         if "ipsecNFA" in a.get("objectclass", [])]
                check(not set(rules) & set(names), "%s: deleted rules are gone" % rid)
            else:
                check(pol is None and not owned, "%s: policy and its parts are gone" % rid)
            continue
        check_consistent(hostdn, name, rid)
        doc = export(["-w", "reg:" + host, "-p", name] + conn)
        if doc is None:
            continue
        if parsed.get("has_rule", bool(rules)) and "rule" in parsed and rules:
            stored = [r for r in doc["rules"] if r["name"] == rules[0]]
            check(len(stored) == 1 and redact(stored[0]["rule"]) == parsed["rule"],
                  "%s: stored rule equals the parsed rule" % rid)
        host_entry = ldap_search(hostdn, scope="base")
        link = host_entry.get(hostdn, {}).get("ipseclocalpolicyreference", [])
        if target.get("assign") == "set":
            check(len(link) == 1, "%s: -x assigns the policy" % rid)
        elif target.get("assign") == "unset":
            check(not link, "%s: -y leaves no assignment" % rid)


def concurrent_writers():
    conn = CONN + ["-w", "ds:example.com"]
    procs = []
    for i in range(20):
        args = ["-p", "Busy" + (":%d" % (10 + i) if i % 2 else ""), "-r", "R%02d" % i,
                "-f", "0+192.0.2.%d" % (i + 1), "-a", "p:key%d" % i]
        procs.append(subprocess.Popen([IPSECCMD] + args + conn, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    for i, p in enumerate(procs):
        out, err = p.communicate(timeout=120)
        check(p.returncode == 0, "concurrent writer %d: %s" % (i, err.strip()))
    pol, owned = check_consistent("cn=Policies," + ROOT, "Busy", "concurrent writers")
    if pol:
        nfas = sorted(a.get("ipsecname", [""])[0] for a in owned.values()
                      if "ipsecNFA" in a.get("objectclass", []))
        check(nfas == ["R%02d" % i for i in range(20)], "concurrent writers: all 20 rules kept")
        check(pol[1].get("ipsecversion") == ["20"],
              "concurrent writers: version 20, got %s" % pol[1].get("ipsecversion"))
    # Twenty deleting at once, ten rules each twice: one wins, and the
    # other finds the rule gone and reports it as not found.
    procs = [subprocess.Popen([IPSECCMD, "-p", "Busy", "-r", "R%02d" % (i % 10), "-o"] + conn,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(20)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    ok = sum(1 for rc, _ in results if rc == 0)
    check(ok == 10, "concurrent deletes: 10 succeed, got %d" % ok)
    check(all(rc == 0 or "not found" in err for rc, err in results),
          "concurrent deletes: losers report the rule as not found")
    pol, owned = check_consistent("cn=Policies," + ROOT, "Busy", "concurrent deletes")
    nfas = [a for a in owned.values() if "ipsecNFA" in a.get("objectclass", [])]
    check(len(nfas) == 10, "concurrent deletes: ten rules left")


def unlinked_parts_invisible():
    """Entries that name a policy as owner but are not linked from it (a
    writer between its adds and its commit, or one that died there) are
    not part of the policy, and a write leaves young ones alone."""
    conn = CONN + ["-w", "ds:example.com"]
    rc, out, err = run(["-p", "Ghosts", "-r", "real", "-f", "0+192.0.2.50"] + conn)
    check(rc == 0, "ghost policy written: " + err.strip())
    pdn = "ipsecName=Ghosts,cn=Policies," + ROOT
    ghost = "cn=ipsecNFA{00000000-0000-4000-8000-000000000000},cn=Policies," + ROOT
    p = subprocess.run(["ldapadd", "-x", "-H", URI, "-D", ADMIN, "-y", PWFILE],
                       input="dn: %s\nobjectClass: ipsecNFA\ncn: %s\nipsecName: ghost\n"
                       "ipsecOwnerReference: %s\n" % (ghost, ghost.split(",")[0][3:], pdn),
                       capture_output=True, text=True)
    check(p.returncode == 0, "unlinked rule entry added: " + p.stderr.strip())
    doc = export(["-p", "Ghosts"] + conn)
    check(doc is not None and [r["name"] for r in doc["rules"]] == ["real"],
          "an unlinked rule is not read as part of the policy")
    def parts():
        owned = policy_entries("cn=Policies," + ROOT, "Ghosts")[1]
        return {c: sorted(d for d, a in owned.items() if c in a.get("objectclass", []))
                for c in ("ipsecFilter", "ipsecNegotiationPolicy", "ipsecNFA")}

    before = parts()
    rc, out, err = run(["-p", "Ghosts", "-r", "real", "-n", "PASS"] + conn)
    check(rc == 0, "write next to an unlinked entry: " + err.strip())
    after = parts()
    # -n replaces the filter action only: the filter list entry stays.
    check(after["ipsecFilter"] == before["ipsecFilter"] and len(after["ipsecFilter"]) == 1,
          "a partial update keeps the unchanged filter list entry")
    check(after["ipsecNegotiationPolicy"] != before["ipsecNegotiationPolicy"] and
          len(after["ipsecNegotiationPolicy"]) == 1,
          "a partial update replaces the changed filter action entry")
    doc = export(["-p", "Ghosts"] + conn)
    check(doc is not None and doc["rules"][0]["rule"]["negotiation"]["action"] == "permit" and
          len(doc["rules"][0]["rule"]["filters"]) == 1, "the partial update reads back")
    check(ghost in ldap_search(ghost, scope="base"),
          "a young unlinked entry survives a write (it may be in flight)")


def count_all():
    return len(ldap_search(ROOT))


def one_line_errors():
    before = count_all()
    cases = [
        ("unreachable", ["-w", "ds:example.com", "-p", "E", "--ldap-uri=ldap://127.0.0.1:1",
                         "--bind-dn=" + ADMIN, "--password-file=" + PWFILE], "Can't contact"),
        ("schema missing", ["-w", "ds:nothere.example", "-p", "E"] + CONN, "ipseccmd-ldap-setup"),
        ("not found", ["-w", "ds:example.com", "-p", "No Such Policy", "-o"] + CONN,
         "'No Such Policy' not found"),
        ("name too long", ["-w", "ds:example.com", "-p", "n" * 300] + CONN, "use at most 255"),
        ("rule not found", ["-w", "ds:example.com", "-p", "Busy", "-r", "Nope", "-o"] + CONN,
         "'Nope' not found"),
    ]
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write("wrong-password\n")
        bad = f.name
    os.chmod(bad, 0o600)
    cases.append(("bind refused", ["-w", "ds:example.com", "-p", "E", "--ldap-uri=" + URI,
                                   "--bind-dn=" + ADMIN, "--password-file=" + bad],
                  "Invalid credentials"))
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write("x\n")
        loose = f.name
    os.chmod(loose, 0o644)
    cases.append(("password file readable", ["-w", "ds:example.com", "-p", "E", "--ldap-uri=" + URI,
                                             "--bind-dn=" + ADMIN, "--password-file=" + loose],
                  "chmod 600"))
    # -w ds without a domain takes the base from LDAPBASE, as ldapsearch.
    env = dict(ENV, LDAPURI=URI, LDAPBASE=BASE)
    p = subprocess.run([IPSECCMD, "-w", "ds", "-p", "EnvBase", "--bind-dn=" + ADMIN,
                        "--password-file=" + PWFILE], capture_output=True, text=True, env=env)
    check(p.returncode == 0, "-w ds with LDAPURI and LDAPBASE: " + p.stderr.strip())
    env.pop("LDAPBASE")
    env["LDAPCONF"] = "/dev/null"   # a BASE in this machine's ldap.conf would hide the case
    env["LDAPRC"] = "/dev/null"
    p = subprocess.run([IPSECCMD, "-w", "ds", "-p", "NoBase", "--bind-dn=" + ADMIN,
                        "--password-file=" + PWFILE], capture_output=True, text=True, env=env)
    check(p.returncode == 1 and "no directory base DN" in p.stderr,
          "-w ds without any base names the fix: %r" % p.stderr)
    rc, out, err = run(["-w", "ds:example.com", "-p", "P", "--host=h1"] + CONN)
    check(rc == 2 and "-x or -y" in err, "--host without -x or -y is a usage error: %r" % err)
    rc, out, err = run(["-w", "ds:example.com", "-p", "P", "--bogus-option"] + CONN)
    check(rc == 2 and "--bogus-option" in err, "an unknown long option is named: %r" % err)
    rc, out, err = run(["-w", "ds:example.org", "--ldap-base=" + BASE, "-p", "E"] + CONN)
    check(rc != 0 and len(err.strip().splitlines()) == 1 and "dc=example,dc=org" in err
          and "--ldap-base" in err, "-w ds:DOMAIN and a different --ldap-base: %r" % err)
    rc, out, err = run(["-w", "ds:example.com", "--ldap-base=" + BASE, "-p", "Agree"] + CONN)
    check(rc == 0, "-w ds:DOMAIN and the same --ldap-base: %r" % err)
    rc, out, err = run(["-w", "ds:example.com", "-p", "Agree", "-r", "NewRule", "-n", "BLOCK"]
                       + CONN)
    check(rc != 0 and "'NewRule'" in err and "add -f" in err,
          "a new rule without -f is rejected: %r" % err)
    before = count_all()
    for what, args, text in cases:
        rc, out, err = run(args)
        check(rc == 1, "%s: exit 1, got %d" % (what, rc))
        lines = err.strip().splitlines()
        check(len(lines) == 1 and text in err, "%s: one line naming it: %r" % (what, err))
    os.unlink(bad)
    os.unlink(loose)
    check(count_all() == before, "errors wrote nothing")


def escaping():
    names = ['a, b + c', 'quote " back \\ slash', '<angle> ; semi = eq',
             'star * (paren) #hash', '#lead', ' spaces around ', 'Grüße, 東京 🙂']
    conn = CONN + ["-w", "ds:example.com"]
    for n in names:
        rc, out, err = run(["-p", n, "-r", n, "-f", "0+198.51.100.7"] + conn)
        check(rc == 0, "name %r: %s" % (n, err.strip()))
        doc = export(["-p", n] + conn)
        check(doc is not None and doc["name"] == n and doc["rules"][0]["name"] == n,
              "name %r round-trips" % n)
        rc, out, err = run(["-p", n, "--list"] + conn)
        check(n in out.split("\n"), "name %r listed" % n)
        rc, out, err = run(["-p", n, "-o"] + conn)
        check(rc == 0, "name %r deleted: %s" % (n, err.strip()))


def local_store_and_moves():
    d = tempfile.mkdtemp(prefix="ipseccmd-store.")
    d2 = tempfile.mkdtemp(prefix="ipseccmd-store.")
    try:
        local_store_checks(d, d2)
    finally:
        shutil.rmtree(d)
        shutil.rmtree(d2)


def local_store_checks(d, d2):
    env = dict(ENV, IPSECCMD_STORE_DIR=d)
    rc, out, err = run(["-w", "reg", "-p", "A", "-r", "r", "-f", "0+*", "-a", "p:s3cret", "-x"], env)
    check(rc == 0, "local store write: " + err.strip())
    rc, out, err = run(["-w", "reg", "-p", "B", "-x"], env)
    rc, out, err = run(["-w", "reg", "-p", "A", "--list"], env)
    check(out == "A\nB\t(assigned)\n", "only one local policy is assigned: %r" % out)
    check(sorted(os.listdir(d)) == ["store.json", "store.lock"], "no temporary files left")
    check(os.stat(os.path.join(d, "store.json")).st_mode & 0o777 == 0o600, "store mode 0600")
    # Twenty writers on the local store at once: the lock keeps every rule.
    procs = [subprocess.Popen([IPSECCMD, "-w", "reg", "-p", "Busy", "-r", "L%02d" % i,
                               "-f", "0+203.0.113.%d" % (i + 1)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(20)]
    for p in procs:
        check(p.wait(timeout=60) == 0, "concurrent local writer: " + p.stderr.read().strip())
    busy = export(["-w", "reg", "-p", "Busy", "--store-dir=" + d])
    check(busy is not None and sorted(r["name"] for r in busy["rules"]) ==
          ["L%02d" % i for i in range(20)] and busy["version"] == 20,
          "twenty local writers keep twenty rules and version 20")
    # Export from the local store, import into the directory, compare.
    exp = os.path.join(d, "A.json")
    rc, out, err = run(["-w", "reg", "-p", "A", "--export=" + exp], env)
    check(rc == 0, "export: " + err.strip())
    rc, out, err = run(["-w", "ds:example.com", "-p", "A", "--import=" + exp] + CONN)
    check(rc == 0, "import into the directory: " + err.strip())
    check(out == "policy 'A' in %s: imported from %s\n" % (BASE, exp),
          "import prints one line: %r" % out)
    a = export(["-w", "reg", "-p", "A"][:4] + ["--store-dir=" + d])
    b = export(["-w", "ds:example.com", "-p", "A"] + CONN)
    if a and b:
        check(a["rules"] == b["rules"], "local and directory copies have the same rules")
    # --show-policy prints lines that re-create the policy elsewhere.
    rc, out, err = run(["-w", "ds:example.com", "-p", "A", "--show-policy", "--show-secrets"] + CONN)
    check(rc == 0 and out.startswith("ipseccmd "), "show-policy prints command lines")
    for line in out.splitlines():
        words = split_args(line)[1:]
        words = ["reg" if w.startswith("ds") and i and words[i - 1] == "-w" else w
                 for i, w in enumerate(words)]
        rc, o, e = run(words + ["--store-dir=" + d2])
        check(rc == 0, "re-run of shown line: " + e.strip())
    c = export(["-w", "reg", "-p", "A", "--store-dir=" + d2])
    if a and c:
        check(a["rules"] == c["rules"], "shown lines re-create the policy")


def admin_without_policy():
    """--list, --add-host, --add-group, --remove-host and --import need no -p."""
    ds = ["-w", "ds:example.com"] + CONN
    rc, out, err = run(["--add-group=Admins Group"] + ds)
    check(rc == 0, "--add-group without -p: " + err.strip())
    check(len(ldap_search(ROOT, "(&(objectClass=ipsecHostGroup)(ipsecName=Admins Group))")) == 1,
          "--add-group without -p writes the group")
    rc, out, err = run(["--add-host=adm1", "--to-group=Admins Group"] + ds)
    check(rc == 0, "--add-host without -p: " + err.strip())
    hosts = ldap_search(ROOT, "(&(objectClass=ipsecHost)(ipsecName=adm1))")
    check(len(hosts) == 1 and any("Admins Group" in g for h in hosts.values()
                                  for g in h.get("ipsecgroupreference", [])),
          "--add-host without -p writes the host in its group: %r" % hosts)
    rc, out, err = run(["--remove-host=adm1", "--from-group=Admins Group"] + ds)
    check(rc == 0, "--remove-host without -p: " + err.strip())
    hosts = ldap_search(ROOT, "(&(objectClass=ipsecHost)(ipsecName=adm1))")
    check(all(not h.get("ipsecgroupreference") for h in hosts.values()),
          "--remove-host without -p leaves the group: %r" % hosts)

    # An IKEv1 policy: the attribute, --show-policy as lines and as JSON.
    rc, out, err = run(["-p", "Legacy", "--ike=1", "-r", "R", "-f", "0+192.0.2.7",
                        "-n", "esp[3des,sha]", "-1s", "3des-sha-2"] + ds)
    check(rc == 0, "--ike=1 in static mode: " + err.strip())
    pol, owned = policy_entries("cn=Policies," + ROOT, "Legacy")
    check(pol is not None and pol[1].get("ipsecikeversion") == ["1"],
          "--ike=1 writes ipsecIKEVersion: %r" % (pol,))
    rc, out, err = run(["-p", "Legacy", "--show-policy"] + ds)
    check(rc == 0 and "--ike=1" in out, "--show-policy prints --ike=1: %r" % out)
    rc, out, err = run(["-p", "Legacy", "--show-policy", "--json"] + ds)
    doc = json.loads(out) if rc == 0 else None
    check(doc is not None and doc["ike_version"] == 1 and
          doc["rules"][0]["rule"]["ike_version"] == 1 and
          doc["rules"][0]["rule"]["negotiation"]["offers"][0]["esp"]["enc"] == "3des",
          "--show-policy --json prints the stored policy: %r %r" % (out[:200], err))
    # Changing the version leaves the rule's entries alone.
    rc, out, err = run(["-p", "Legacy", "--ike=2"] + ds)
    check(rc == 0, "--ike=2 on a stored policy: " + err.strip())
    pol, owned2 = policy_entries("cn=Policies," + ROOT, "Legacy")
    check(pol is not None and pol[1].get("ipsecikeversion") == ["2"],
          "--ike=2 replaces ipsecIKEVersion: %r" % (pol,))
    check(sorted(owned) == sorted(owned2), "--ike keeps the rule's entries")
    doc = export(["-p", "Legacy"] + ds)
    check(doc is not None and doc["ike_version"] == 2 and
          doc["rules"][0]["rule"]["ike_version"] == 2, "rules read back as IKEv2")

    # --import without -p takes the name from the file; --list without -p.
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        doc["name"] = "Imported Legacy"
        doc["ike_version"] = 1
        json.dump(doc, f)
        path = f.name
    rc, out, err = run(["--import=" + path] + ds)
    os.unlink(path)
    check(rc == 0, "--import without -p: " + err.strip())
    rc, out, err = run(["--list"] + ds)
    names = out.split("\n")
    check(rc == 0 and "Legacy" in names and "Imported Legacy" in names,
          "--list without -p lists the policies: %r %r" % (out, err))
    doc = export(["-p", "Imported Legacy"] + ds)
    check(doc is not None and doc["ike_version"] == 1, "imported policy keeps IKEv1")
    rc, out, err = run(["--show-policy"] + ds)
    check(rc == 2 and "-p" in err, "--show-policy without -p is a usage error: %r" % err)
    rc, out, err = run(["-w", "reg:adm1", "--list", "--ldap-base=" + BASE] + CONN)
    check(rc == 0 and out == "", "-w reg:HOST --list without -p: %r %r" % (out, err))


def success_lines():
    """One line on stdout per change; -y and -o report what they found."""
    ds = ["-w", "ds:example.com"] + CONN
    rc, out, err = run(["--add-host=okhost"] + ds)
    check(rc == 0, "--add-host okhost: " + err.strip())
    rc, out, err = run(["-p", "Said", "-r", "Ping", "-f", "0+192.0.2.13::ICMP", "-n", "BLOCK"]
                       + ds)
    check(rc == 0 and out.startswith("policy 'Said' version 1 in ") and
          out.rstrip().endswith(": rule 'Ping' added") and len(out.splitlines()) == 1,
          "a new rule prints one line: %r %r" % (out, err))
    rc, out, err = run(["-p", "Said", "-r", "Ping", "-f", "0+192.0.2.14::ICMP"] + ds)
    check(rc == 0 and "version 2" in out and "rule 'Ping' replaced its filters" in out,
          "new filters print 'replaced its filters': %r" % out)
    rc, out, err = run(["-p", "Said", "-y", "--host", "okhost"] + ds)
    check(rc == 0 and "not assigned to host 'okhost'" in out,
          "-y on an unassigned policy says so: %r %r" % (out, err))
    rc, out, err = run(["-p", "Said", "-x", "--host", "okhost"] + ds)
    check(rc == 0 and "assigned to host 'okhost'" in out,
          "-x --host prints the host: %r %r" % (out, err))
    rc, out, err = run(["-p", "Said", "-x"] + ds)
    check(rc == 0 and "assigned to the domain" in out, "-x prints the domain: %r" % out)
    rc, out, err = run(["-p", "Said", "-o"] + ds)
    check(rc == 0 and "policy 'Said' in " in out and out.rstrip().endswith(": deleted"),
          "-o prints the deletion: %r" % out)
    check("warning" in err and "host 'okhost'" in err and "the domain" in err,
          "-o of an assigned policy names what loses it: %r" % err)


def host_hints_and_delete():
    """--remove-host hints, and --delete-host with the host's local policy."""
    ds = ["-w", "ds:example.com"] + CONN
    rc, out, err = run(["--remove-host=hinthost"] + ds)
    check(rc == 2 and "--from-group=GROUP" in err and "--delete-host=hinthost" in err,
          "--remove-host alone names both fixes: %r" % err)
    rc, out, err = run(["--add-host=hinthost"] + ds)
    check(rc == 0 and "host 'hinthost' in " in out, "--add-host prints a line: %r %r" % (out, err))
    rc, out, err = run(["--remove-host=hinthost", "--from-group=No Such Group"] + ds)
    check(rc == 1 and "'No Such Group' not found" in err and "--add-group" not in err,
          "--remove-host from an unknown group does not suggest creating it: %r" % err)
    rc, out, err = run(["-w", "reg:hinthost", "-p", "Local", "-r", "R", "-f", "0+192.0.2.5",
                        "--ldap-base=" + BASE] + CONN)
    check(rc == 0, "local policy of hinthost: " + err.strip())
    hosts = ldap_search(ROOT, "(&(objectClass=ipsecHost)(ipsecName=hinthost))")
    check(len(hosts) == 1, "hinthost exists before --delete-host")
    below = ldap_search(list(hosts)[0]) if hosts else {}
    check(len(below) > 2, "hinthost has local policy entries below it (%d)" % len(below))
    rc, out, err = run(["--delete-host=hinthost"] + ds)
    check(rc == 0 and out.rstrip().endswith(": deleted"), "--delete-host: %r %r" % (out, err))
    check(not ldap_search(ROOT, "(ipsecName=hinthost)"), "--delete-host removes the host entry")
    if hosts:
        check(not ldap_search(list(hosts)[0]), "--delete-host removes the entries below it")
    rc, out, err = run(["--delete-host=hinthost"] + ds)
    check(rc == 1 and "'hinthost' not found" in err, "--delete-host twice: %r" % err)


def main():
    host_hints_and_delete()
    success_lines()
    admin_without_policy()
    reference_examples()
    real_world_rows()
    concurrent_writers()
    unlinked_parts_invisible()
    one_line_errors()
    escaping()
    local_store_and_moves()
    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        sys.exit(1)
    print("all checks passed")


main()
