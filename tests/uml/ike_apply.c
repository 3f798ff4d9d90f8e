/*
 * ike-apply: the agent's path for one dynamic-mode rule, for the tests in
 * the user-mode Linux guest. It parses an ipseccmd command line with the
 * grammar, installs the rule's XFRM policies with agent/xfrm, and writes
 * and loads the rule's swanctl connection with agent/ike, so the reqids
 * of both come from spd_rule_reqid().
 *
 *   ike-apply [--ikev1] [--host-cert PEM --host-key PEM] [--fleet-ca PEM]
 *             [--ca PEM] --swanctl-dir DIR --strongswan-conf FILE
 *             --uri URI ARGFILE
 *
 * ARGFILE contains the ipseccmd arguments one per line, so a preshared key
 * stays off the command line. Prints the connection name, the note and
 * the weak flag, one per line.
 */
#include "compile.h"
#include "grammar.h"
#include "ike.h"
#include "spd.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARGS_MAX 64
#define RULE_NAME "uml-rule"

struct options {
	const char *host_cert, *host_key, *fleet_ca, *ca;
	struct ike_daemon daemon;
	enum ike_version version;
	const char *arg_file;
};

static int args_read(const char *path, char *argv[ARGS_MAX], int *argc)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return -1;
	}
	*argc = 0;
	while (fgets(line, sizeof(line), f) && *argc < ARGS_MAX - 1) {
		line[strcspn(line, "\n")] = '\0';
		argv[(*argc)++] = strdup(line);
	}
	argv[*argc] = NULL;
	fclose(f);
	return 0;
}

static int options_parse(int argc, char *argv[], struct options *o)
{
	static const struct option longopts[] = {
		{ "ikev1", no_argument, NULL, '1' },
		{ "host-cert", required_argument, NULL, 'c' },
		{ "host-key", required_argument, NULL, 'k' },
		{ "fleet-ca", required_argument, NULL, 'f' },
		{ "ca", required_argument, NULL, 'a' },
		{ "swanctl-dir", required_argument, NULL, 'd' },
		{ "strongswan-conf", required_argument, NULL, 's' },
		{ "uri", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case '1': o->version = IKE_VERSION_1; break;
		case 'c': o->host_cert = optarg; break;
		case 'k': o->host_key = optarg; break;
		case 'f': o->fleet_ca = optarg; break;
		case 'a': o->ca = optarg; break;
		case 'd': o->daemon.swanctl_dir = optarg; break;
		case 's': o->daemon.strongswan_conf = optarg; break;
		case 'u': o->daemon.vici_uri = optarg; break;
		default: return -1;
		}
	}
	if (optind != argc - 1 || !o->daemon.swanctl_dir) {
		fprintf(stderr, "usage: ike-apply [--ikev1] [--host-cert PEM --host-key PEM] [--fleet-ca PEM] [--ca PEM] --swanctl-dir DIR --strongswan-conf FILE --uri URI ARGFILE\n");
		return -1;
	}
	o->arg_file = argv[optind];
	return 0;
}

static int xfrm_apply(const struct rule_spec *rule)
{
	struct spd_rule_ref ref = { .name = RULE_NAME, .rule = rule };
	struct spd_host host = { 0 };
	struct spd_set set = { 0 };
	struct spd_apply_stats stats = { 0 };
	struct spd_handle *h = NULL;
	char err[SPD_ERROR_MAX] = "";
	int ret = -1;

	if (spd_compile(&ref, 1, &host, NULL, 0, &set, NULL) != 0) {
		fprintf(stderr, "ike-apply: compiling the XFRM policies failed\n");
		goto out;
	}
	/* Adopt what an earlier run installed, as the agent does at start. */
	h = spd_open();
	if (!h || spd_reconcile(h) != 0 ||
	    spd_apply(h, &set, &stats, err) != 0) {
		fprintf(stderr, "ike-apply: applying the XFRM policies failed: %s\n", err);
		goto out;
	}
	printf("xfrm policies: %zu\n", stats.added);
	ret = 0;
out:
	spd_close(h);
	free(set.items);
	return ret;
}

int main(int argc, char *argv[])
{
	struct options o = { 0 };
	char *args[ARGS_MAX] = { 0 };
	int nargs = 0, ret = 1;
	unsigned changed = 0;
	struct command cmd = { 0 };
	struct diag_list diags = { 0 };
	struct ike_config cfg = { 0 };
	const char *ca_files[1];
	struct ike_credentials creds = { 0 };
	struct ike_rule_ref ref;

	if (options_parse(argc, argv, &o) < 0)
		return 2;
	if (args_read(o.arg_file, args, &nargs) < 0)
		goto out;
	if (grammar_parse(nargs, args, &cmd, &diags) != 0) {
		for (size_t i = 0; i < diags.count; i++)
			fprintf(stderr, "ike-apply: %s\n", diags.items[i].message);
		goto out;
	}
	if (xfrm_apply(&cmd.rule) < 0)
		goto out;

	creds.host_cert = o.host_cert;
	creds.host_key = o.host_key;
	creds.fleet_ca = o.fleet_ca;
	if (o.ca) {
		ca_files[0] = o.ca;
		creds.ca_files = ca_files;
		creds.ca_count = 1;
	}
	ref = (struct ike_rule_ref){ .name = RULE_NAME, .rule = &cmd.rule,
				     .reqid = spd_rule_reqid(RULE_NAME),
				     .version = o.version };
	if (ike_sync(&ref, 1, &creds, &o.daemon, &cfg, &changed) != 0)
		goto out;
	if (ike_acquire_expiry(&ref, 1) &&
	    ike_acquire_expiry_set(ike_acquire_expiry(&ref, 1)) != 0) {
		fprintf(stderr, "ike-apply: setting net.core.xfrm_acq_expires failed\n");
		goto out;
	}
	printf("changed: %u\nreqid: %lu\nconn: %s\nnote: %s\nweak: %s\n",
	       changed, (unsigned long)ref.reqid,
	       cfg.results[0].conn ? cfg.results[0].conn : "(none)",
	       cfg.results[0].note ? cfg.results[0].note : "(none)",
	       cfg.results[0].weak ? "yes" : "no");
	ret = cfg.results[0].conn ? 0 : 3;
out:
	ike_config_free(&cfg);
	command_free(&cmd);
	diag_list_free(&diags);
	for (int i = 0; i < nargs; i++) {
		explicit_bzero(args[i], strlen(args[i]));
		free(args[i]);
	}
	return ret;
}
