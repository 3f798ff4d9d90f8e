/*
 * command_format: the canonical ipseccmd line. Words come in a fixed order
 * (rule options, then --ike, then -confirm, then the static-mode options
 * with --ike after -p), keywords in their canonical case, IPv4 masks in
 * dotted form, and each word quoted for a POSIX shell only where needed.
 */
#include "policy_internal.h"

#include <stdlib.h>

static void word_add(struct strbuf *sb, const char *word)
{
	if (sb->len)
		strbuf_append(sb, " ");
	shell_quote(sb, word);
}

/* Append an element formatter's result as one quoted word. */
static void element_add(struct strbuf *sb, char *text)
{
	if (!text) {
		sb->failed = true;
		return;
	}
	word_add(sb, text);
	free(text);
}

static void filters_add(struct strbuf *sb, const char *option,
			const struct filter_list *list)
{
	/* One buffer for every filter's text: a rule may have 10,000. */
	struct strbuf one = { 0 };

	word_add(sb, option);
	for (size_t i = 0; i < list->count && !one.failed; i++) {
		strbuf_clear(&one);
		filter_format_append(&one, &list->items[i]);
		if (!one.failed)
			word_add(sb, one.data);
	}
	if (one.failed)
		sb->failed = true;
	free(strbuf_finish(&one));
}

static void qm_add(struct strbuf *sb, const struct qm_policy *qm)
{
	word_add(sb, "-n");
	if (qm->action == ACTION_BLOCK) {
		word_add(sb, "BLOCK");
		return;
	}
	if (qm->action == ACTION_PERMIT) {
		word_add(sb, "PASS");
		return;
	}
	if (qm->inpass)
		word_add(sb, "INPASS");
	for (size_t i = 0; i < qm->count; i++)
		element_add(sb, qm_offer_format(&qm->offers[i]));
}

static void mm_rekey_add(struct strbuf *sb, const struct rule_spec *r)
{
	struct strbuf value = { 0 };

	word_add(sb, "-1k");
	if (r->mm_rekey_qm)
		strbuf_appendf(&value, "%uQ/", r->mm_rekey_qm);
	strbuf_appendf(&value, "%uS", r->mm_rekey_seconds);
	element_add(sb, strbuf_finish(&value));
}

static void soft_expiry_add(struct strbuf *sb, const struct rule_spec *r)
{
	struct strbuf value = { 0 };

	word_add(sb, "-1e");
	strbuf_appendf(&value, "%u", r->soft_expiry_seconds);
	element_add(sb, strbuf_finish(&value));
}

static bool part_wanted(const struct command *cmd, unsigned flags,
			unsigned part)
{
	return !(flags & PRINT_GIVEN_ONLY) || (cmd->parts & part);
}

static void rule_add(struct strbuf *sb, const struct command *cmd,
		     unsigned flags)
{
	const struct rule_spec *r = &cmd->rule;
	struct strbuf tunnel = { 0 };

	if (part_wanted(cmd, flags, PART_FILTERS) && r->filters.count)
		filters_add(sb, "-f", &r->filters);
	if (part_wanted(cmd, flags, PART_QM))
		qm_add(sb, &r->qm);
	if (part_wanted(cmd, flags, PART_TUNNEL) && r->has_tunnel) {
		word_add(sb, "-t");
		addr_format(&tunnel, &r->tunnel);
		element_add(sb, strbuf_finish(&tunnel));
	}
	if (part_wanted(cmd, flags, PART_AUTH) && r->auth.count) {
		word_add(sb, "-a");
		for (size_t i = 0; i < r->auth.count; i++)
			element_add(sb, auth_format(&r->auth.items[i], flags));
	}
	if (part_wanted(cmd, flags, PART_MM_OFFERS) && r->mm_count) {
		word_add(sb, "-1s");
		for (size_t i = 0; i < r->mm_count; i++)
			element_add(sb, mm_offer_format(&r->mm_offers[i]));
	}
	if (part_wanted(cmd, flags, PART_MM_REKEY))
		mm_rekey_add(sb, r);
	if (part_wanted(cmd, flags, PART_MM_PFS) && r->mm_pfs)
		word_add(sb, "-1p");
	if (part_wanted(cmd, flags, PART_MM_FILTERS) && r->mm_filters.count)
		filters_add(sb, "-1f", &r->mm_filters);
	if (part_wanted(cmd, flags, PART_SOFT_EXPIRY))
		soft_expiry_add(sb, r);
	if (part_wanted(cmd, flags, PART_SOFT) && r->soft)
		word_add(sb, "-soft");
	if (part_wanted(cmd, flags, PART_CONN) && r->conn == CONN_LAN)
		word_add(sb, "-lan");
	if (part_wanted(cmd, flags, PART_CONN) && r->conn == CONN_DIALUP)
		word_add(sb, "-dialup");
}

