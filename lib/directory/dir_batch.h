/* LDAP updates collected first and then sent in order. */
#ifndef IPSECCMD_DIR_BATCH_H
#define IPSECCMD_DIR_BATCH_H

#include "dir_internal.h"

enum batch_kind { BATCH_ADD, BATCH_MODIFY, BATCH_DELETE };

struct batch_op {
	enum batch_kind kind;
	char *dn;
	LDAPMod **mods;		/* NULL-terminated; NULL for a delete */
	char *assertion;	/* RFC 4528 filter the entry must match */
};

struct batch {
	struct batch_op *ops;
	size_t count;
};

void batch_free(struct batch *b);

/* Queue the add of e, or a modify replacing each attribute of e (an
 * attribute without values is deleted). The values move out of e. */
int batch_add(struct batch *b, struct dir_entry *e);
int batch_replace(struct batch *b, struct dir_entry *e);
int batch_delete(struct batch *b, const char *dn);

/* Queue a delete that takes effect only while the entry matches filter
 * (the assertion control, RFC 4528); otherwise it fails with
 * DIR_ERR_CONFLICT. */
int batch_delete_if(struct batch *b, const char *dn, const char *filter);

/* Queue a modify with one mod: LDAP_MOD_ADD, _DELETE or _REPLACE of one
 * value (NULL: all values, for a delete or replace). */
int batch_value(struct batch *b, const char *dn, int mod_op,
		const char *attr, const char *value);

/* Queue the version step of a policy from old to new as one modify that
 * fails with DIR_ERR_CONFLICT when the version is no longer old. */
int batch_version(struct batch *b, const char *policy_dn, uint64_t old,
		  uint64_t new);


/*
 * Send the queued updates one by one, each after the result of the one
 * before, and stop at the first failure. With tolerate_missing an entry
 * or value that is already gone (or already there) counts as done.
 */
int batch_run_plain(struct dir_conn *conn, const struct batch *b,
		    bool tolerate_missing);

#endif
