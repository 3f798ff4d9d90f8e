#include "agent.h"

#include "cache.h"
#include "effective.h"
#include "enforce.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Dynamic rules from the control socket and from the host's directory
 * entry, in that order. */
static json_t *dynamic_all(const struct agent *agent)
{
	json_t *all = json_deep_copy(agent->dyn.rules);

	if (all && json_is_array(agent->host_dynamic) &&
	    json_array_extend(all, agent->host_dynamic) < 0) {
		json_decref(all);
		return NULL;
	}
	return all;
}

/*
 * After a change, check that a new connection to the directory still
 * works, retrying each second until rollback_seconds pass. Loopback
 * traffic bypasses XFRM, so this only proves something for a remote
 * directory.
 */
static int reachable_within(const struct agent *agent)
{
	double deadline = agent_now() + agent->cfg.rollback_seconds;
	int ret;

	for (;;) {
		ret = source_probe(&agent->cfg);
		if (ret == 0 || agent_now() >= deadline)
			return ret;
		sleep(1);
	}
}

static void log_applied(const json_t *effective, const char *what)
{
	log_info("apply", "%s policy '%s' version %lld (origin %s) with %zu "
		 "dynamic rules", what, effective_policy_name(effective),
		 (long long)effective_policy_version(effective),
		 json_string_value(json_object_get(effective, "origin")),
		 json_array_size(json_object_get(effective, "dynamic")));
}

/* Apply the previous policy again after a failed or rolled-back change. */
static void restore_previous(struct agent *agent)
{
	json_t *none = NULL;
	const json_t *previous = agent->applied;

	if (!previous) {
		none = effective_compose(NULL, NULL, NULL, NULL);
		previous = none;
	}
	if (previous && enforce_apply(&agent->cfg, previous) == 0)
		log_applied(previous, "restored");
	else
		log_error("apply", "unable to restore the previous policy; "
			  "the kernel may hold part of the new one");
	json_decref(none);
}

int agent_update(struct agent *agent, bool check_reachable)
{
	json_t *dynamic = dynamic_all(agent);
	json_t *next = NULL;
	int ret = -ENOMEM;

	if (!dynamic)
		goto out;
	/* A local policy assigned in the host's directory entry (`ipseccmd
	 * -w reg:HOST`) wins over the one in this host's store. */
	next = effective_compose(agent->assigned, agent->assigned_from,
				 agent->local_entry ? agent->local_entry
						    : agent->local_store,
				 dynamic);
	if (!next)
		goto out;
	/* Keep what came from the host's directory entry apart as well, so a
	 * restart without the directory can compose the same policy again. */
	if (json_object_set_new(next, "host_entry", json_pack(
			"{s:O?, s:O?}", "local_policy", agent->local_entry,
			"dynamic", agent->host_dynamic)) < 0)
		goto out;
	if (agent->applied && json_equal(next, agent->applied)) {
		ret = 0;
		goto out;
	}
	if (agent->rejected && json_equal(next, agent->rejected)) {
		log_debug("apply", "policy '%s' version %lld was rolled back "
			  "before; waiting for a new version",
			  effective_policy_name(next),
			  (long long)effective_policy_version(next));
		ret = 0;
		goto out;
	}

	ret = enforce_apply(&agent->cfg, next);
	if (ret < 0) {
		log_error("apply", "failed to apply policy '%s' version %lld; "
			  "restoring the previous one",
			  effective_policy_name(next),
			  (long long)effective_policy_version(next));
		restore_previous(agent);
		reporter_send(agent->reporter, &agent->cfg, next, true,
			      "the kernel rejected the policy; the previous "
			      "one was restored");
		goto out;
	}
	log_applied(next, "applied");

	if (check_reachable && agent->cfg.rollback_seconds > 0 &&
	    source_connected(agent->src)) {
		ret = reachable_within(agent);
		if (ret < 0) {
			log_error("apply", "directory '%s' unreachable %u s "
				  "after applying policy '%s' version %lld: "
				  "rolling back", source_uri(agent->src),
				  agent->cfg.rollback_seconds,
				  effective_policy_name(next),
				  (long long)effective_policy_version(next));
			restore_previous(agent);
			reporter_send(agent->reporter, &agent->cfg, next, true,
				      "rolled back: the directory did not "
				      "answer a new connection after the "
				      "apply");
			json_decref(agent->rejected);
			agent->rejected = next;
			next = NULL;
			ret = -ECONNREFUSED;
			goto out;
		}
	}

	cache_save(agent->cache_path, next);
	reporter_send(agent->reporter, &agent->cfg, next, true, NULL);
	json_decref(agent->applied);
	agent->applied = next;
	next = NULL;
	json_decref(agent->rejected);
	agent->rejected = NULL;
	ret = 0;
out:
	json_decref(dynamic);
	json_decref(next);
	return ret;
}
