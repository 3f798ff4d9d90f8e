#include "effective.h"

json_t *effective_compose(const json_t *assigned, const char *assigned_from,
			  const json_t *local, const json_t *dynamic)
{
	const json_t *policy = assigned ? assigned : local;
	const char *origin = "none";
	json_t *dyn = dynamic ? json_deep_copy(dynamic) : json_array();
	json_t *pol = policy ? json_deep_copy(policy) : json_null();

	if (assigned)
		origin = "directory";
	else if (local)
		origin = "local";

	if (!dyn || !pol) {
		json_decref(dyn);
		json_decref(pol);
		return NULL;
	}
	return json_pack("{s:i, s:s, s:s?, s:o, s:o}", "format",
			 EFFECTIVE_FORMAT, "origin", origin, "assigned_from",
			 assigned ? assigned_from : NULL, "policy", pol,
			 "dynamic", dyn);
}

const char *effective_check(const json_t *effective)
{
	const json_t *format, *origin, *policy, *dynamic;

	if (!json_is_object(effective))
		return "not a JSON object";
	format = json_object_get(effective, "format");
	if (!json_is_integer(format) ||
	    json_integer_value(format) != EFFECTIVE_FORMAT)
		return "unknown format number";
	origin = json_object_get(effective, "origin");
	if (!json_is_string(origin))
		return "missing origin";
	policy = json_object_get(effective, "policy");
	if (!json_is_object(policy) && !json_is_null(policy))
		return "policy is neither an object nor null";
	dynamic = json_object_get(effective, "dynamic");
	if (!json_is_array(dynamic))
		return "dynamic rules are not an array";
	return NULL;
}

const char *effective_policy_name(const json_t *effective)
{
	const json_t *policy = json_object_get(effective, "policy");
	const char *name = json_string_value(json_object_get(policy, "name"));

	return name ? name : "(none)";
}

json_int_t effective_policy_version(const json_t *effective)
{
	const json_t *policy = json_object_get(effective, "policy");

	return json_integer_value(json_object_get(policy, "version"));
}