static const char *ike_word(enum ike_protocol_version v)
{
	return v == IKE_V1 ? "--ike=1" : "--ike=2";
}

static void static_add(struct strbuf *sb, const struct command *cmd)
{
	const struct static_target *t = &cmd->target;
	struct strbuf value = { 0 };

	word_add(sb, "-w");
	strbuf_append(&value, t->store == STORE_DS ? "ds" : "reg");
	if (t->location)
		strbuf_appendf(&value, ":%s", t->location);
	element_add(sb, strbuf_finish(&value));

	/* No -p: a line of the CLI's store administration options. */
	if (t->policy) {
		word_add(sb, "-p");
		strbuf_append(&value, t->policy);
		if (t->poll_given)
			strbuf_appendf(&value, ":%u", t->poll_minutes);
		element_add(sb, strbuf_finish(&value));
	}
	if (t->ike_given)
		word_add(sb, ike_word(cmd->rule.ike_version));

	for (size_t i = 0; i < t->rule_count && !t->rule_derived; i++) {
		word_add(sb, "-r");
		word_add(sb, t->rules[i]);
	}
	if (t->assign == ASSIGN_SET)
		word_add(sb, "-x");
	else if (t->assign == ASSIGN_UNSET)
		word_add(sb, "-y");
	if (t->delete)
		word_add(sb, "-o");
}

static const char *const topic_names[] = {
	"filters", "policies", "auth", "stats", "sas",
};

static void help_add(struct strbuf *sb, enum command_mode mode)
{
	switch (mode) {
	case MODE_QUERY:
		word_add(sb, "show");
		break;
	case MODE_STATIC:
		word_add(sb, "-w");
		break;
	case MODE_DYNAMIC_DELETE:
		word_add(sb, "-u");
		break;
	case MODE_DYNAMIC:
		word_add(sb, "-f");
		break;
	case MODE_HELP:
		break;
	}
	word_add(sb, "/?");
}

char *command_format(const struct command *cmd, unsigned flags)
{
	struct strbuf sb = { 0 };

	if (cmd->computer && cmd->mode != MODE_HELP) {
		struct strbuf name = { 0 };

		strbuf_appendf(&name, "\\\\%s", cmd->computer);
		element_add(&sb, strbuf_finish(&name));
	}

	switch (cmd->mode) {
	case MODE_HELP:
		help_add(&sb, cmd->help_mode);
		break;
	case MODE_QUERY:
		word_add(&sb, "show");
		if (cmd->show == SHOW_ALL) {
			word_add(&sb, "all");
			break;
		}
		for (unsigned k = 0; k < 5; k++)
			if (cmd->show & (1u << k))
				word_add(&sb, topic_names[k]);
		break;
	case MODE_DYNAMIC_DELETE:
		word_add(&sb, "-u");
		break;
	case MODE_DYNAMIC:
		rule_add(&sb, cmd, flags);
		if (cmd->rule.ike_version != IKE_V2)
			word_add(&sb, ike_word(cmd->rule.ike_version));
		if (cmd->confirm)
			word_add(&sb, "-confirm");
		break;
	case MODE_STATIC:
		if (cmd->has_rule)
			rule_add(&sb, cmd, flags);
		static_add(&sb, cmd);
		break;
	}
	return strbuf_finish(&sb);
}
