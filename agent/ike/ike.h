/*
 * Key exchange through strongSwan: each negotiated rule becomes a swanctl
 * connection whose CHILD_SA installs no kernel policies (`policies = no`)
 * and carries the reqid of the rule's XFRM templates. The agent owns the
 * whole SPD; the kernel's ACQUIRE for that reqid makes charon negotiate,
 * and charon installs only the SAs.
 *
 * Building is pure (no files, no processes) so unit tests check the text;
 * writing and loading are separate steps. docs/ike.md gives the mapping of
 * every ipseccmd option to strongSwan settings.
 */
#ifndef IPSECCMD_IKE_H
#define IPSECCMD_IKE_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IKE version of a rule's connection. */
enum ike_version {
	IKE_VERSION_DEFAULT = 0,	/* IKEv2 */
	IKE_VERSION_1 = 1,		/* IKEv1 Main Mode + Quick Mode */
	IKE_VERSION_2 = 2,
};

/* One rule to key: its names, its settings and the reqid that the rule's
 * XFRM templates carry (spd_rule_reqid() in agent/xfrm/compile.h). */
struct ike_rule_ref {
	const char *policy;	/* policy name, or NULL for dynamic rules */
	const char *name;	/* rule name */
	const struct rule_spec *rule;
	uint32_t reqid;		/* nonzero */
	enum ike_version version;
	/* -t names this host: the inbound half of a Windows tunnel pair. It
	 * gets no connection, because IKE negotiates both directions for
	 * the rule whose -t names the peer. */
	bool tunnel_to_self;
};

/*
 * Credential files of the host, as absolute paths of PEM files; any may be
 * NULL when no rule needs it. Certificate authentication (-a cert:"DN")
 * trusts the CA certificates in ca_files and requires the named DN in the
 * peer's chain. Kerberos (-a kerberos) has no Linux IKE daemon, so it
 * maps to the host's machine certificate, issued by the fleet CA, and
 * requires the peer's certificate to chain to that same CA.
 */
struct ike_credentials {
	const char *host_cert;	/* this host's machine certificate */
	const char *host_key;	/* its private key; never copied, linked */
	const char *fleet_ca;	/* CA that issues the machine certificates */
	const char *const *ca_files;	/* further trusted CA certificates */
	size_t ca_count;
};

/* Outcome of building one rule. */
struct ike_rule_result {
	char *conn;		/* swanctl connection name, or NULL when the
				 * rule needs no key exchange or cannot have
				 * one */
	char *note;		/* one line for show and reports about what
				 * charon does differently from the rule, or
				 * NULL */
	bool weak;		/* an offer uses a weak algorithm */
};

/*
 * The generated configuration. `conns` is swanctl.conf text with the
 * connections and authorities and no secret. `secrets` is the secrets
 * section with the preshared keys in hex, for a file only root can read.
 * results[i] belongs to rules[i].
 */
struct ike_config {
	char *conns;
	char *secrets;
	struct ike_rule_result *results;
	size_t count;
};

/*
 * Build the configuration for rules. Rules that block or permit, and
 * filters written as ( ) or [ ], need no key exchange and get no
 * connection. Returns 0, -EINVAL when a rule has reqid 0 or two rules
 * share a reqid, or -ENOMEM; on error *out is empty.
 */
int ike_config_build(const struct ike_rule_ref *rules, size_t count,
		     const struct ike_credentials *creds,
		     struct ike_config *out);

/* Release a configuration, wiping the secrets; NULL is a no-op. */
void ike_config_free(struct ike_config *cfg);

/* Parts of a written configuration that differ from what was on disk. */
enum ike_change {
	IKE_CHANGED_CONNS = 1u << 0,
	IKE_CHANGED_SECRETS = 1u << 1,
};

/*
 * Write cfg into the swanctl directory dir as conf.d/ipseccmd.conf (mode
 * 0644) and ipseccmd.secrets (mode 0600, included from the first), each
 * replaced atomically and only when its content changed. The directory's
 * swanctl.conf must include every .conf file in conf.d, as Debian's does;
 * ike_dir_prepare() writes one that does. Links the host key from creds
 * into private/ when it is given. Returns the enum ike_change bits, or a
 * negative errno.
 */
int ike_config_write(const struct ike_config *cfg,
		     const struct ike_credentials *creds, const char *dir);

/* Create dir with the subfolders swanctl reads and a swanctl.conf that
 * includes every .conf file in conf.d. Returns 0 or a negative errno. */
int ike_dir_prepare(const char *dir);

/* How to reach one charon: paths for STRONGSWAN_CONF and SWANCTL_DIR and
 * the VICI URI; NULL takes swanctl's defaults. */
struct ike_daemon {
	const char *strongswan_conf;
	const char *swanctl_dir;
	const char *vici_uri;
	const char *swanctl;	/* program path; NULL: /usr/sbin/swanctl */
};

/*
 * Load what changed (enum ike_change bits) into charon with swanctl:
 * --load-creds for secrets, then --load-authorities and --load-conns for
 * connections. charon keeps the SAs of connections whose configuration did
 * not change. Keys go through files, never through arguments. Returns 0,
 * or -EIO when swanctl fails (its output is logged).
 */
int ike_config_load(const struct ike_daemon *daemon, unsigned changed);

/*
 * Run one read-only swanctl command (--list-sas, --stats, --counters) with
 * --pretty and return its output in *out (free it). Returns 0, or -EIO when
 * swanctl fails, for example because charon is not running or the command
 * needs a plugin charon did not load.
 */
int ike_query(const struct ike_daemon *daemon, const char *command,
	      char **out);

/*
 * Soft SAs (-soft): while no SA exists, the kernel policy lets traffic
 * pass in clear, and the kernel sends the next ACQUIRE only after the
 * larval SA of the last one expires, after net.core.xfrm_acq_expires
 * seconds. That sysctl is the retry period that -1e sets on Windows, but
 * it is one value per network namespace. ike_acquire_expiry() returns
 * the smallest -1e of the rules with -soft that negotiate, or 0 when no
 * such rule exists and the kernel's default (30 s) should stay.
 */
uint32_t ike_acquire_expiry(const struct ike_rule_ref *rules, size_t count);

/* Write seconds to /proc/sys/net/core/xfrm_acq_expires of the caller's
 * network namespace. Returns 0 or a negative errno. */
int ike_acquire_expiry_set(uint32_t seconds);

/*
 * Build, write and load in one step, as the agent does after each apply:
 * ike_dir_prepare() on daemon->swanctl_dir, then ike_config_build(),
 * ike_config_write() and ike_config_load() with what changed. *out gets
 * the configuration with the per-rule results (free it with
 * ike_config_free()) and *changed the enum ike_change bits. Returns 0 or
 * a negative errno; -EIO means swanctl failed and the files are written.
 */
int ike_sync(const struct ike_rule_ref *rules, size_t count,
	     const struct ike_credentials *creds,
	     const struct ike_daemon *daemon, struct ike_config *out,
	     unsigned *changed);

#endif
