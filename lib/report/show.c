#include "show.h"

#include "stats.h"

#include <stdlib.h>
#include <string.h>

static const char *text_or(const json_t *value, const char *fallback)
{
	return json_is_string(value) ? json_string_value(value) : fallback;
}

static long long int_or(const json_t *value, long long fallback)
{
	return json_is_integer(value) ? (long long)json_integer_value(value)
				      : fallback;
}

static json_t *policies_json(const json_t *report)
{
	return json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}",
			 "policy", json_object_get(report, "policy"), "result",
			 json_object_get(report, "result"), "error",
			 json_object_get(report, "error"), "rules",
			 json_object_get(report, "rules"), "exemptions",
			 json_object_get(report, "exemptions"), "agent",
			 json_object_get(report, "agent"), "event",
			 json_object_get(report, "event"), "generated",
			 json_object_get(report, "generated"));
}

static json_t *xfrm_member(const json_t *report, const char *key)
{
	return json_object_get(json_object_get(report, "xfrm"), key);
}

json_t *report_show_json(const json_t *report, unsigned topics,
			 long long age_seconds)
{
	json_t *out = json_pack("{s:O?, s:o}", "host",
				json_object_get(report, "host"), "age_seconds",
				age_seconds < 0 ? json_null()
						: json_integer(age_seconds));

	if (!out)
		return NULL;
	if (topics & REPORT_SHOW_POLICIES)
		json_object_set_new(out, "policies", policies_json(report));
	if (topics & REPORT_SHOW_FILTERS) {
		const json_t *policies = xfrm_member(report, "policies");

		json_object_set(out, "filters",
				policies ? (json_t *)policies : json_null());
		json_object_set_new(out, "exemptions",
				    json_deep_copy(json_object_get(
					    report, "exemptions")));
	}
	if (topics & REPORT_SHOW_AUTH) {
		const json_t *ike = json_object_get(report, "ike");

		json_object_set(out, "auth", ike ? (json_t *)ike : json_null());
	}
	if (topics & REPORT_SHOW_STATS)
		json_object_set_new(out, "stats", report_stats(report));
	if (topics & REPORT_SHOW_SAS) {
		const json_t *sas = xfrm_member(report, "sas");

		json_object_set(out, "sas", sas ? (json_t *)sas : json_null());
		json_object_set_new(out, "ike_sas",
				    json_deep_copy(json_object_get(
					    json_object_get(report, "ike"),
					    "sas")));
	}
	return out;
}

static void policies_print(FILE *out, const json_t *report)
{
	const json_t *policy = json_object_get(report, "policy");
	const json_t *agent = json_object_get(report, "agent");
	const json_t *rules = json_object_get(report, "rules");
	const json_t *exemptions = json_object_get(report, "exemptions");
	const json_t *item;
	size_t i;

	fprintf(out, "Policies\n");
	if (json_is_object(policy))
		fprintf(out, "  Policy             %s, version %lld\n",
			text_or(json_object_get(policy, "name"), "?"),
			int_or(json_object_get(policy, "version"), 0));
	else
		fprintf(out, "  Policy             none assigned\n");
	fprintf(out, "  Result             %s\n",
		text_or(json_object_get(report, "result"), "unknown"));
	if (json_is_string(json_object_get(report, "error")))
		fprintf(out, "  Error              %s\n",
			json_string_value(json_object_get(report, "error")));
	if (json_is_object(agent) &&
	    *text_or(json_object_get(agent, "version"), ""))
		fprintf(out, "  Agent              %s, up %lld s\n",
			text_or(json_object_get(agent, "version"), "?"),
			int_or(json_object_get(agent, "uptime_seconds"), 0));
	json_array_foreach (rules, i, item) {
		const char *reason = text_or(json_object_get(item, "reason"),
					     NULL);

		const char *note = text_or(json_object_get(item, "note"),
					   NULL);
		const char *conn = text_or(json_object_get(item, "connection"),
					   NULL);

		fprintf(out, "  Rule %-14s %s%s%s\n",
			text_or(json_object_get(item, "name"), "?"),
			text_or(json_object_get(item, "result"), "?"),
			reason ? ": " : "", reason ? reason : "");
		if (conn)
			fprintf(out, "    keyed by charon as %s, SA %s\n", conn,
				text_or(json_object_get(item, "ike_sa"),
					"unknown"));
		if (json_is_true(json_object_get(item, "weak")))
			fprintf(out, "    offers a weak algorithm\n");
		if (note)
			fprintf(out, "    on Linux: %s\n", note);
	}
	json_array_foreach (exemptions, i, item)
		fprintf(out, "  Exemption          %s\n", text_or(item, "?"));
}

