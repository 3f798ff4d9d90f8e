#include "report.h"

#include "ipsec_dump.h"
#include "ipsec_stat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
	[REPORT_RULE_APPLIED] = "applied",
	[REPORT_RULE_SKIPPED] = "skipped",
	[REPORT_RULE_FAILED] = "failed",
};

void report_sources_default(struct report_sources *sources)
{
	sources->stat_path = IPSEC_STAT_PATH;
	sources->skip_dump = 0;
}

const char *report_result_name(const struct report_input *in)
{
	size_t failed = 0;

	if (in->apply_error)
		return "failed";
	if (!in->policy)
		return "none";
	for (size_t i = 0; i < in->rule_count; i++)
		if (in->rules[i].status == REPORT_RULE_FAILED)
			failed++;
	if (failed == in->rule_count && failed > 0)
		return "failed";
	/* A rule that enforces only part of its filters (skipped, or
	 * applied with a reason such as filters that installed nothing)
	 * makes the host's result partial, so the fleet summary does not
	 * count the host as applied. */
	for (size_t i = 0; i < in->rule_count; i++)
		if (in->rules[i].status != REPORT_RULE_APPLIED ||
		    in->rules[i].reason)
			return "partial";
	return "applied";
}

static void rule_ike_add(json_t *item, const struct report_rule_ike *ike)
{
	if (ike->connection)
		json_object_set_new(item, "connection",
				    json_string(ike->connection));
	if (ike->ike_sa)
		json_object_set_new(item, "ike_sa", json_string(ike->ike_sa));
	if (ike->note)
		json_object_set_new(item, "note", json_string(ike->note));
	if (ike->weak)
		json_object_set_new(item, "weak", json_true());
}

static json_t *rules_json(const struct report_input *in, char *err,
			  size_t errlen)
{
	json_t *rules = json_array();

	for (size_t i = 0; rules && i < in->rule_count; i++) {
		const struct report_rule *rule = &in->rules[i];
		json_t *item;

		if (!rule->name || (unsigned)rule->status > REPORT_RULE_FAILED) {
			snprintf(err, errlen,
				 "rule %zu has no name or an unknown status", i);
			json_decref(rules);
			return NULL;
		}
		item = json_pack("{s:s, s:s}", "name", rule->name, "result",
				 status_names[rule->status]);
		if (item && rule->reason)
			json_object_set_new(item, "reason",
					    json_string(rule->reason));
		if (item && in->rule_ike)
			rule_ike_add(item, &in->rule_ike[i]);
		if (json_array_append_new(rules, item) != 0) {
			snprintf(err, errlen, "out of memory");
			json_decref(rules);
			return NULL;
		}
	}
	return rules;
}

static json_t *exemptions_json(const struct report_input *in)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < in->exemption_count; i++)
		json_array_append_new(list, json_string(in->exemptions[i]));
	return list;
}

/* Live counters: {"policies", "sas", "stat", "errors"}. */
static json_t *xfrm_json(const struct report_sources *sources)
{
	json_t *xfrm = json_object();
	json_t *errors = json_array();
	json_t *dump = NULL;
	json_t *stat;
	char reason[256];

	if (!sources->skip_dump) {
		dump = ipsec_dump_collect(reason, sizeof(reason));
		if (!dump)
			json_array_append_new(errors, json_string(reason));
	}
	json_object_set(xfrm, "policies",
			dump ? json_object_get(dump, "policies") : json_null());
	json_object_set(xfrm, "sas",
			dump ? json_object_get(dump, "sas") : json_null());

	stat = ipsec_stat_read(sources->stat_path);
	if (!stat) {
		snprintf(reason, sizeof(reason), "unable to read '%s': %s",
			 sources->stat_path, strerror(errno));
		json_array_append_new(errors, json_string(reason));
	}
	json_object_set_new(xfrm, "stat", stat ? stat : json_null());
	json_object_set_new(xfrm, "errors", errors);
	json_decref(dump);
	return xfrm;
}

static json_t *time_json(time_t when)
{
	struct tm tm;
	char text[32];

	gmtime_r(&when, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(text);
}

json_t *report_build(const struct report_input *in,
		     const struct report_sources *sources, char *err,
		     size_t errlen)
{
	time_t now = time(NULL);
	json_t *rules = NULL;
	json_t *policy;
	json_t *doc = NULL;
	size_t host_len = in->host ? strlen(in->host) : 0;

	if (host_len == 0 || host_len > REPORT_HOST_MAX) {
		snprintf(err, errlen,
			 "invalid host name '%s': give 1 to %d characters",
			 in->host ? in->host : "", REPORT_HOST_MAX);
		goto out;
	}
	rules = rules_json(in, err, errlen);
	if (!rules)
		goto out;

	if (in->policy)
		policy = json_pack("{s:s, s:I}", "name", in->policy, "version",
				   (json_int_t)in->policy_version);
	else
		policy = json_null();

	doc = json_pack(
		"{s:i, s:s, s:s, s:o, s:I, s:{s:s, s:I}, s:o, s:s, s:o, s:O,"
		" s:o, s:o, s:o}",
		"schema_version", REPORT_SCHEMA_VERSION, "host", in->host,
		"event", in->event == REPORT_EVENT_APPLY ? "apply" : "poll",
		"generated", time_json(now), "generated_unix", (json_int_t)now,
		"agent", "version", in->agent_version ? in->agent_version : "",
		"uptime_seconds", (json_int_t)in->agent_uptime_seconds,
		"policy", policy, "result", report_result_name(in), "error",
		in->apply_error ? json_string(in->apply_error) : json_null(),
		"rules", rules, "exemptions", exemptions_json(in), "xfrm",
		xfrm_json(sources), "ike",
		in->ike ? json_deep_copy(in->ike) : json_null());
	if (!doc)
		snprintf(err, errlen, "out of memory");
out:
	json_decref(rules);
	return doc;
}
