#include "reporter.h"

#include "client.h"
#include "effective.h"
#include "enforce.h"
#include "keying.h"
#include "log.h"
#include "report.h"
#include "statefile.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Time one report send may hold up the agent's loop; what is left waits
 * in the queue for the next report. */
#define REPORT_FLUSH_BUDGET_MS 2000

struct reporter {
	struct report_client *client;
	char host[256];
	time_t started;
};

struct reporter *reporter_new(const struct agent_config *cfg)
{
	struct report_client_config rc = { 0 };
	struct reporter *rep = NULL;
	char *queue = NULL;
	char err[256] = "";

	static bool curl_ready;

	if (!cfg->report_url[0])
		return NULL;
	/* libcurl wants one global initialisation before the first client;
	 * the agent is single-threaded, so a flag is enough. */
	if (!curl_ready && curl_global_init(CURL_GLOBAL_DEFAULT) == 0)
		curl_ready = true;
	queue = config_state_path(cfg, "reports");
	rep = calloc(1, sizeof(*rep));
	if (!queue || !rep)
		goto fail;
	if (cfg->host_name[0])
		snprintf(rep->host, sizeof(rep->host), "%s", cfg->host_name);
	else if (gethostname(rep->host, sizeof(rep->host) - 1) < 0)
		snprintf(rep->host, sizeof(rep->host), "unknown");
	rep->started = time(NULL);

	rc.url = cfg->report_url;
	rc.cert = cfg->tls_cert;
	rc.key = cfg->tls_key;
	rc.ca = cfg->tls_ca;
	rc.queue_dir = queue;
	rep->client = report_client_new(&rc, err, sizeof(err));
	if (!rep->client) {
		log_error("report", "unable to report to '%s': %s",
			  cfg->report_url, err);
		goto fail;
	}
	free(queue);
	return rep;
fail:
	free(queue);
	free(rep);
	return NULL;
}

void reporter_free(struct reporter *rep)
{
	if (!rep)
		return;
	report_client_free(rep->client);
	free(rep);
}

/* Rule names in apply order: the policy's rules, then dynamic-N. */
static size_t rules_fill(const json_t *effective, const char *error,
			 struct report_rule *rules, char **names, size_t max)
{
	const json_t *list = json_object_get(json_object_get(effective,
							     "policy"),
					     "rules");
	size_t dynamic = json_array_size(json_object_get(effective,
							 "dynamic"));
	size_t n = 0;

	for (size_t i = 0; i < json_array_size(list) && n < max; i++) {
		const char *name = json_string_value(json_object_get(
			json_array_get(list, i), "name"));

		names[n] = strdup(name ? name : "(unnamed)");
		rules[n].name = names[n];
		n++;
	}
	for (size_t i = 0; i < dynamic && n < max; i++) {
		if (asprintf(&names[n], "dynamic-%zu", i + 1) < 0)
			names[n] = NULL;
		rules[n].name = names[n] ? names[n] : "dynamic";
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		rules[i].status = error ? REPORT_RULE_FAILED
					: REPORT_RULE_APPLIED;
		rules[i].reason = error;
	}
	return n;
}

/*
 * Mark the rules whose filters installed nothing: skipped when none of
 * them did, applied with a reason when some did. The reasons are written
 * into reasons[], which the caller frees.
 */
static void rules_skips_add(struct report_rule *rules, char **reasons,
			    size_t n, const json_t *skips)
{
	for (size_t i = 0; skips && i < n; i++) {
		const json_t *item = json_object_get(skips, rules[i].name);
		json_int_t skipped, filters;

		if (!item || rules[i].status != REPORT_RULE_APPLIED)
			continue;
		skipped = json_integer_value(json_object_get(item, "skipped"));
		filters = json_integer_value(json_object_get(item, "filters"));
		if (asprintf(&reasons[i], "%lld of %lld filters installed "
			     "nothing: a DNS name did not resolve, '0' had no "
			     "address, the address families differ or no "
			     "matching link exists (see the agent's log)",
			     (long long)skipped, (long long)filters) < 0) {
			reasons[i] = NULL;
			continue;
		}
		rules[i].reason = reasons[i];
		if (skipped >= filters)
			rules[i].status = REPORT_RULE_SKIPPED;
	}
}

/* Add what charon does with each rule, matched by name; the strings stay
 * owned by keyed. */