static void filters_print(FILE *out, const json_t *report)
{
	const json_t *policies = xfrm_member(report, "policies");
	const json_t *item;
	size_t i;

	fprintf(out, "Filters\n");
	if (!json_is_object(policies)) {
		fprintf(out, "  not available: the XFRM policies could not be "
			     "read\n");
		return;
	}
	fprintf(out, "  %lld XFRM policies: %lld in, %lld out, %lld forward; "
		     "%lld block, %lld allow, %lld secured\n",
		int_or(json_object_get(policies, "total"), 0),
		int_or(json_object_get(policies, "in"), 0),
		int_or(json_object_get(policies, "out"), 0),
		int_or(json_object_get(policies, "fwd"), 0),
		int_or(json_object_get(policies, "block"), 0),
		int_or(json_object_get(policies, "allow"), 0),
		int_or(json_object_get(policies, "ipsec"), 0));
	json_array_foreach (json_object_get(policies, "items"), i, item)
		fprintf(out, "  %-3s %-6s %s:%lld -> %s:%lld proto %lld "
			     "priority %lld\n",
			text_or(json_object_get(item, "dir"), "?"),
			text_or(json_object_get(item, "action"), "?"),
			text_or(json_object_get(item, "src"), "?"),
			int_or(json_object_get(item, "src_port"), 0),
			text_or(json_object_get(item, "dst"), "?"),
			int_or(json_object_get(item, "dst_port"), 0),
			int_or(json_object_get(item, "proto"), 0),
			int_or(json_object_get(item, "priority"), 0));
	if (json_is_true(json_object_get(policies, "truncated")))
		fprintf(out, "  (list truncated)\n");
	json_array_foreach (json_object_get(report, "exemptions"), i, item)
		fprintf(out, "  exempt     %s (lockout protection)\n",
			text_or(item, "?"));
}

static void auth_print(FILE *out, const json_t *report)
{
	const json_t *ike = json_object_get(report, "ike");
	const char *key;
	const json_t *value;

	fprintf(out, "Authentication\n");
	if (!json_is_object(ike)) {
		fprintf(out, "  no key-exchange daemon data\n");
		return;
	}
	json_object_foreach ((json_t *)ike, key, value) {
		char *text;

		/* The SA list belongs to `show sas`. */
		if (strcmp(key, "sas") == 0)
			continue;
		text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);

		fprintf(out, "  %-30s %s\n", key, text ? text : "?");
		free(text);
	}
}

static void stats_print(FILE *out, const json_t *report)
{
	json_t *stats = report_stats(report);
	const json_t *item;
	size_t i;

	fprintf(out, "Statistics\n");
	json_array_foreach (stats, i, item) {
		const json_t *value = json_object_get(item, "value");

		if (json_is_integer(value))
			fprintf(out, "  %-32s %lld\n",
				text_or(json_object_get(item, "name"), "?"),
				(long long)json_integer_value(value));
		else
			fprintf(out, "  %-32s n/a\n",
				text_or(json_object_get(item, "name"), "?"));
	}
	json_decref(stats);
}

/* charon's IKE SAs with their CHILD_SAs, as `ipseccmd show sas` lists
 * them below the kernel's SAs. */
static void ike_sas_print(FILE *out, const json_t *ike)
{
	const json_t *sa, *child;
	size_t i, j;

	if (!json_is_object(ike)) {
		fprintf(out, "  no key-exchange daemon data\n");
		return;
	}
	fprintf(out, "  charon: %lld IKE SAs (%lld established), %lld "
		     "CHILD_SAs, %lld bytes in, %lld bytes out\n",
		int_or(json_object_get(ike, "ike_sas"), 0),
		int_or(json_object_get(ike, "main_mode_sas"), 0),
		int_or(json_object_get(ike, "child_sas"), 0),
		int_or(json_object_get(ike, "bytes_in"), 0),
		int_or(json_object_get(ike, "bytes_out"), 0));
	json_array_foreach (json_object_get(ike, "sas"), i, sa) {
		fprintf(out, "  IKE %s %s IKEv%s %s -> %s\n",
			text_or(json_object_get(sa, "name"), "?"),
			text_or(json_object_get(sa, "state"), "?"),
			text_or(json_object_get(sa, "version"), "?"),
			text_or(json_object_get(sa, "local_host"), "?"),
			text_or(json_object_get(sa, "remote_host"), "?"));
		json_array_foreach (json_object_get(sa, "child_sas"), j, child)
			fprintf(out, "    CHILD %s %s reqid %lld %s %s %s/%s "
				     "%lld bytes in, %lld bytes out\n",
				text_or(json_object_get(child, "name"), "?"),
				text_or(json_object_get(child, "state"), "?"),
				int_or(json_object_get(child, "reqid"), 0),
				text_or(json_object_get(child, "protocol"), "?"),
				text_or(json_object_get(child, "mode"), "?"),
				text_or(json_object_get(child, "encr_alg"), "-"),
				text_or(json_object_get(child, "integ_alg"), "-"),
				int_or(json_object_get(child, "bytes_in"), 0),
				int_or(json_object_get(child, "bytes_out"), 0));
	}
}

