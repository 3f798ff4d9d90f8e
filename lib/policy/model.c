/* Defaults, release and comparison of the policy model. */
#include "policy_internal.h"

#include <stdlib.h>
#include <string.h>

/* Modern suites first, then the four offers the Windows reference lists. */
static const struct qm_offer default_qm[] = {
	{ .has_esp = true, .esp_enc = ENC_AES256GCM, .esp_auth = HASH_NONE },
	{ .has_esp = true, .esp_enc = ENC_AES128GCM, .esp_auth = HASH_NONE },
	{ .has_esp = true, .esp_enc = ENC_AES256, .esp_auth = HASH_SHA256 },
	{ .has_esp = true, .esp_enc = ENC_3DES, .esp_auth = HASH_SHA1 },
	{ .has_esp = true, .esp_enc = ENC_3DES, .esp_auth = HASH_MD5 },
	{ .has_esp = true, .esp_enc = ENC_DES, .esp_auth = HASH_SHA1 },
	{ .has_esp = true, .esp_enc = ENC_DES, .esp_auth = HASH_MD5 },
};

static const struct mm_offer default_mm[] = {
	{ ENC_AES256GCM, HASH_SHA384, 20 },
	{ ENC_AES128GCM, HASH_SHA256, 19 },
	{ ENC_AES256, HASH_SHA256, 14 },
	{ ENC_3DES, HASH_SHA1, 2 },
	{ ENC_3DES, HASH_MD5, 2 },
	{ ENC_DES, HASH_SHA1, 1 },
	{ ENC_DES, HASH_MD5, 1 },
};

int rule_default_qm(struct rule_spec *rule)
{
	size_t n = sizeof(default_qm) / sizeof(default_qm[0]);
	struct qm_offer *offers = malloc(sizeof(default_qm));

	if (!offers)
		return GRAMMAR_ENOMEM;
	memcpy(offers, default_qm, sizeof(default_qm));
	free(rule->qm.offers);
	rule->qm.offers = offers;
	rule->qm.count = n;
	rule->qm.action = ACTION_NEGOTIATE;
	return 0;
}

int rule_default_auth(struct rule_spec *rule)
{
	struct auth_method *items = calloc(1, sizeof(*items));

	if (!items)
		return GRAMMAR_ENOMEM;
	items[0].kind = AUTH_KERBEROS;
	auth_list_free(&rule->auth);
	rule->auth.items = items;
	rule->auth.count = 1;
	return 0;
}

int rule_default_mm_offers(struct rule_spec *rule)
{
	size_t n = sizeof(default_mm) / sizeof(default_mm[0]);
	struct mm_offer *offers = malloc(sizeof(default_mm));

	if (!offers)
		return GRAMMAR_ENOMEM;
	memcpy(offers, default_mm, sizeof(default_mm));
	free(rule->mm_offers);
	rule->mm_offers = offers;
	rule->mm_count = n;
	return 0;
}

int rule_set_defaults(struct rule_spec *rule)
{
	rule_free(rule);
	rule->mm_rekey_qm = 0;
	rule->mm_rekey_seconds = RULE_DEFAULT_MM_REKEY_SECONDS;
	rule->soft_expiry_seconds = RULE_DEFAULT_SOFT_EXPIRY_SECONDS;
	rule->conn = CONN_ALL;
	rule->tunnel.kind = ADDR_ANY;
	if (rule_default_qm(rule) || rule_default_auth(rule) ||
	    rule_default_mm_offers(rule)) {
		rule_free(rule);
		return GRAMMAR_ENOMEM;
	}
	return 0;
}

void rule_free(struct rule_spec *rule)
{
	if (!rule)
		return;
	filter_list_free(&rule->filters);
	free(rule->qm.offers);
	addr_free(&rule->tunnel);
	auth_list_free(&rule->auth);
	free(rule->mm_offers);
	filter_list_free(&rule->mm_filters);
	memset(rule, 0, sizeof(*rule));
}

static void target_free(struct static_target *t)
{
	free(t->location);
	free(t->policy);
	for (size_t i = 0; i < t->rule_count; i++)
		free(t->rules[i]);
	free(t->rules);
	memset(t, 0, sizeof(*t));
}

void command_free(struct command *cmd)
{
	if (!cmd)
		return;
	free(cmd->computer);
	rule_free(&cmd->rule);
	target_free(&cmd->target);
	memset(cmd, 0, sizeof(*cmd));
}