static void rules_keying_add(const struct report_rule *rules,
			     struct report_rule_ike *ike, size_t n,
			     const json_t *keyed)
{
	const json_t *item;
	size_t i;

	json_array_foreach (keyed, i, item) {
		const char *name = json_string_value(json_object_get(item,
								     "name"));

		for (size_t j = 0; name && j < n; j++) {
			if (strcmp(rules[j].name, name) != 0)
				continue;
			ike[j].connection = json_string_value(
				json_object_get(item, "connection"));
			ike[j].ike_sa = json_string_value(
				json_object_get(item, "ike_sa"));
			ike[j].note = json_string_value(
				json_object_get(item, "note"));
			ike[j].weak = json_is_true(
				json_object_get(item, "weak"));
			break;
		}
	}
}

/* The exemptions enforce.c saved, as "PEER ADDRESS tcp/PORT". */
static size_t exemptions_fill(const struct agent_config *cfg, char **out,
			      size_t max)
{
	char *path = config_state_path(cfg, "exemptions");
	json_t *list = statefile_read_json(path);
	size_t n = 0;

	for (size_t i = 0; i < json_array_size(list) && n < max; i++) {
		const json_t *e = json_array_get(list, i);

		if (asprintf(&out[n], "%s %s tcp/%lld",
			     json_string_value(json_object_get(e, "peer")),
			     json_string_value(json_object_get(e, "address")),
			     (long long)json_integer_value(
				     json_object_get(e, "port"))) >= 0)
			n++;
	}
	json_decref(list);
	free(path);
	return n;
}

void reporter_send(struct reporter *rep, const struct agent_config *cfg,
		   const json_t *effective, bool apply, const char *error)
{
	size_t max = 1 + json_array_size(json_object_get(
				 json_object_get(effective, "policy"), "rules")) +
		     json_array_size(json_object_get(effective, "dynamic"));
	struct report_rule *rules = NULL;
	struct report_rule_ike *rule_ike = NULL;
	char **names = NULL, **reasons = NULL, *exempt[64];
	struct report_input in = { 0 };
	struct report_sources sources;
	json_t *doc = NULL, *ike = NULL, *keyed = NULL, *skips = NULL;
	size_t rule_count = 0, exempt_count = 0;
	char err[256] = "";

	if (!rep)
		return;
	rules = calloc(max, sizeof(*rules));
	names = calloc(max, sizeof(*names));
	rule_ike = calloc(max, sizeof(*rule_ike));
	reasons = calloc(max, sizeof(*reasons));
	if (!rules || !names || !rule_ike || !reasons)
		goto out;
	rule_count = rules_fill(effective, error, rules, names, max);
	skips = enforce_skips_read(cfg);
	rules_skips_add(rules, reasons, rule_count, skips);
	exempt_count = exemptions_fill(cfg, exempt, 64);
	ike = keying_ike_collect(cfg);
	keyed = keying_rules_status(cfg, ike);
	rules_keying_add(rules, rule_ike, rule_count, keyed);
	in.ike = ike;
	in.rule_ike = rule_ike;

	in.host = rep->host;
	in.event = apply ? REPORT_EVENT_APPLY : REPORT_EVENT_POLL;
	in.policy = json_is_object(json_object_get(effective, "policy"))
		    ? effective_policy_name(effective) : NULL;
	in.policy_version = (uint64_t)effective_policy_version(effective);
	in.apply_error = error;
	in.rules = rules;
	in.rule_count = rule_count;
	in.exemptions = (const char *const *)exempt;
	in.exemption_count = exempt_count;
	in.agent_version = IPSECCMD_VERSION;
	in.agent_uptime_seconds = (uint64_t)(time(NULL) - rep->started);
	report_sources_default(&sources);

	doc = report_build(&in, &sources, err, sizeof(err));
	if (!doc) {
		log_error("report", "unable to build the report for policy "
			  "'%s': %s", effective_policy_name(effective), err);
		goto out;
	}
	if (report_client_enqueue(rep->client, doc) < 0)
		log_error("report", "unable to queue the report: %s",
			  strerror(errno));
	if (report_client_flush(rep->client, REPORT_FLUSH_BUDGET_MS) > 0)
		log_info("report", "reports wait in the queue until '%s' "
			 "answers", cfg->report_url);
out:
	json_decref(skips);
	json_decref(keyed);
	json_decref(ike);
	json_decref(doc);
	for (size_t i = 0; i < exempt_count; i++)
		free(exempt[i]);
	for (size_t i = 0; names && i < rule_count; i++)
		free(names[i]);
	for (size_t i = 0; reasons && i < rule_count; i++)
		free(reasons[i]);
	free(reasons);
	free(names);
	free(rule_ike);
	free(rules);
}
