/* Usage text: one table drives the help of every mode. */
#include "cli.h"

#include <string.h>

enum {
	M_DYN = 1u << 0,	/* dynamic mode */
	M_STA = 1u << 1,	/* static mode */
	M_QRY = 1u << 2,	/* query mode */
	M_DEL = 1u << 3,	/* -u */
	M_CLI = 1u << 4,	/* long options of the front end */
};

struct usage_line {
	unsigned modes;
	const char *option;
	const char *meaning;
};

static const struct usage_line lines[] = {
	{ M_DYN | M_QRY, "\\\\ComputerName",
	  "first word only; dynamic mode: store the rule in that host's "
	  "directory entry, which its agent applies at its next poll (with "
	  "-u: remove them all); query mode: print that host's latest report "
	  "from the report server and its age" },
	{ M_DYN | M_STA, "-f Filter ...",
	  "filters, Src[/Mask][:Port[:Proto]]=Dst[/Mask][:Port][:Proto]; '+' "
	  "for mirrored; 0 = this host, * = any, 10.92.*.*, DNS name, "
	  "{GUID}, {IPv6}[/prefix]; (..) permit, [..] block (dynamic mode "
	  "only); default = default response rule; repeat -f to add more" },
	{ M_DYN | M_STA, "-n Offer ...",
	  "quick-mode offers esp[Cipher,Integrity], ah[Hash], "
	  "ah[Hash]+esp[Cipher,Integrity], each optionally followed by a "
	  "lifetime NS (seconds, 60-172800), NK (kilobytes) or NS/NK and by "
	  "PFS, PFSn or Pn (DH group n); or BLOCK, PASS, INPASS; default: "
	  "esp[aes256gcm] esp[aes128gcm] esp[aes256,sha256] esp[3des,sha] "
	  "esp[3des,md5] esp[des,sha] esp[des,md5]" },
	{ M_DYN | M_STA, "-t Address",
	  "tunnel endpoint (IP address or DNS name); default: transport "
	  "mode" },
	{ M_DYN | M_STA, "-a Method ...",
	  "authentication: kerberos (k), preshare:\"Key\" (p:), "
	  "cert:\"CA DN\" (c:); default: kerberos" },
	{ M_DYN | M_STA, "-1s Method ...",
	  "key exchange offers Cipher-Hash-Group, such as aes256-sha256-14; "
	  "default: aes256gcm-sha384-20 aes128gcm-sha256-19 aes256-sha256-14 "
	  "3des-sha-2 3des-md5-2 des-sha-1 des-md5-1" },
	{ M_DYN | M_STA, "-1k NQ/NS",
	  "main-mode rekey after N quick-mode SAs (Q, 0 = unlimited) and/or "
	  "N seconds (S, 60-172800); default: unlimited and 28800 s" },
	{ M_DYN | M_STA, "-1p", "master key perfect forward secrecy" },
	{ M_DYN | M_STA, "-1f Filter ...",
	  "main-mode filters (addresses only); default: derived from -f" },
	{ M_DYN | M_STA, "-1e Seconds",
	  "soft SA expiry in seconds (1-172800); default: 300" },
	{ M_DYN | M_STA, "-soft", "allow soft SAs (clear fallback)" },
	{ M_DYN | M_STA, "--ike=1|2",
	  "key exchange: 2 = IKEv2 (default), 1 = IKEv1 Main Mode and Quick "
	  "Mode for legacy peers; dynamic mode: this rule, static mode: every "
	  "rule of the policy" },
	{ M_DYN, "-confirm, -c", "ask before adding the rule" },
	{ M_DYN | M_STA, "-dialup | -lan",
	  "apply to dial-up or LAN adapters only; default: all adapters" },
	{ M_DEL, "-u", "delete all dynamic rules" },
	{ M_STA, "-w reg[:Host] | ds[:Domain]",
	  "write to the local store (reg) or to the directory (ds)" },
	{ M_STA, "-p Name[:Minutes]",
	  "policy name and poll interval in minutes (1-43200, default 180)" },
	{ M_STA, "-r Name",
	  "rule name; without -r, rule options name the rule after the -f "
	  "filter list" },
	{ M_STA, "-x | -y", "assign (-x) or unassign (-y) the policy" },
	{ M_STA, "-o",
	  "delete the policy, or with -r the named rules only" },
	{ M_STA, "--list",
	  "list the stored policies, one name a line; needs no -p" },
	{ M_STA, "--show-policy",
	  "print the -p policy as ipseccmd lines that re-create it, keys as "
	  "********; with --json as a JSON policy document" },
	{ M_STA, "--show-secrets", "with --show-policy: print preshared keys" },
	{ M_STA, "--export=File",
	  "write the -p policy to File as JSON with its keys, mode 0600; - is "
	  "standard output" },
	{ M_STA, "--import=FILE",
	  "create or replace the policy that File holds, under its own name; "
	  "needs no -p" },
	{ M_STA, "--add-host=Name",
	  "-w ds: create a managed host entry; needs no -p" },
	{ M_STA, "--to-group=Group",
	  "with --add-host: make the host a member of Group" },
	{ M_STA, "--remove-host=Name",
	  "with --from-group=Group: end the host's membership; needs no -p" },
	{ M_STA, "--delete-host=Name",
	  "-w ds: delete the host's entry and the local policies stored "
	  "below it; needs no -p" },
	{ M_STA, "--add-group=Name", "-w ds: create a host group; needs no -p" },
	{ M_STA, "--host=Name | --group=Name",
	  "with -x or -y and -w ds: assign to one host or one host group "
	  "instead of the whole domain" },
	{ M_STA, "--store-dir=Dir",
	  "local store folder; default $IPSECCMD_STORE_DIR, else "
	  "/var/lib/ipseccmd" },
	{ M_STA, "--ldap-uri=URI",
	  "directory server, such as ldaps://ldap.example.com or ldapi:///; "
	  "default from ldap.conf or LDAPURI" },
	{ M_STA, "--ldap-base=DN",
	  "directory base DN instead of -w ds:Domain or ldap.conf" },
	{ M_STA, "--bind-dn=DN", "simple bind as DN, with --password-file" },
	{ M_STA, "--password-file=File",
	  "the bind password, alone in File; File must not be accessible by "
	  "group or others" },
	{ M_STA, "--sasl-external",
	  "bind with SASL EXTERNAL (ldapi:// peer or TLS client certificate)" },
	{ M_STA, "--starttls", "use StartTLS on ldap://" },
	{ M_STA, "--tls-cert=File", "TLS client certificate (PEM)" },
	{ M_STA, "--tls-key=File", "key of the TLS client certificate (PEM)" },
	{ M_STA, "--tls-ca=File", "trusted CA certificates (PEM)" },
	{ M_QRY, "show Topic ...",
	  "filters, policies, auth, stats, sas, or all" },
	{ M_QRY, "--fleet",
	  "print the report server's fleet summary instead of one host" },
	{ M_QRY, "--stale-after=Seconds",
	  "with --fleet: count a host as stale when its latest report is "
	  "older than Seconds" },
	{ M_QRY, "--server=URL", "report server, such as https://reports."
	  "example.com:8443; default from the --config file" },
	{ M_QRY, "--cert=File | --key=File",
	  "administrator TLS client certificate and its key (PEM)" },
	{ M_QRY, "--ca=File", "CA certificates that sign the server's (PEM)" },
	{ M_QRY, "--config=File",
	  "\"name = value\" lines for server, cert, key and ca; default "
	  "/etc/ipseccmd/cli.conf, if it exists" },
	{ M_QRY | M_DYN, "--agent-socket=Path",
	  "the local agent's control socket; default "
	  "/run/ipseccmd/agent.sock" },
	{ M_CLI, "--dry-run",
	  "parse, check and print the canonical command; contact nothing" },
	{ M_CLI, "--json",
	  "query mode: print the result as JSON; static mode with "
	  "--show-policy or --list: the stored policy or the names as JSON; "
	  "otherwise print the parsed command as JSON and contact nothing" },
	{ M_CLI, "--refresh",
	  "alone: ask the local agent to poll the directory now and print "
	  "the policy it applies (with --agent-socket=Path)" },
	{ M_CLI, "/?, -?, --help", "this help; after a mode word, that mode" },
	{ M_CLI, "--version", "print the version" },
};

