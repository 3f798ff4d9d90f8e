/* Static-mode edits of a policy document, as both stores apply them. */
#include "store.h"
#include "grammar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int addr_copy_deep(struct addr_spec *dst, const struct addr_spec *src)
{
	*dst = *src;
	dst->name = NULL;
	if (src->name && !(dst->name = strdup(src->name)))
		return -1;
	return 0;
}

static int filters_copy(struct filter_list *dst, const struct filter_list *src)
{
	dst->items = NULL;
	dst->count = 0;
	if (src->count == 0)
		return 0;
	dst->items = calloc(src->count, sizeof(*dst->items));
	if (!dst->items)
		return -1;
	for (size_t i = 0; i < src->count; i++) {
		const struct filter_spec *f = &src->items[i];
		struct filter_spec *g = &dst->items[i];

		*g = *f;
		g->src.name = g->dst.name = NULL;
		dst->count = i + 1;
		if (addr_copy_deep(&g->src, &f->src) != 0 ||
		    addr_copy_deep(&g->dst, &f->dst) != 0)
			return -1;
	}
	return 0;
}

static void *array_dup(const void *items, size_t count, size_t size)
{
	void *copy;

	if (count == 0)
		return NULL;
	copy = malloc(count * size);
	if (copy)
		memcpy(copy, items, count * size);
	return copy;
}

/* Deep copy of a rule; on failure dst is freed and -1 returned. Written
 * out field by field because a rule can hold 10,000 filters, and a copy
 * through the JSON codec cost most of a static-mode command's time. */
static int rule_copy(struct rule_spec *dst, const struct rule_spec *src)
{
	memset(dst, 0, sizeof(*dst));
	*dst = *src;
	dst->filters = (struct filter_list){ NULL, 0 };
	dst->mm_filters = (struct filter_list){ NULL, 0 };
	dst->qm.offers = NULL;
	dst->qm.count = 0;
	dst->tunnel.name = NULL;
	dst->auth = (struct auth_list){ NULL, 0 };
	dst->mm_offers = NULL;
	dst->mm_count = 0;

	if (filters_copy(&dst->filters, &src->filters) != 0 ||
	    filters_copy(&dst->mm_filters, &src->mm_filters) != 0 ||
	    addr_copy_deep(&dst->tunnel, &src->tunnel) != 0)
		goto fail;
	dst->qm.offers = array_dup(src->qm.offers, src->qm.count,
				   sizeof(*src->qm.offers));
	if (src->qm.count && !dst->qm.offers)
		goto fail;
	dst->qm.count = src->qm.count;
	dst->mm_offers = array_dup(src->mm_offers, src->mm_count,
				   sizeof(*src->mm_offers));
	if (src->mm_count && !dst->mm_offers)
		goto fail;
	dst->mm_count = src->mm_count;
	if (src->auth.count) {
		dst->auth.items = calloc(src->auth.count, sizeof(*dst->auth.items));
		if (!dst->auth.items)
			goto fail;
		for (size_t i = 0; i < src->auth.count; i++) {
			dst->auth.items[i].kind = src->auth.items[i].kind;
			dst->auth.count = i + 1;
			if (src->auth.items[i].value &&
			    !(dst->auth.items[i].value =
				      strdup(src->auth.items[i].value)))
				goto fail;
		}
	}
	return 0;
fail:
	rule_free(dst);
	return -1;
}

#define SWAP(a, b) do { __typeof__(a) swap_tmp = (a); (a) = (b); \
			(b) = swap_tmp; } while (0)

/* Move the parts named by `parts` from src into dst; src keeps dst's old
 * parts, so freeing src frees them. */
