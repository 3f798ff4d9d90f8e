#include "report.h"

#include <stdio.h>
#include <string.h>

static const char *const result_names[] = { "applied", "partial", "failed",
					    "none" };

static int member_check(const json_t *doc, const char *key, json_type type,
			int nullable, char *err, size_t errlen)
{
	const json_t *value = json_object_get(doc, key);

	if (!value) {
		snprintf(err, errlen, "missing member '%s'", key);
		return -1;
	}
	if (json_typeof(value) == type || (nullable && json_is_null(value)))
		return 0;
	snprintf(err, errlen, "member '%s' has the wrong type", key);
	return -1;
}

static int result_check(const char *result)
{
	for (size_t i = 0; i < sizeof(result_names) / sizeof(*result_names); i++)
		if (strcmp(result, result_names[i]) == 0)
			return 0;
	return -1;
}

int report_validate(const json_t *doc, char *err, size_t errlen)
{
	const json_t *policy;
	const char *host;
	size_t host_len;

	if (!json_is_object(doc)) {
		snprintf(err, errlen, "the report must be a JSON object");
		return -1;
	}
	if (member_check(doc, "schema_version", JSON_INTEGER, 0, err, errlen) ||
	    member_check(doc, "host", JSON_STRING, 0, err, errlen) ||
	    member_check(doc, "result", JSON_STRING, 0, err, errlen) ||
	    member_check(doc, "policy", JSON_OBJECT, 1, err, errlen) ||
	    member_check(doc, "rules", JSON_ARRAY, 0, err, errlen) ||
	    member_check(doc, "exemptions", JSON_ARRAY, 0, err, errlen))
		return -1;

	if (json_integer_value(json_object_get(doc, "schema_version")) !=
	    REPORT_SCHEMA_VERSION) {
		snprintf(err, errlen, "unsupported schema_version %lld: send %d",
			 (long long)json_integer_value(
				 json_object_get(doc, "schema_version")),
			 REPORT_SCHEMA_VERSION);
		return -1;
	}
	host = json_string_value(json_object_get(doc, "host"));
	host_len = strlen(host);
	if (host_len == 0 || host_len > REPORT_HOST_MAX ||
	    host_len != json_string_length(json_object_get(doc, "host"))) {
		snprintf(err, errlen, "invalid host name: give 1 to %d characters",
			 REPORT_HOST_MAX);
		return -1;
	}
	if (result_check(json_string_value(json_object_get(doc, "result")))) {
		snprintf(err, errlen,
			 "invalid result: use applied, partial, failed or none");
		return -1;
	}

	policy = json_object_get(doc, "policy");
	if (json_is_object(policy) &&
	    (member_check(policy, "name", JSON_STRING, 0, err, errlen) ||
	     member_check(policy, "version", JSON_INTEGER, 0, err, errlen)))
		return -1;
	return 0;
}