static const struct {
	unsigned mode;
	const char *synopsis;
} synopses[] = {
	{ M_DYN, "ipseccmd [\\\\ComputerName] -f FilterList [-n Offers] "
		 "[-t Tunnel] [-a Auth] [-1s Methods] [-1k Rekey] [-1p] "
		 "[-1f Filters] [-1e Seconds] [-soft] [-confirm] "
		 "[-dialup | -lan]" },
	{ M_DEL, "ipseccmd -u" },
	{ M_STA, "ipseccmd [rule options] -w reg|ds[:Location] "
		 "-p Policy[:Minutes] [--ike=1|2] [-r Rule] [-x | -y] [-o]" },
	{ M_STA, "ipseccmd -w reg|ds[:Location] --list | --import=File | "
		 "--add-host=Name | --add-group=Name | --remove-host=Name | "
		 "--delete-host=Name" },
	{ M_QRY, "ipseccmd [\\\\ComputerName] show filters|policies|auth|"
		 "stats|sas|all ... [--fleet] [--json]" },
	{ M_DYN, "ipseccmd --refresh [--agent-socket=Path]" },
};

static unsigned mode_bits(enum command_mode mode)
{
	switch (mode) {
	case MODE_DYNAMIC:
		return M_DYN;
	case MODE_DYNAMIC_DELETE:
		return M_DEL;
	case MODE_STATIC:
		return M_STA;
	case MODE_QUERY:
		return M_QRY;
	case MODE_HELP:
		break;
	}
	return M_DYN | M_DEL | M_STA | M_QRY;
}

