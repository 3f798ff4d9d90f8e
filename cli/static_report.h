/* Success messages of static mode, shared by the local store and the
 * directory. */
#ifndef IPSECCMD_STATIC_REPORT_H
#define IPSECCMD_STATIC_REPORT_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The changes of one static-mode write, as the success lines name them. */
struct static_change {
	const char *where;	/* "dc=example,dc=com", "local store DIR" */
	const char *host;	/* --host of -x / -y, or NULL */
	const char *group;	/* --group of -x / -y, or NULL */
	uint64_t version;	/* policy version after the write */
	bool rule_existed;	/* the -r rule was in the policy before */
	bool not_assigned;	/* -y found the policy not assigned there */
	char *const *lost;	/* after -o: what had the policy assigned */
	size_t lost_count;
};

/* Print one line per change on stdout ("policy 'P' version 7 in
 * dc=example,dc=com: rule 'R' added"), and after -o a warning on stderr
 * naming what lost the policy's assignment. */
void static_changes_print(const struct command *cmd,
			  const struct static_change *c);

#endif
