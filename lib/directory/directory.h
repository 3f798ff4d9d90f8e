/*
 * ipseccmd policies in an OpenLDAP directory (schema in ldif/).
 *
 * Layout below the base DN (dc=example,dc=com for -w ds:example.com),
 * flat as in Active Directory, so every entry of a policy is a leaf:
 *
 *   cn=IP Security,cn=System,BASE      the root; its ipsecPolicyReference
 *                                      is the domain-wide assignment
 *     cn=Policies                      domain policies, with their parts:
 *       ipsecName=POLICY               ipsecPolicy (version, poll, rules)
 *       cn=ipsecNFA{UUID}              a rule: name, auth, tunnel, links
 *       cn=ipsecFilter{UUID}           its filter list
 *       cn=ipsecNegotiationPolicy{UUID}  its filter action
 *       cn=ipsecISAKMPPolicy{UUID}     its main-mode settings
 *     cn=Hosts
 *       ipsecName=HOST                 ipsecHost: groups, assigned policy,
 *                                      assigned local policy, dynamic rules
 *         ipsecName=POLICY, cn=...     its local policies (-w reg:HOST),
 *                                      laid out as in cn=Policies
 *     cn=Groups
 *       ipsecName=GROUP                ipsecHostGroup: assigned policy
 *
 * Every part of a policy carries ipsecOwnerReference, the policy's DN, so
 * one indexed one-level search finds them all.
 *
 * Every DN is built with libldap (ldap_dn2str) from the names exactly as
 * given, and every filter value is escaped with
 * ldap_bv2escaped_filter_value, so any UTF-8 name round-trips.
 *
 * Functions return 0 (DIR_OK) or an enum dir_error code; the connection
 * then holds a one-line message for the user (dir_message). A struct
 * dir_conn is not thread-safe: use one per thread.
 */
#ifndef IPSECCMD_DIRECTORY_H
#define IPSECCMD_DIRECTORY_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dir_error {
	DIR_OK = 0,
	DIR_ERR_NOMEM,
	DIR_ERR_USAGE,		/* conflicting or malformed options */
	DIR_ERR_PASSWORD_FILE,	/* unreadable, empty, or readable by others */
	DIR_ERR_INSECURE,	/* password over plain LDAP to a remote host */
	DIR_ERR_NO_BASE,	/* no base DN from options, -w ds:DOMAIN or ldap.conf */
	DIR_ERR_UNREACHABLE,	/* server down, wrong URI, TLS failure */
	DIR_ERR_BIND,		/* credentials rejected */
	DIR_ERR_SCHEMA,		/* ipseccmd schema or folders missing */
	DIR_ERR_NOT_FOUND,	/* policy, rule, host or group not found */
	DIR_ERR_NAME_TOO_LONG,	/* a name longer than DIR_NAME_MAX bytes */
	DIR_ERR_BAD_VALUE,	/* a stored value the grammar cannot parse */
	DIR_ERR_ACCESS,		/* the server's access rules forbid it */
	DIR_ERR_CONFLICT,	/* concurrent writers: retries exhausted */
	DIR_ERR_LDAP,		/* any other LDAP failure */
	DIR_ERR_COUNT,
};

/* Longest policy, rule, host or group name, in bytes of UTF-8. */
#define DIR_NAME_MAX 255

/* Short phrase for a code ("directory unreachable"). */
const char *dir_strerror(int code);

/*
 * Connection settings. NULL or false fields fall back to what libldap
 * reads from ldap.conf, ~/.ldaprc and LDAP* environment variables, as
 * ldapsearch does. Exactly one way to authenticate applies: SASL EXTERNAL
 * (peer credentials over ldapi://, or the TLS client certificate), a
 * simple bind with bind_dn and password_file, or an anonymous bind.
 */
struct dir_options {
	const char *uri;	/* --ldap-uri=URI */
	const char *base;	/* --ldap-base=DN: the directory base */
	const char *domain;	/* -w ds:DOMAIN; example.com gives
				 * dc=example,dc=com; must name the same
				 * DN as base when both are given */
	const char *bind_dn;	/* --bind-dn=DN */
	const char *password_file; /* --password-file=FILE, mode 0600 or
				    * stricter; trailing newline ignored */
	bool sasl_external;	/* --sasl-external */
	bool starttls;		/* --starttls: require StartTLS on ldap:// */
	const char *tls_cert;	/* client certificate (PEM) for hosts */
	const char *tls_key;	/* its private key (PEM) */
	const char *tls_ca;	/* CA certificates to trust (PEM) */
};

struct dir_conn;

/*
 * Connect and bind. A simple bind with a password is refused unless the
 * connection is ldapi://, ldaps://, StartTLS, or to 127.0.0.0/8 or ::1.
 * Checks that the ipseccmd folders exist below the base. On failure
 * returns the code, writes one line into msg and leaves *out NULL.
 */
int dir_connect(const struct dir_options *opts, struct dir_conn **out,
		char *msg, size_t msg_size);

/* Unbind and free; NULL is a no-op. */
void dir_close(struct dir_conn *conn);

/* The message of the last failed call on this connection ("" if none). */
const char *dir_message(const struct dir_conn *conn);

/* DN of cn=IP Security,cn=System,BASE. */
const char *dir_root_dn(const struct dir_conn *conn);

