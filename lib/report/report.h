/*
 * Report documents for ipseccmd-server (schema: docs/reporting.md).
 *
 * The agent calls report_build() after each apply and at each poll with
 * what it applied; the builder adds the live kernel counters itself. The
 * document then goes to a report client (report_client.h), which queues
 * it on disk and sends it.
 */
#ifndef IPSECCMD_REPORT_H
#define IPSECCMD_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Version of the report document; a reader rejects a greater major one. */
#define REPORT_SCHEMA_VERSION 1

/* Longest host name the server accepts, as in DNS (RFC 1035). */
#define REPORT_HOST_MAX 253

enum report_event {
	REPORT_EVENT_APPLY,	/* a policy was just applied */
	REPORT_EVENT_POLL,	/* periodic report, nothing changed */
};

enum report_rule_status {
	REPORT_RULE_APPLIED,
	REPORT_RULE_SKIPPED,	/* not applied on purpose; reason says why */
	REPORT_RULE_FAILED,	/* applying it failed; reason has the error */
};

struct report_rule {
	const char *name;
	enum report_rule_status status;
	const char *reason;	/* NULL for REPORT_RULE_APPLIED */
};

/* Key exchange of one rule; every member may be NULL or false. */
struct report_rule_ike {
	const char *connection;	/* the swanctl connection that keys it */
	const char *ike_sa;	/* "established", "connecting" or "none" */
	const char *note;	/* what charon does differently from it */
	bool weak;		/* an offer uses a weak algorithm */
};

/*
 * What the agent applied. Every pointer is borrowed for the duration of
 * report_build(). `policy` is NULL when no policy is assigned to the host.
 */
struct report_input {
	const char *host;
	enum report_event event;
	const char *policy;
	uint64_t policy_version;
	const char *apply_error;	/* whole-apply failure, or NULL */
	const struct report_rule *rules;
	size_t rule_count;
	/* rule_ike[i] belongs to rules[i]; NULL when nothing is keyed. */
	const struct report_rule_ike *rule_ike;
	const char *const *exemptions;	/* traffic left clear on purpose */
	size_t exemption_count;
	const char *agent_version;
	uint64_t agent_uptime_seconds;
	/* Counters of the key-exchange daemon (charon), or NULL when none
	 * runs; copied into the "ike" member as given. */
	const json_t *ike;
};

/* Sources of the live counters; report_sources_default() gives the real
 * kernel, tests point stat_path at a file and skip the netlink dump. */
struct report_sources {
	const char *stat_path;
	int skip_dump;
};

void report_sources_default(struct report_sources *sources);

/*
 * Build a report document from `in` plus the kernel's XFRM counters read
 * now. A counter source that cannot be read becomes null in the document
 * and its reason goes to "xfrm.errors", so the report still goes out.
 * Returns a new reference, or NULL with one line in `err` when the input
 * is invalid (empty or overlong host, a rule without a name).
 */
json_t *report_build(const struct report_input *in,
		     const struct report_sources *sources, char *err,
		     size_t errlen);

/* Overall result of a report: "applied", "partial", "failed" or "none". */
const char *report_result_name(const struct report_input *in);

/*
 * Check that a received document follows the schema far enough for the
 * server to store it: an object with integer schema_version 1, a string
 * host, a string result of the known values, an object or null policy
 * with string name and integer version, and arrays where arrays belong.
 * Returns 0, or -1 with one line in `err` naming the member.
 */
int report_validate(const json_t *doc, char *err, size_t errlen);

#endif
