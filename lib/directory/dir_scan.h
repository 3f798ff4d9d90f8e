/* The state of a stored policy that a writer reads before changing it. */
#ifndef IPSECCMD_DIR_SCAN_H
#define IPSECCMD_DIR_SCAN_H

#include "dir_internal.h"

/* A stored rule: its name and the DNs of its four entries. */
struct scan_rule {
	char *name;
	char *dns[DIR_RULE_ENTRIES];
};

struct policy_scan {
	bool exists;
	uint64_t version;
	char *container;	/* parent of the policy entry */
	struct scan_rule *rules;	/* rules the policy links to */
	size_t rule_count;
	char **owned;		/* every entry that names the policy as owner */
	size_t owned_count;
	char **garbage;		/* owned, reached by no linked rule, and older
				 * than SCAN_GRACE_SECONDS */
	size_t garbage_count;
};

/*
 * Unlinked parts younger than this may belong to a writer that has not
 * linked them yet, so they are left alone. Older ones are leftovers of a
 * write that was cut short.
 */
#define SCAN_GRACE_SECONDS 600

/* Read the policy's version, links and parts; s->exists is false when
 * the policy entry does not exist. */
int policy_scan(struct dir_conn *conn, const char *policy_dn,
		struct policy_scan *s);
void scan_free(struct policy_scan *s);
const struct scan_rule *scan_rule_find(const struct policy_scan *s,
				       const char *name);

#endif
