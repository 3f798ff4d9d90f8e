#include "handlers.h"

#include "agent.h"
#include "effective.h"
#include "enforce.h"
#include "keying.h"
#include "log.h"

#include "statefile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_t *reply_error(const char *message)
{
	return json_pack("{s:b, s:s}", "ok", 0, "error", message);
}

/* The exemptions enforce.c saved with the last apply; [] when none. */
static json_t *exemptions_read(const struct agent *agent)
{
	char *path = config_state_path(&agent->cfg, "exemptions");
	json_t *list = statefile_read_json(path);

	free(path);
	if (!json_is_array(list)) {
		json_decref(list);
		list = json_array();
	}
	return list;
}

json_t *agent_status(const struct agent *agent)
{
	const json_t *applied = agent->applied;
	json_t *ike = keying_ike_collect(&agent->cfg);

	/* "rules" lists what charon does with each rule. "ike" contains
	 * charon's SAs and counters, or null when key exchange is off or
	 * charon does not respond. */
	return json_pack(
		"{s:b, s:I, s:s, s:s?, s:I, s:s?, s:s, s:b, s:s?, s:I, s:I, "
		"s:b, s:o, s:o, s:o}",
		"ok", 1, "pid", (json_int_t)getpid(),
		"origin", applied ? json_string_value(json_object_get(
					    applied, "origin")) : "none",
		"policy", applied ? effective_policy_name(applied) : NULL,
		"version", applied ? effective_policy_version(applied)
				   : (json_int_t)0,
		"assigned_from", agent->assigned_from,
		"directory", source_uri(agent->src),
		"connected", source_connected(agent->src),
		"host_dn", source_host_dn(agent->src),
		"dynamic_rules",
		(json_int_t)json_array_size(agent->dyn.rules),
		"last_poll", (json_int_t)agent->last_poll,
		"rolled_back", agent->rejected != NULL,
		"exemptions", exemptions_read(agent),
		"rules", keying_rules_status(&agent->cfg, ike),
		"ike", ike ? ike : json_null());
}

/* "refresh" reads the assignment and the host entry again; "poll" is the
 * periodic poll run now, one version read when nothing changed. */
static json_t *handle_refresh(struct agent *agent, bool full)
{
	int ret;

	if (full)
		agent->assignment_due = true;
	ret = agent_poll(agent);
	if (ret < 0)
		return reply_error(ret == -ECONNREFUSED
			? "the new policy cut off the directory and was "
			  "rolled back; see the agent's log"
			: "the directory did not answer; the agent keeps "
			  "enforcing the applied policy and retries");
	return agent_status(agent);
}

static json_t *handle_add(struct agent *agent, const json_t *request)
{
	const json_t *rules = json_object_get(request, "rules");
	const char *why = NULL;
	json_t *before = NULL, *reply = NULL;
	int ret;

	if (!json_is_array(rules) || json_array_size(rules) == 0)
		return reply_error("invalid request: 'rules' must be a "
				   "non-empty array");
	why = enforce_check_rules(rules);
	if (why)
		return reply_error(why);
	before = json_deep_copy(agent->dyn.rules);
	if (!before)
		return NULL;
	ret = dynrules_add(&agent->dyn, rules);
	if (ret < 0) {
		reply = reply_error("unable to save the dynamic rules; see the "
				    "agent's log");
		goto out;
	}

	/* Rules the kernel rejected, or that cut off the directory, are
	 * taken out again so they do not come back at the next restart. */
	ret = agent_update(agent, true);
	if (ret < 0) {
		log_error("dynamic", "removed the %zu dynamic rules just added "
			  "because applying them failed",
			  json_array_size(rules));
		dynrules_replace(&agent->dyn, before);
		agent_update(agent, false);
		reply = reply_error(ret == -ECONNREFUSED
			? "the rules cut off the directory and were rolled "
			  "back; see the agent's log"
			: "the kernel rejected the rules; see the agent's log");
		goto out;
	}
	log_info("dynamic", "added %zu dynamic rules, %zu in total",
		 json_array_size(rules), json_array_size(agent->dyn.rules));
	reply = json_pack("{s:b, s:I}", "ok", 1, "dynamic_rules",
			  (json_int_t)json_array_size(agent->dyn.rules));
out:
	json_decref(before);
	return reply;
}

/* Drop preshared keys from a copy of the rules: members of control_group
 * may list the rules but not read the keys. */
static json_t *rules_redacted(const json_t *rules)
{
	json_t *copy = json_deep_copy(rules);
	size_t i, j;
	json_t *rule, *auth;

	json_array_foreach(copy, i, rule) {
		json_array_foreach(json_object_get(rule, "auth"), j, auth) {
			if (json_object_get(auth, "key")) {
				json_object_del(auth, "key");
				json_object_set_new(auth, "key_redacted",
						    json_true());
			}
		}
	}
	return copy;
}

static json_t *handle_delete_all(struct agent *agent)
{
	int removed = dynrules_clear(&agent->dyn);

	if (removed < 0)
		return reply_error("unable to save the dynamic rules; see the "
				   "agent's log");
	log_info("dynamic", "removed all %d dynamic rules", removed);
	agent_update(agent, false);
	return json_pack("{s:b, s:i}", "ok", 1, "removed", removed);
}

json_t *handlers_dispatch(void *ctx, const json_t *request, uid_t peer)
{
	struct agent *agent = ctx;
	const char *command = json_string_value(
		json_object_get(request, "command"));

	if (!command)
		return reply_error("invalid request: missing 'command'");
	log_debug("control", "request '%s' from uid %ld", command, (long)peer);

	if (strcmp(command, "status") == 0)
		return agent_status(agent);
	if (strcmp(command, "refresh") == 0)
		return handle_refresh(agent, true);
	if (strcmp(command, "poll") == 0)
		return handle_refresh(agent, false);
	if (strcmp(command, "add") == 0)
		return handle_add(agent, request);
	if (strcmp(command, "delete-all") == 0)
		return handle_delete_all(agent);
	if (strcmp(command, "list") == 0)
		return json_pack("{s:b, s:o}", "ok", 1, "rules",
				 rules_redacted(agent->dyn.rules));
	log_warning("control", "unknown request '%s' from uid %ld", command,
		    (long)peer);
	return reply_error("unknown command: use status, refresh, poll, add, "
			   "delete-all or list");
}