static void sas_print(FILE *out, const json_t *report)
{
	const json_t *sas = xfrm_member(report, "sas");
	const json_t *item;
	size_t i;

	fprintf(out, "Security associations\n");
	if (!json_is_object(sas)) {
		fprintf(out, "  not available: the XFRM SAs could not be read\n");
		return;
	}
	fprintf(out, "  %lld SAs\n", int_or(json_object_get(sas, "total"), 0));
	json_array_foreach (json_object_get(sas, "items"), i, item)
		fprintf(out, "  %s %s %s %s -> %s spi %s %s/%s %lld bytes "
			     "%lld packets age %lld s\n",
			text_or(json_object_get(item, "direction"), "?"),
			text_or(json_object_get(item, "proto"), "?"),
			text_or(json_object_get(item, "mode"), "?"),
			text_or(json_object_get(item, "src"), "?"),
			text_or(json_object_get(item, "dst"), "?"),
			text_or(json_object_get(item, "spi"), "?"),
			text_or(json_object_get(item, "enc"), "-"),
			text_or(json_object_get(item, "auth"), "-"),
			int_or(json_object_get(item, "bytes"), 0),
			int_or(json_object_get(item, "packets"), 0),
			int_or(json_object_get(item, "age_seconds"), 0));
	if (json_is_true(json_object_get(sas, "truncated")))
		fprintf(out, "  (list truncated)\n");
	ike_sas_print(out, json_object_get(report, "ike"));
}

void report_show_print(FILE *out, const json_t *report, unsigned topics,
		       long long age_seconds)
{
	fprintf(out, "Host %s", text_or(json_object_get(report, "host"), "?"));
	if (age_seconds >= 0)
		fprintf(out, ": report received %lld s ago\n", age_seconds);
	else
		fprintf(out, ": live data from this host's kernel\n");
	if (topics & REPORT_SHOW_POLICIES)
		policies_print(out, report);
	if (topics & REPORT_SHOW_FILTERS)
		filters_print(out, report);
	if (topics & REPORT_SHOW_AUTH)
		auth_print(out, report);
	if (topics & REPORT_SHOW_STATS)
		stats_print(out, report);
	if (topics & REPORT_SHOW_SAS)
		sas_print(out, report);
}

static void names_print(FILE *out, const char *label, const json_t *names)
{
	const json_t *name;
	size_t i;

	if (json_array_size(names) == 0)
		return;
	fprintf(out, "    %s:", label);
	json_array_foreach (names, i, name)
		fprintf(out, " %s", text_or(name, "?"));
	fprintf(out, "\n");
}

void report_fleet_print(FILE *out, const json_t *fleet)
{
	const json_t *group;
	size_t i;

	fprintf(out, "Fleet: %lld hosts, %lld not heard from within %lld s\n",
		int_or(json_object_get(fleet, "hosts"), 0),
		int_or(json_object_get(fleet, "stale"), 0),
		int_or(json_object_get(fleet, "stale_after_seconds"), 0));
	json_array_foreach (json_object_get(fleet, "policies"), i, group) {
		const json_t *policy = json_object_get(group, "policy");

		if (json_is_string(policy))
			fprintf(out, "  %s version %lld:", json_string_value(policy),
				int_or(json_object_get(group, "version"), 0));
		else
			fprintf(out, "  no policy:");
		fprintf(out, " %lld hosts, %lld applied, %lld failed, %lld "
			     "without policy, %lld not heard from\n",
			int_or(json_object_get(group, "hosts"), 0),
			int_or(json_object_get(group, "applied"), 0),
			int_or(json_object_get(group, "failed"), 0),
			int_or(json_object_get(group, "none"), 0),
			int_or(json_object_get(group, "stale"), 0));
		names_print(out, "failed", json_object_get(group, "failed_hosts"));
		names_print(out, "not heard from",
			    json_object_get(group, "stale_hosts"));
	}
}