void policy_doc_free(struct policy_doc *doc)
{
	if (!doc)
		return;
	free(doc->name);
	for (size_t i = 0; i < doc->rule_count; i++) {
		free(doc->rules[i].name);
		rule_free(&doc->rules[i].rule);
	}
	free(doc->rules);
	memset(doc, 0, sizeof(*doc));
}

static bool str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool filter_equal(const struct filter_spec *a,
			 const struct filter_spec *b)
{
	if (a->is_default || b->is_default)
		return a->is_default == b->is_default && a->mark == b->mark;
	return a->mirrored == b->mirrored && a->mark == b->mark &&
	       addr_equal(&a->src, &b->src) && addr_equal(&a->dst, &b->dst) &&
	       a->src_port == b->src_port && a->dst_port == b->dst_port &&
	       a->protocol == b->protocol;
}

static bool filters_equal(const struct filter_list *a,
			  const struct filter_list *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (!filter_equal(&a->items[i], &b->items[i]))
			return false;
	return true;
}

static bool qm_offer_equal(const struct qm_offer *a, const struct qm_offer *b)
{
	return a->has_ah == b->has_ah &&
	       (!a->has_ah || a->ah_hash == b->ah_hash) &&
	       a->has_esp == b->has_esp &&
	       (!a->has_esp || (a->esp_enc == b->esp_enc &&
				a->esp_auth == b->esp_auth)) &&
	       a->lifetime_seconds == b->lifetime_seconds &&
	       a->lifetime_kbytes == b->lifetime_kbytes && a->pfs == b->pfs &&
	       (!a->pfs || a->pfs_group == b->pfs_group);
}

static bool auth_equal(const struct auth_list *a, const struct auth_list *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (a->items[i].kind != b->items[i].kind ||
		    !str_equal(a->items[i].value, b->items[i].value))
			return false;
	return true;
}

bool rule_equal(const struct rule_spec *a, const struct rule_spec *b)
{
	if (!filters_equal(&a->filters, &b->filters) ||
	    a->qm.action != b->qm.action || a->qm.inpass != b->qm.inpass ||
	    a->qm.count != b->qm.count)
		return false;
	for (size_t i = 0; i < a->qm.count; i++)
		if (!qm_offer_equal(&a->qm.offers[i], &b->qm.offers[i]))
			return false;
	if (a->has_tunnel != b->has_tunnel ||
	    (a->has_tunnel && !addr_equal(&a->tunnel, &b->tunnel)))
		return false;
	if (!auth_equal(&a->auth, &b->auth) || a->mm_count != b->mm_count)
		return false;
	for (size_t i = 0; i < a->mm_count; i++)
		if (a->mm_offers[i].enc != b->mm_offers[i].enc ||
		    a->mm_offers[i].hash != b->mm_offers[i].hash ||
		    a->mm_offers[i].group != b->mm_offers[i].group)
			return false;
	return a->mm_rekey_qm == b->mm_rekey_qm &&
	       a->mm_rekey_seconds == b->mm_rekey_seconds &&
	       a->mm_pfs == b->mm_pfs &&
	       filters_equal(&a->mm_filters, &b->mm_filters) &&
	       a->soft_expiry_seconds == b->soft_expiry_seconds &&
	       a->soft == b->soft && a->conn == b->conn &&
	       a->ike_version == b->ike_version;
}

static bool target_equal(const struct static_target *a,
			 const struct static_target *b)
{
	if (a->store != b->store || !str_equal(a->location, b->location) ||
	    !str_equal(a->policy, b->policy) ||
	    a->poll_minutes != b->poll_minutes ||
	    a->poll_given != b->poll_given || a->rule_count != b->rule_count ||
	    a->assign != b->assign || a->delete != b->delete ||
	    a->rule_derived != b->rule_derived ||
	    a->ike_given != b->ike_given)
		return false;
	for (size_t i = 0; i < a->rule_count; i++)
		if (!str_equal(a->rules[i], b->rules[i]))
			return false;
	return true;
}

bool command_equal(const struct command *a, const struct command *b)
{
	if (a->mode != b->mode || !str_equal(a->computer, b->computer) ||
	    a->confirm != b->confirm || a->has_rule != b->has_rule ||
	    a->parts != b->parts || a->show != b->show)
		return false;
	if (a->mode == MODE_HELP && a->help_mode != b->help_mode)
		return false;
	return rule_equal(&a->rule, &b->rule) &&
	       target_equal(&a->target, &b->target);
}
