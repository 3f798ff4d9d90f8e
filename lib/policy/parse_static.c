/* Static mode: -w Type[:Location], -p Name[:PollInterval], -r Name, -x, -y,
 * -o, and the combinations between them. */
#include "parse_internal.h"

#include <stdlib.h>
#include <string.h>

#define POLL_MIN 1
#define POLL_MAX 43200	/* 30 days */

static int store_value(struct parser *p, int i)
{
	struct static_target *t = &p->cmd->target;
	const char *w = p->words[i];
	const char *colon = strchr(w, ':');
	size_t tlen = colon ? (size_t)(colon - w) : strlen(w);

	if (text_equal_nocase(w, tlen, "reg"))
		t->store = STORE_REG;
	else if (text_equal_nocase(w, tlen, "ds"))
		t->store = STORE_DS;
	else
		return parser_fail(p, diag_add(p->diags, GRAMMAR_BAD_STORE, i,
			0, "invalid store type '%.*s' in -w '%s': write -w reg "
			"(local store), -w reg:HOST or -w ds[:DOMAIN] "
			"(directory)", (int)tlen, w, w));
	if (!colon)
		return 0;
	if (colon[1] == '\0')
		return parser_fail(p, diag_add(p->diags, GRAMMAR_BAD_STORE, i,
			0, "empty location in -w '%s': write -w %.*s alone or "
			"-w %.*s:NAME", w, (int)tlen, w, (int)tlen, w));
	t->location = strdup(colon + 1);
	return t->location ? 0 : parser_fail(p, GRAMMAR_ENOMEM);
}

static int policy_value(struct parser *p, int i)
{
	struct static_target *t = &p->cmd->target;
	const char *w = p->words[i];
	const char *colon = strrchr(w, ':');
	size_t nlen = strlen(w);
	uint32_t poll;

	/* Only an all-digit tail after the last colon is a poll interval,
	 * so policy names may contain colons. */
	if (colon && colon[1] != '\0' &&
	    strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
		if (!number_parse(colon + 1, strlen(colon + 1), POLL_MIN,
				  POLL_MAX, &poll))
			return parser_fail(p, diag_add(p->diags,
				GRAMMAR_BAD_NUMBER, i, 0,
				"poll interval '%s' in -p '%s' is out of "
				"range: write %u to %u minutes", colon + 1, w,
				POLL_MIN, POLL_MAX));
		t->poll_minutes = poll;
		t->poll_given = true;
		nlen = (size_t)(colon - w);
	}
	if (nlen == 0)
		return parser_fail(p, diag_add(p->diags, GRAMMAR_BAD_NAME, i, 0,
			"empty policy name in -p '%s': write -p \"Policy "
			"Name\" or -p \"Policy Name\":30", w));
	t->policy = text_dup(w, nlen);
	return t->policy ? 0 : parser_fail(p, GRAMMAR_ENOMEM);
}

static int rule_name_add(struct parser *p, char *name)
{
	struct static_target *t = &p->cmd->target;

	if (array_reserve((void **)&t->rules, t->rule_count,
			  sizeof(*t->rules)) < 0) {
		free(name);
		return parser_fail(p, GRAMMAR_ENOMEM);
	}
	t->rules[t->rule_count++] = name;
	return 0;
}

static int rule_value(struct parser *p, int i)
{
	const char *w = p->words[i];
	char *name;

	if (*w == '\0')
		return parser_fail(p, diag_add(p->diags, GRAMMAR_BAD_NAME, i, 0,
			"empty rule name after -r: write -r \"Rule Name\""));
	name = strdup(w);
	return name ? rule_name_add(p, name) : parser_fail(p, GRAMMAR_ENOMEM);
}

int parse_static_value(struct parser *p, enum opt_id opt, int i)
{
	switch (opt) {
	case OPT_W:
		return store_value(p, i);
	case OPT_P:
		return policy_value(p, i);
	case OPT_R:
		return rule_value(p, i);
	default:
		return 0;
	}
}

/* The rule name used when rule parts come without -r: the canonical
 * filter list, so the same command run again updates the same rule. */
static int rule_name_derive(struct parser *p)
{
	const struct filter_list *list = &p->cmd->rule.filters;
	struct strbuf sb = { 0 };
	char *name;

	for (size_t k = 0; k < list->count; k++) {
		char *text = filter_format(&list->items[k]);

		if (!text)
			return parser_fail(p, GRAMMAR_ENOMEM);
		if (k)
			strbuf_append(&sb, " ");
		strbuf_append(&sb, text);
		free(text);
	}
	name = strbuf_finish(&sb);
	if (!name)
		return parser_fail(p, GRAMMAR_ENOMEM);
	p->cmd->target.rule_derived = true;
	return rule_name_add(p, name);
}

static int static_error(struct parser *p, int code, int argi,
			const char *message)
{
	return parser_fail(p, diag_add(p->diags, code, argi, 0, "%s",
				       message));
}

