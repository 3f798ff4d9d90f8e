/*
 * Shared by the directory library's source files; not part of the
 * interface in directory.h.
 */
#ifndef IPSECCMD_DIR_INTERNAL_H
#define IPSECCMD_DIR_INTERNAL_H

#include "directory.h"

#include <ldap.h>

struct dir_conn {
	LDAP *ld;
	char *base;		/* the directory base DN */
	char *root;		/* cn=IP Security,cn=System,base */
	char message[512];
};

/* Store a one-line message in conn and return code. */
int dir_fail(struct dir_conn *conn, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Map an LDAP result code to an enum dir_error code. */
int dir_code_from_ldap(int rc);

/*
 * Store "WHAT: REASON" for a failed LDAP operation, where REASON is
 * ldap_err2string(rc) plus the server's diagnostic message when there is
 * one, and return the mapped code.
 */
int dir_fail_ldap(struct dir_conn *conn, int rc, const char *diagnostic,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The ipsecIKEVersion value of a version: "1" or "2". */
const char *dir_ike_text(enum ike_protocol_version v);

/* Check a name's length; DIR_ERR_NAME_TOO_LONG or DIR_ERR_USAGE (empty). */
int dir_check_name(struct dir_conn *conn, const char *kind, const char *name);

/* DN of "attr=value,parent" built by libldap, value taken as is;
 * malloc'd in *dn. */
int dir_dn_child(struct dir_conn *conn, const char *parent, const char *attr,
		 const char *value, char **dn);

/* "(attr=value)" with value escaped by libldap; malloc'd in *filter. */
int dir_filter_eq(struct dir_conn *conn, const char *attr, const char *value,
		  char **filter);

/* One entry to write: attribute values as NULL-terminated arrays that
 * LDAPMod takes directly. */
struct dir_attr {
	char *name;
	char **values;		/* NULL-terminated; NULL when count is 0 */
	size_t count;
	size_t capacity;	/* slots allocated in values */
};

struct dir_entry {
	char *dn;
	struct dir_attr *attrs;
	size_t count;
};

/* Append a copy of value to attribute name, creating the attribute. */
int dir_entry_add(struct dir_entry *e, const char *name, const char *value);
/* Append value itself (taken over, freed by dir_entry_free). */
int dir_entry_take(struct dir_entry *e, const char *name, char *value);
/* Make sure the attribute exists, possibly with no values, so a replace
 * deletes it. */
int dir_entry_touch(struct dir_entry *e, const char *name);
void dir_entry_free(struct dir_entry *e);

/* Read the values of one attribute of one entry (base scope), each
 * malloc'd; DIR_ERR_NOT_FOUND when the entry does not exist. */
int dir_read_attr(struct dir_conn *conn, const char *dn, const char *attr,
		  char ***values, size_t *count);

enum dir_rule_entry { DIR_NFA, DIR_FILTERS, DIR_ACTION, DIR_MAIN_MODE,
		      DIR_RULE_ENTRIES };

/* New DNs for the four entries of a rule in container (the parent of the
 * policy entry), named cn=ipsecNFA{UUID} and so on; each malloc'd. */
int dir_rule_dns_new(struct dir_conn *conn, const char *container,
		     char *dns[DIR_RULE_ENTRIES]);

/*
 * Build the four entries of one rule at dns, limited to the parts in
 * `parts` (enum rule_part bits; all bits for a new rule). Every entry gets
 * ipsecOwnerReference; with with_class the objectClass, naming values and
 * links too, for an add. Secrets are written in clear: the access rules
 * protect ipsecAuthMethod.
 */
int dir_rule_entries(const char *policy_dn, char *const dns[DIR_RULE_ENTRIES],
		     const char *rule_name, const struct rule_spec *rule,
		     unsigned parts, bool with_class,
		     struct dir_entry out[DIR_RULE_ENTRIES]);

/* Read every attribute of one entry of a rule into rule. */
int dir_rule_read(struct dir_conn *conn, LDAP *ld, LDAPMessage *entry,
		  struct rule_spec *rule);

/* The DN as libldap prints it and the DN of its parent, so DNs from
 * different places compare as plain strings; both malloc'd. */
int dir_dn_split(const char *dn, char **self, char **parent);

/* A sorted set of DNs in the form dir_dn_split prints, for lookups of
 * DNs that may be written differently; free with dir_names_free. */
int dir_dn_set_new(char *const *dns, size_t n, char ***set);
bool dir_dn_set_has(char *const *set, size_t n, const char *dn);

#endif
