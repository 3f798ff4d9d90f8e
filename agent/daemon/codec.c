#include "codec.h"

#include "policy_json.h"

#include <errno.h>

json_t *codec_doc_to_json(const struct policy_doc *doc)
{
	return policy_doc_to_json(doc, PRINT_SECRETS);
}

json_t *codec_rule_to_json(const struct rule_spec *rule)
{
	return rule_to_json(rule, PRINT_SECRETS);
}

int codec_doc_from_json(const json_t *json, struct policy_doc *out,
			char *err, size_t err_size)
{
	return policy_doc_from_json(json, out, err, err_size) < 0 ? -EINVAL : 0;
}

int codec_rule_from_json(const json_t *json, struct rule_spec *out,
			 char *err, size_t err_size)
{
	return rule_from_json(json, out, err, err_size) < 0 ? -EINVAL : 0;
}
