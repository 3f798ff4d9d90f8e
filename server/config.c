#include "config.h"

#include "conffile.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum value_kind { VALUE_STRING, VALUE_UINT, VALUE_SIZE, VALUE_LIST, VALUE_FLAG };

struct setting {
	const char *name;
	enum value_kind kind;
	size_t offset;
	unsigned long long min, max;
	const char *help;
};

#define FIELD(f) offsetof(struct server_config, f)

/* One table drives the config file, the long options and --help. */
static const struct setting settings[] = {
	{ "listen", VALUE_STRING, FIELD(listen), 0, 0,
	  "address to listen on (default 0.0.0.0)" },
	{ "port", VALUE_UINT, FIELD(port), 0, 65535,
	  "TCP port (default 8443; 0 picks a free one)" },
	{ "port-file", VALUE_STRING, FIELD(port_file), 0, 0,
	  "write the bound port to FILE once listening" },
	{ "cert", VALUE_STRING, FIELD(cert), 0, 0, "server certificate, PEM" },
	{ "key", VALUE_STRING, FIELD(key), 0, 0,
	  "server private key, PEM, mode 0600" },
	{ "client-ca", VALUE_STRING, FIELD(client_ca), 0, 0,
	  "CA that signs host certificates (CN = host name)" },
	{ "admin-ca", VALUE_STRING, FIELD(admin_ca), 0, 0,
	  "CA whose client certificates are administrators" },
	{ "admin-ou", VALUE_STRING, FIELD(admin_ou), 0, 0,
	  "OU that makes a client-ca certificate an administrator "
	  "(default ipseccmd-admin)" },
	{ "admin-fingerprint", VALUE_LIST, FIELD(admin_fingerprints), 0, 0,
	  "SHA-256 of an administrator certificate, hex; repeatable" },
	{ "database", VALUE_STRING, FIELD(database), 0, 0,
	  "SQLite database (default /var/lib/ipseccmd/server.db)" },
	{ "sync", VALUE_STRING, FIELD(sync), 0, 0,
	  "normal (survives a server crash) or full (also a power loss)" },
	{ "threads", VALUE_UINT, FIELD(threads), 1, 256,
	  "worker threads (default 2)" },
	{ "max-connections", VALUE_UINT, FIELD(max_connections), 1, 100000,
	  "open connections at most (default 1000)" },
	{ "max-per-address", VALUE_UINT, FIELD(max_per_address), 1, 100000,
	  "open connections per client address at most (default 64)" },
	{ "idle-timeout", VALUE_UINT, FIELD(idle_timeout), 1, 86400,
	  "seconds before an idle connection is closed (default 30)" },
	{ "max-body", VALUE_SIZE, FIELD(max_body), 1024, 1u << 30,
	  "largest request body in bytes (default 1048576)" },
	{ "history-days", VALUE_UINT, FIELD(history_days), 0, 36500,
	  "days of report history kept, 0 for no limit (default 30)" },
	{ "history-per-host", VALUE_UINT, FIELD(history_per_host), 0, 1000000,
	  "reports of history kept per host (default 100)" },
	{ "stale-after", VALUE_UINT, FIELD(stale_seconds), 1, 100000000,
	  "seconds of silence before a host counts as not heard from "
	  "(default 21600)" },
	{ "verbose", VALUE_FLAG, FIELD(verbose), 0, 0, "log every request" },
};

#define SETTING_COUNT (sizeof(settings) / sizeof(*settings))

void server_config_defaults(struct server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = 8443;
	cfg->threads = 2;
	cfg->max_connections = 1000;
	cfg->max_per_address = 64;
	cfg->idle_timeout = 30;
	cfg->max_body = 1u << 20;
	cfg->history_days = 30;
	cfg->history_per_host = 100;
	cfg->stale_seconds = 6 * 3600;
}

static const char *default_string(const struct server_config *cfg,
				  size_t offset)
{
	(void)cfg;
	if (offset == FIELD(listen))
		return "0.0.0.0";
	if (offset == FIELD(admin_ou))
		return "ipseccmd-admin";
	if (offset == FIELD(database))
		return "/var/lib/ipseccmd/server.db";
	if (offset == FIELD(sync))
		return "normal";
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: ipseccmd-server [--config=FILE] [OPTION=VALUE]...\n"
		     "  --config=FILE  settings file (default "
		     SERVER_CONFIG_DEFAULT ")\n");
	for (size_t i = 0; i < SETTING_COUNT; i++)
		fprintf(out, "  --%s%s  %s\n", settings[i].name,
			settings[i].kind == VALUE_FLAG ? "" : "=VALUE",
			settings[i].help);
	fprintf(out, "  --help  show this help\n");
}