/* The directory base DN (dc=example,dc=com). */
const char *dir_base_dn(const struct dir_conn *conn);

/*
 * DN of a policy: a domain policy when host is NULL, else host's local
 * policy. Builds the DN only; nothing is read. *dn is malloc'd.
 */
int dir_policy_dn(struct dir_conn *conn, const char *host,
		  const char *policy, char **dn);

/* DN of a host's or a group's entry, built only; *dn is malloc'd. */
int dir_host_dn(struct dir_conn *conn, const char *host, char **dn);
int dir_group_dn(struct dir_conn *conn, const char *group, char **dn);

/* Find a host's entry by name: DIR_OK with *dn malloc'd, or
 * DIR_ERR_NOT_FOUND. */
int dir_host_find(struct dir_conn *conn, const char *host, char **dn);

/* Read a policy's version with one base-scope read of ipsecVersion. */
int dir_policy_version(struct dir_conn *conn, const char *policy_dn,
		       uint64_t *version);

/*
 * Fetch a whole policy (one subtree search) into *out, rules sorted by
 * name. Preshared keys come back only when the access rules let this
 * bind identity read them. Free with policy_doc_free().
 */
int dir_policy_fetch(struct dir_conn *conn, const char *policy_dn,
		     struct policy_doc *out);

/* Where an assignment comes from, in order of precedence. */
enum dir_scope {
	DIR_SCOPE_NONE,
	DIR_SCOPE_HOST,		/* the host's own entry */
	DIR_SCOPE_GROUP,	/* one of the host's groups */
	DIR_SCOPE_DOMAIN,	/* the cn=IP Security entry */
};

/*
 * Compute the domain policy that applies to a host: its own assignment,
 * else the first of its groups (by group DN order) that has one, else the
 * domain's. *policy_dn is malloc'd, or NULL with *scope DIR_SCOPE_NONE.
 * A host without an entry gets the domain's assignment.
 */
int dir_host_assigned(struct dir_conn *conn, const char *host,
		      char **policy_dn, enum dir_scope *scope);

/*
 * Read the host's assigned local policy (ipsecLocalPolicyReference).
 * *found is false and *out empty when the host has none or has no entry.
 */
int dir_host_local_policy(struct dir_conn *conn, const char *host,
			  struct policy_doc *out, bool *found);

/* Read and replace the host's dynamic rules (ipsecDynamicRule, one
 * JSON object per rule, in order). A host without an entry reads as no
 * rules; the write needs the entry and replaces the whole list. */
int dir_host_dynamic_read(struct dir_conn *conn, const char *host,
			  struct rule_spec **rules, size_t *count);
int dir_host_dynamic_write(struct dir_conn *conn, const char *host,
			   const struct rule_spec *rules, size_t count);

/* Free an array from dir_host_dynamic_read. */
void dir_rules_free(struct rule_spec *rules, size_t count);

/*
 * Targets of -x / -y with -w ds. Precedence when an agent computes its
 * policy: host, then group, then domain.
 */
struct dir_assign_target {
	const char *host;	/* --host=NAME */
	const char *group;	/* --group=NAME */
};

/*
 * Carry out one static-mode command (cmd->mode MODE_STATIC) against the
 * directory. The policy changes all or not at all: one modify of the
 * policy entry checks and steps its version and links the new rule
 * entries (static.c explains why this is not an RFC 5805 transaction).
 * A concurrent writer makes the command read again and retry. With
 * -w reg:HOST the policy is HOST's local policy, -x / -y set its
 * ipsecLocalPolicyReference, and the host entry is created when missing.
 * -x with --host or --group needs an existing host or group.
 */
int dir_static_apply(struct dir_conn *conn, const struct command *cmd,
		     const struct dir_assign_target *target);

/* The changes of one dir_static_apply_report call, for its caller to
 * print. Free with dir_apply_result_free. */
struct dir_apply_result {
	uint64_t version;	/* policy version after the write; 0 after -o
				 * without -r */
	bool rule_existed;	/* the -r rule was in the policy before */
	bool not_assigned;	/* -y found the policy not assigned there */
	char **lost;		/* after -o: "host 'h1'", "group 'G'", "the
				 * domain", ... that had it assigned */
	size_t lost_count;
};

/* dir_static_apply, also filling *result (zeroed first). */
int dir_static_apply_report(struct dir_conn *conn, const struct command *cmd,
			    const struct dir_assign_target *target,
			    struct dir_apply_result *result);

void dir_apply_result_free(struct dir_apply_result *result);

/* Add a host entry (idempotent) and set or clear group membership. */
int dir_host_add(struct dir_conn *conn, const char *host);
int dir_group_add(struct dir_conn *conn, const char *group);
int dir_group_member(struct dir_conn *conn, const char *host,
		     const char *group, bool add);

/* Delete a host's entry and the local policies stored below it. */
int dir_host_delete(struct dir_conn *conn, const char *host);

/* Names of the domain policies (host NULL) or of a host's local policies,
 * sorted; free with dir_names_free. */
int dir_policy_list(struct dir_conn *conn, const char *host, char ***names,
		    size_t *count);
void dir_names_free(char **names, size_t count);

/* Replace a whole policy by doc, creating it when missing (import). The
 * stored version becomes max(old + 1, doc->version). */
int dir_policy_store(struct dir_conn *conn, const char *host,
		     const struct policy_doc *doc);

#endif
