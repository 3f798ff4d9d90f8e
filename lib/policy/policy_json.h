/*
 * JSON form of rules, stored policies and parsed commands (jansson). The
 * shape is described in docs/model-json.md; documents carry
 * "format_version" 1. Preshared keys are written only when flags include
 * PRINT_SECRETS; otherwise a preshare entry carries "key_redacted": true
 * and cannot be read back.
 */
#ifndef IPSECCMD_POLICY_JSON_H
#define IPSECCMD_POLICY_JSON_H

#include "grammar.h"

#include <jansson.h>

#define POLICY_JSON_FORMAT_VERSION 1

/* New JSON values (caller owns the reference), or NULL when out of
 * memory. flags: PRINT_SECRETS. */
json_t *rule_to_json(const struct rule_spec *rule, unsigned flags);
json_t *policy_doc_to_json(const struct policy_doc *doc, unsigned flags);
json_t *command_to_json(const struct command *cmd, unsigned flags);

/*
 * Read a rule or a policy document. Return 0, or -1 with a one-line
 * message in err naming the JSON path and the offending value
 * ("rules[2].rule.filters[0].src_port: 70000 is out of range 0..65535").
 * Every value is checked as the command-line parser would check it; on
 * error *out is left zeroed.
 */
int rule_from_json(const json_t *json, struct rule_spec *out, char *err,
		   size_t errlen);
int policy_doc_from_json(const json_t *json, struct policy_doc *out,
			 char *err, size_t errlen);

#endif
