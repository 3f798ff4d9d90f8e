/*
 * Server settings: a config file of "name = value" lines whose names are
 * the long options, then the command line, which wins.
 */
#ifndef IPSECCMD_SERVER_CONFIG_H
#define IPSECCMD_SERVER_CONFIG_H

#include <stddef.h>

#define SERVER_CONFIG_DEFAULT "/etc/ipseccmd/server.conf"

struct server_config {
	char *listen;		/* IPv4 or IPv6 address to bind */
	unsigned port;
	char *port_file;	/* write the bound port here once listening */
	char *cert;		/* server certificate, PEM */
	char *key;		/* its private key, PEM, mode 0600 */
	char *client_ca;	/* CA of host (and admin-OU) certificates */
	char *admin_ca;		/* optional CA whose certificates are admins */
	char *admin_ou;		/* OU that makes a client_ca certificate admin */
	char **admin_fingerprints;	/* SHA-256 hex of admin certificates */
	size_t admin_fingerprint_count;
	char *database;
	char *sync;		/* SQLite synchronous: "normal" or "full" */
	unsigned threads;
	unsigned max_connections;
	unsigned max_per_address;
	unsigned idle_timeout;	/* seconds */
	size_t max_body;	/* bytes */
	unsigned history_days;	/* 0 keeps history without a time limit */
	unsigned history_per_host;	/* 0 keeps no history, only latest */
	unsigned stale_seconds;	/* a host silent this long is "not heard" */
	int verbose;
};

/* Fill in every default. */
void server_config_defaults(struct server_config *cfg);

/*
 * Read the config file named by --config (or the default, if it exists)
 * and then the command line. Returns 0, 1 after printing --help, or -1
 * after printing one line and the usage to stderr.
 */
int server_config_load(struct server_config *cfg, int argc, char **argv);

void server_config_free(struct server_config *cfg);

#endif