static int static_check_filters(struct parser *p)
{
	const struct filter_list *list = &p->cmd->rule.filters;

	for (size_t k = 0; k < list->count; k++) {
		const struct filter_spec *f = &list->items[k];
		char *text;
		int ret = 0;

		if (f->mark == FILTER_NEGOTIATE &&
		    (!(p->cmd->parts & PART_QM) ||
		     (f->src.kind != ADDR_GUID && f->dst.kind != ADDR_GUID)))
			continue;
		text = filter_format(f);
		if (!text)
			return parser_fail(p, GRAMMAR_ENOMEM);
		if (f->mark != FILTER_NEGOTIATE)
			ret = diag_add(p->diags, GRAMMAR_BAD_FILTER,
				       p->seen[OPT_F], 0,
				       "permit or block filter '%s' in static "
				       "mode: remove the ( ) or [ ] and write "
				       "-n PASS or -n BLOCK", text);
		else
			ret = diag_add(p->diags, GRAMMAR_CONFLICT,
				       p->seen[OPT_F], 0,
				       "interface GUID in filter '%s' together "
				       "with -n in static mode: write the "
				       "interface's address instead", text);
		free(text);
		return parser_fail(p, ret);
	}
	return 0;
}

int parse_static_finish(struct parser *p)
{
	struct command *cmd = p->cmd;
	struct static_target *t = &cmd->target;
	const int *seen = p->seen;

	if (seen[OPT_W] < 0) {
		static const enum opt_id opts[] = { OPT_P, OPT_R, OPT_X, OPT_Y,
						    OPT_O };
		int first = -1;
		const char *name = "-p";

		for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
			if (seen[opts[k]] >= 0 &&
			    (first < 0 || seen[opts[k]] < first)) {
				first = seen[opts[k]];
				name = p->words[first];
			}
		}
		return parser_fail(p, diag_add(p->diags,
			GRAMMAR_MISSING_OPTION, first, 0,
			"static-mode option '%s' needs a store: add -w reg "
			"(local store) or -w ds (directory)", name));
	}
	t->ike_given = seen[OPT_IKE] >= 0;
	if (cmd->computer)
		return parser_fail(p, diag_add(p->diags, GRAMMAR_CONFLICT, 0, 0,
			"'\\\\%s' applies to dynamic and query mode: for a "
			"stored policy on that host write -w reg:%s",
			cmd->computer, cmd->computer));
	if (seen[OPT_P] < 0 && (p->flags & GRAMMAR_POLICY_OPTIONAL) &&
	    !cmd->parts && seen[OPT_R] < 0 && seen[OPT_X] < 0 &&
	    seen[OPT_Y] < 0 && seen[OPT_O] < 0 && seen[OPT_IKE] < 0 &&
	    seen[OPT_CONFIRM] < 0)
		return 0;
	if (seen[OPT_P] < 0)
		return static_error(p, GRAMMAR_MISSING_OPTION, seen[OPT_W],
				    "missing policy name: add -p \"Policy "
				    "Name\" after -w");
	if (seen[OPT_X] >= 0 && seen[OPT_Y] >= 0)
		return static_error(p, GRAMMAR_CONFLICT, seen[OPT_Y],
				    "-x (assign) and -y (unassign) together: "
				    "write only one of them");
	if (seen[OPT_CONFIRM] >= 0)
		return static_error(p, GRAMMAR_CONFLICT, seen[OPT_CONFIRM],
				    "-confirm works in dynamic mode only: "
				    "remove it or remove -w, -p and -r");
	if (t->delete && cmd->parts)
		return static_error(p, GRAMMAR_CONFLICT, seen[OPT_O],
				    "-o deletes and takes no rule parts: "
				    "remove -o to write the rule, or remove "
				    "the rule options to delete");
	if (t->delete && seen[OPT_IKE] >= 0)
		return static_error(p, GRAMMAR_CONFLICT, seen[OPT_IKE],
				    "--ike sets a policy's key exchange and -o "
				    "deletes: remove one of them");
	if (t->delete && t->assign == ASSIGN_SET)
		return static_error(p, GRAMMAR_CONFLICT, seen[OPT_O],
				    "-o (delete) with -x (assign): write -y -o "
				    "to unassign and delete");
	if (t->rule_count > 1 && !t->delete)
		return static_error(p, GRAMMAR_REPEATED, seen[OPT_R],
				    "-r given more than once: only -o "
				    "(delete) takes several rules, write one "
				    "command per rule");
	if (static_check_filters(p))
		return p->error;
	if (cmd->parts && t->rule_count == 0) {
		if (!(cmd->parts & PART_FILTERS))
			return static_error(p, GRAMMAR_MISSING_OPTION,
					    seen[OPT_P],
					    "rule options without a rule: add "
					    "-r \"Rule Name\"");
		return rule_name_derive(p);
	}
	return 0;
}
