/*
 * Key exchange for the applied rules: after each apply the agent loads one
 * swanctl connection per negotiated rule into a running charon (agent/ike)
 * and keeps, per rule, what charon does differently from the rule.
 */
#ifndef IPSECCMD_AGENT_KEYING_H
#define IPSECCMD_AGENT_KEYING_H

#include "compile.h"
#include "config.h"

#include <jansson.h>

/*
 * Build the swanctl configuration of rules, and with cfg->ike write it to
 * cfg->ike_swanctl_dir and load what changed into charon. policy names the
 * applied policy (NULL for none); host gives this host's addresses, which
 * tell the inbound half of a tunnel pair. The per-rule results (connection,
 * note, weak) are saved where the status request and reports read them
 * with keying_results_read(). charon not running is logged once and is not
 * an error: everything is loaded once it responds again. Returns 0 or a
 * negative errno, logged.
 */
int keying_sync(const struct agent_config *cfg, const char *policy,
		const struct spd_rule_ref *rules, size_t count,
		const struct spd_host *host);

/* Return the per-rule results of the last keying_sync(): an array of
 * {"name", "connection", "note", "weak"} objects, [] when none. */
json_t *keying_results_read(const struct agent_config *cfg);

/* Load what charon has not received because it did not respond at the
 * last apply, or restarted since; nothing when ike = no or all is loaded.
 * The agent calls it at each poll. */
void keying_retry(const struct agent_config *cfg);

/* Read charon's SAs and counters through swanctl for the report's "ike"
 * member (lib/report/charon.h). NULL when ike = no or charon does not
 * respond. */
json_t *keying_ike_collect(const struct agent_config *cfg);

/* The per-rule results with "ike_sa" added from ike (a keying_ike_collect()
 * result or NULL): "established", "connecting" or "none". */
json_t *keying_rules_status(const struct agent_config *cfg, const json_t *ike);

#endif