static int setting_apply(struct server_config *cfg, const struct setting *s,
			 const char *value, const char *where)
{
	char *base = (char *)cfg + s->offset;
	unsigned long long number;

	switch (s->kind) {
	case VALUE_STRING: {
		char **slot = (char **)(void *)base;
		char *copy = strdup(value);

		if (!copy)
			return -1;
		free(*slot);
		*slot = copy;
		return 0;
	}
	case VALUE_LIST: {
		char **copy = realloc(cfg->admin_fingerprints,
				      (cfg->admin_fingerprint_count + 1) *
					      sizeof(char *));

		if (!copy)
			return -1;
		cfg->admin_fingerprints = copy;
		copy[cfg->admin_fingerprint_count] = strdup(value);
		if (!copy[cfg->admin_fingerprint_count])
			return -1;
		cfg->admin_fingerprint_count++;
		return 0;
	}
	case VALUE_FLAG:
		*(int *)(void *)base = 1;
		return 0;
	case VALUE_UINT:
	case VALUE_SIZE:
		if (number_parse(value, s->min, s->max, &number) != 0) {
			fprintf(stderr,
				"ipseccmd-server: %s: invalid %s '%s': give a "
				"number from %llu to %llu\n",
				where, s->name, value, s->min, s->max);
			return -1;
		}
		if (s->kind == VALUE_UINT)
			*(unsigned *)(void *)base = (unsigned)number;
		else
			*(size_t *)(void *)base = (size_t)number;
		return 0;
	}
	return -1;
}

static const struct setting *setting_find(const char *name)
{
	for (size_t i = 0; i < SETTING_COUNT; i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	return NULL;
}

struct load_ctx {
	struct server_config *cfg;
	const char *path;
};

/* Apply one "name = value" line of the file; reports and returns -1 when
 * the line is rejected. */
static int config_apply_line(void *ctx, const char *key, const char *value,
			     unsigned lineno)
{
	struct load_ctx *load = ctx;
	const struct setting *s = setting_find(key);
	char where[512];

	snprintf(where, sizeof(where), "%s:%u", load->path, lineno);
	if (!s || (!value && s->kind != VALUE_FLAG)) {
		fprintf(stderr,
			"ipseccmd-server: %s: unknown setting or missing "
			"'= value' in '%s'\n",
			where, key);
		return -1;
	}
	return setting_apply(load->cfg, s, value ? value : "", where);
}

/* Read "name = value" lines; '#' starts a comment line. */
static int config_file_read(struct server_config *cfg, const char *path,
			    int must_exist)
{
	struct load_ctx load = { cfg, path };
	int ret = conffile_read(path, config_apply_line, &load);

	if (ret == -ENOENT && !must_exist)
		return 0;
	if (ret < 0) {
		fprintf(stderr, "ipseccmd-server: unable to read '%s': %s\n",
			path, strerror(-ret));
		return -1;
	}
	return ret == CONFFILE_REJECTED ? -1 : 0;
}

static int defaults_fill(struct server_config *cfg)
{
	for (size_t i = 0; i < SETTING_COUNT; i++) {
		char **slot;
		const char *value;

		if (settings[i].kind != VALUE_STRING)
			continue;
		slot = (char **)(void *)((char *)cfg + settings[i].offset);
		value = default_string(cfg, settings[i].offset);
		if (!*slot && value && !(*slot = strdup(value)))
			return -1;
	}
	return 0;
}

static int config_check(const struct server_config *cfg)
{
	const char *missing = !cfg->cert	  ? "cert"
			      : !cfg->key	  ? "key"
			      : !cfg->client_ca ? "client-ca"
						  : NULL;

	if (missing) {
		fprintf(stderr, "ipseccmd-server: missing setting '%s': give "
				"--%s=FILE or set it in the config file\n",
			missing, missing);
		return -1;
	}
	if (strcmp(cfg->sync, "normal") != 0 && strcmp(cfg->sync, "full") != 0) {
		fprintf(stderr, "ipseccmd-server: invalid sync '%s': use normal "
				"or full\n",
			cfg->sync);
		return -1;
	}
	return 0;
}

int server_config_load(struct server_config *cfg, int argc, char **argv)
{
	struct option options[SETTING_COUNT + 3];
	const char *config_path = NULL;
	int opt;

	for (size_t i = 0; i < SETTING_COUNT; i++)
		options[i] = (struct option){
			settings[i].name,
			settings[i].kind == VALUE_FLAG ? no_argument
						       : required_argument,
			NULL, (int)(i + 256)
		};
	options[SETTING_COUNT] = (struct option){ "config", required_argument,
						  NULL, 'c' };
	options[SETTING_COUNT + 1] = (struct option){ "help", no_argument, NULL,
						      'h' };
	options[SETTING_COUNT + 2] = (struct option){ 0 };

	/* First pass: only --config and --help, so the file comes first. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 1;
		}
		if (opt == 'c')
			config_path = optarg;
	}
	if (config_file_read(cfg, config_path ? config_path
					      : SERVER_CONFIG_DEFAULT,
			     config_path != NULL) != 0)
		return -1;

	optind = 1;
	opterr = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'c')
			continue;
		if (opt < 256) {
			usage(stderr);
			return -1;
		}
		if (setting_apply(cfg, &settings[opt - 256], optarg ? optarg : "",
				  "command line") != 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "ipseccmd-server: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return -1;
	}
	if (defaults_fill(cfg) != 0)
		return -1;
	return config_check(cfg);
}

void server_config_free(struct server_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < SETTING_COUNT; i++)
		if (settings[i].kind == VALUE_STRING)
			free(*(char **)(void *)((char *)cfg + settings[i].offset));
	for (size_t i = 0; i < cfg->admin_fingerprint_count; i++)
		free(cfg->admin_fingerprints[i]);
	free(cfg->admin_fingerprints);
	memset(cfg, 0, sizeof(*cfg));
}