static void rule_take_parts(struct rule_spec *dst, struct rule_spec *src,
			    unsigned parts)
{
	if (parts & PART_FILTERS)
		SWAP(dst->filters, src->filters);
	if (parts & PART_QM)
		SWAP(dst->qm, src->qm);
	if (parts & PART_TUNNEL) {
		SWAP(dst->tunnel, src->tunnel);
		SWAP(dst->has_tunnel, src->has_tunnel);
	}
	if (parts & PART_AUTH)
		SWAP(dst->auth, src->auth);
	if (parts & PART_MM_OFFERS) {
		SWAP(dst->mm_offers, src->mm_offers);
		SWAP(dst->mm_count, src->mm_count);
	}
	if (parts & PART_MM_REKEY) {
		SWAP(dst->mm_rekey_qm, src->mm_rekey_qm);
		SWAP(dst->mm_rekey_seconds, src->mm_rekey_seconds);
	}
	if (parts & PART_MM_PFS)
		SWAP(dst->mm_pfs, src->mm_pfs);
	if (parts & PART_MM_FILTERS)
		SWAP(dst->mm_filters, src->mm_filters);
	if (parts & PART_SOFT_EXPIRY)
		SWAP(dst->soft_expiry_seconds, src->soft_expiry_seconds);
	if (parts & PART_SOFT)
		SWAP(dst->soft, src->soft);
	if (parts & PART_CONN)
		SWAP(dst->conn, src->conn);
}

static struct named_rule *rule_find(struct policy_doc *doc, const char *name)
{
	for (size_t i = 0; i < doc->rule_count; i++)
		if (strcmp(doc->rules[i].name, name) == 0)
			return &doc->rules[i];
	return NULL;
}

static int rule_remove(struct policy_doc *doc, const char *name, char *msg,
		       size_t msg_size)
{
	struct named_rule *r = rule_find(doc, name);
	size_t i;

	if (!r) {
		snprintf(msg, msg_size, "rule '%s' not found in policy '%s'",
			 name, doc->name);
		return -1;
	}
	i = (size_t)(r - doc->rules);
	free(r->name);
	rule_free(&r->rule);
	memmove(&doc->rules[i], &doc->rules[i + 1],
		(doc->rule_count - i - 1) * sizeof(*doc->rules));
	doc->rule_count--;
	return 0;
}

static int rule_write(struct policy_doc *doc, const struct command *cmd,
		      char *msg, size_t msg_size)
{
	const char *name = cmd->target.rules[0];
	struct named_rule *r = rule_find(doc, name);
	struct rule_spec copy = { 0 };
	struct named_rule *grown;

	if (rule_copy(&copy, &cmd->rule) != 0) {
		snprintf(msg, msg_size, "cannot copy rule '%s': out of memory",
			 name);
		return -1;
	}
	if (r) {
		rule_take_parts(&r->rule, &copy, cmd->parts);
		rule_free(&copy);
		return 0;
	}
	/* A new rule without filters matches no traffic, so it would look
	 * stored and enforce nothing. */
	if (!(cmd->parts & PART_FILTERS)) {
		rule_free(&copy);
		snprintf(msg, msg_size,
			 "rule '%s' is not in policy '%s' and has no filters, "
			 "so it would match nothing: add -f FilterList",
			 name, doc->name);
		return -1;
	}
	grown = realloc(doc->rules, (doc->rule_count + 1) * sizeof(*grown));
	if (!grown)
		goto nomem;
	doc->rules = grown;
	grown[doc->rule_count].name = strdup(name);
	if (!grown[doc->rule_count].name)
		goto nomem;
	grown[doc->rule_count].rule = copy;
	doc->rule_count++;
	return 0;
nomem:
	rule_free(&copy);
	snprintf(msg, msg_size, "cannot add rule '%s': out of memory", name);
	return -1;
}

int store_merge_command(struct policy_doc *doc, const struct command *cmd,
			 char *msg, size_t msg_size)
{
	const struct static_target *t = &cmd->target;

	if (t->delete) {
		for (size_t i = 0; i < t->rule_count; i++)
			if (rule_remove(doc, t->rules[i], msg, msg_size) != 0)
				return -1;
	} else if (cmd->has_rule) {
		if (t->rule_count != 1) {
			snprintf(msg, msg_size,
				 "a rule needs exactly one -r RuleName");
			return -1;
		}
		if (rule_write(doc, cmd, msg, msg_size) != 0)
			return -1;
	}
	if (t->poll_given)
		doc->poll_minutes = t->poll_minutes;
	if (t->ike_given)
		doc->ike_version = cmd->rule.ike_version;
	for (size_t i = 0; i < doc->rule_count; i++)
		doc->rules[i].rule.ike_version = doc->ike_version;
	doc->version++;
	return 0;
}
