/*
 * The agent's settings: /etc/ipseccmd/agent.conf (key = value lines) with
 * command-line options on top. Every key has a default, so an empty or
 * missing file gives a working agent; docs/agent.md lists each key.
 */
#ifndef IPSECCMD_AGENT_CONFIG_H
#define IPSECCMD_AGENT_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define AGENT_CONFIG_PATH "/etc/ipseccmd/agent.conf"

enum bind_method { BIND_EXTERNAL, BIND_SIMPLE };

struct agent_config {
	char *directory_uri;	/* empty: LDAPURI or ldap.conf's URI */
	char *directory_base;	/* empty: LDAPBASE or ldap.conf's BASE */
	char *host_name;	/* empty: gethostname() */
	bool starttls;		/* require StartTLS on ldap:// */
	enum bind_method bind_method;
	char *bind_dn;		/* simple bind only; empty: the host entry */
	char *password_file;
	char *tls_cert;
	char *tls_key;
	char *tls_ca;
	char *state_dir;
	char *control_socket;
	char *control_group;	/* empty: root only */
	char *report_url;	/* empty: no report server */
	uint32_t poll_seconds;	/* 0: the assigned policy's PollInterval */
	uint32_t poll_jitter_percent;
	uint32_t full_poll_every;	/* 0: only at start, refresh, reconnect */
	bool sync;			/* RFC 4533 change notification */
	uint32_t retry_min_seconds;
	uint32_t retry_max_seconds;
	uint32_t network_timeout_seconds;
	bool lockout_protection;
	uint32_t rollback_seconds;	/* 0: no reachability check */
	bool apply_cache_at_start;
	bool ike;			/* load rules into a running charon */
	char *ike_swanctl_dir;		/* swanctl folder the agent writes */
	char *ike_strongswan_conf;	/* STRONGSWAN_CONF for swanctl */
	char *ike_vici_uri;		/* charon's VICI socket */
	char *ike_host_cert;		/* empty: no certificate rules */
	char *ike_host_key;
	char *ike_fleet_ca;		/* issuer of machine certificates,
					 * trusted for -a kerberos */
	char *ike_ca_files;		/* further trusted CAs, separated by
					 * commas */
	int log_level;			/* enum log_level */
	char *config_path;		/* where the settings came from */
};

/* Fill *cfg with every default. Returns 0, or -ENOMEM. */
int config_set_defaults(struct agent_config *cfg);

/* Release every string; NULL-safe and idempotent. */
void config_free(struct agent_config *cfg);

/*
 * Set one key from its text value. Returns 0, -ENOENT for an unknown key or
 * -EINVAL for a value out of range. On error *why points to a static
 * phrase that tells what to write instead.
 */
int config_set(struct agent_config *cfg, const char *key, const char *value,
	       const char **why);

/*
 * Read key = value lines from `path` into *cfg. Blank lines and lines
 * starting with '#' are skipped. A missing file is not an error when
 * `missing_ok` is set. Every bad line is logged with its line number. The
 * return value is 0, or -EINVAL after all lines were read, or -errno when
 * the file cannot be read.
 */
int config_load(struct agent_config *cfg, const char *path, bool missing_ok);

/* Write every key with its current value in the config file's syntax. */
void config_print(const struct agent_config *cfg, FILE *out);

/* The number of keys and the i-th key's name, for command-line options. */
size_t config_key_count(void);
const char *config_key_name(size_t i);

/* Paths derived from state_dir, malloc'd; NULL on allocation failure. */
char *config_state_path(const struct agent_config *cfg, const char *name);

#endif
