/*
 * The agent's one place that converts between the policy model and its
 * JSON form, so the rest of the daemon handles policies as JSON only.
 */
#ifndef IPSECCMD_AGENT_CODEC_H
#define IPSECCMD_AGENT_CODEC_H

#include "model.h"

#include <jansson.h>
#include <stddef.h>

/* New reference, or NULL on allocation failure. Preshared keys included:
 * the agent needs them, and its files are mode 0600. */
json_t *codec_doc_to_json(const struct policy_doc *doc);
json_t *codec_rule_to_json(const struct rule_spec *rule);

/* Decode into *out (zeroed first). Returns 0, or -EINVAL with one line in
 * err naming the bad member. */
int codec_doc_from_json(const json_t *json, struct policy_doc *out,
			char *err, size_t err_size);
int codec_rule_from_json(const json_t *json, struct rule_spec *out,
			 char *err, size_t err_size);

#endif