#define USAGE_WIDTH 79
#define USAGE_INDENT 31

/* Print text wrapped at spaces, continuation lines indented. */
static void wrapped_print(FILE *out, const char *text, size_t column)
{
	while (*text) {
		size_t room = USAGE_WIDTH - column, n = strlen(text);

		if (n > room) {
			n = room;
			while (n > 0 && text[n] != ' ')
				n--;
			if (n == 0)
				n = strcspn(text, " ");
		}
		fprintf(out, "%.*s\n", (int)n, text);
		text += n;
		while (*text == ' ')
			text++;
		if (*text)
			fprintf(out, "%*s", USAGE_INDENT, "");
		column = USAGE_INDENT;
	}
}

void cli_usage_print(FILE *out, enum command_mode mode)
{
	unsigned bits = mode_bits(mode);

	fputs("Usage:\n", out);
	for (size_t i = 0; i < sizeof(synopses) / sizeof(synopses[0]); i++)
		if (synopses[i].mode & bits)
			fprintf(out, "  %s\n", synopses[i].synopsis);
	fputs("\nOptions (keywords and options are case-insensitive):\n", out);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (lines[i].modes & (bits | M_CLI)) {
			fprintf(out, "  %-28s ", lines[i].option);
			wrapped_print(out, lines[i].meaning, USAGE_INDENT);
		}
	fputs("\nSee ipseccmd(8) for the full grammar.\n", out);
}

void cli_synopsis_print(FILE *out)
{
	fputs("usage: ipseccmd [\\\\Computer] -f Filters [options] | -u | "
	      "[options] -w reg|ds -p Policy [-r Rule] [-x|-y] [-o] | "
	      "show Topics  (ipseccmd /? for help)\n", out);
}
