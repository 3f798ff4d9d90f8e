/* Values of the rule options: -f, -n, -t, -a, -1s, -1k, -1f, -1e. */
#include "parse_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Main-mode lifetime, soft SA expiry and quick-mode SA count limits. */
#define MM_SECONDS_MIN 60
#define MM_SECONDS_MAX 172800
#define MM_QM_MAX 2147483647u
#define SOFT_EXPIRY_MIN 1
#define SOFT_EXPIRY_MAX 172800

typedef int (*piece_fn)(struct parser *p, int i, const char *piece);

/* Call fn for each space-separated piece of word i: one quoted argument
 * may contain several filters or offers. */
static int pieces_each(struct parser *p, int i, piece_fn fn)
{
	const char *w = p->words[i];
	int ret = 0;

	if (w[strspn(w, " \t")] == '\0')
		return parser_fail(p, diag_add(p->diags,
			GRAMMAR_MISSING_VALUE, i, 0,
			"empty value after '%s': write a value or remove the "
			"empty quotes", i > 0 ? p->words[i - 1] : ""));
	while (*w) {
		size_t n = strcspn(w, " \t");
		char *piece;

		if (n == 0) {
			w++;
			continue;
		}
		piece = text_dup(w, n);
		if (!piece)
			return parser_fail(p, GRAMMAR_ENOMEM);
		ret = fn(p, i, piece);
		free(piece);
		if (ret == GRAMMAR_ENOMEM)
			return ret;
		w += n;
	}
	return ret;
}

static int filter_add(struct parser *p, struct filter_list *list, int i,
		      const char *text)
{
	struct filter_spec f;
	int ret;

	ret = filter_parse(text, i, &f, p->diags);
	if (ret)
		return parser_fail(p, ret);
	if (array_reserve((void **)&list->items, list->count,
			  sizeof(*list->items)) < 0) {
		filter_free(&f);
		return parser_fail(p, GRAMMAR_ENOMEM);
	}
	list->items[list->count++] = f;
	return 0;
}

static int filter_piece(struct parser *p, int i, const char *piece)
{
	return filter_add(p, &p->cmd->rule.filters, i, piece);
}

static int mm_filter_piece(struct parser *p, int i, const char *piece)
{
	return filter_add(p, &p->cmd->rule.mm_filters, i, piece);
}

static int mm_offer_piece(struct parser *p, int i, const char *piece)
{
	struct rule_spec *r = &p->cmd->rule;
	struct mm_offer o;
	int ret;

	ret = mm_offer_parse(piece, i, &o, p->diags);
	if (ret)
		return parser_fail(p, ret);
	if (array_reserve((void **)&r->mm_offers, r->mm_count,
			  sizeof(*r->mm_offers)) < 0)
		return parser_fail(p, GRAMMAR_ENOMEM);
	r->mm_offers[r->mm_count++] = o;
	return 0;
}

int parse_offer_flush(struct parser *p)
{
	struct qm_policy *qm = &p->cmd->rule.qm;
	struct qm_offer o;
	char *text;
	int ret;

	if (p->offer.len == 0 && !p->offer.failed)
		return 0;
	text = strbuf_finish(&p->offer);
	if (!text)
		return parser_fail(p, GRAMMAR_ENOMEM);
	ret = qm_offer_parse(text, p->offer_argi, &o, p->diags);
	if (ret) {
		parser_fail(p, ret);
		goto out;
	}
	if (p->block_seen) {
		if (!p->ignored_warned)
			ret = diag_warn(p->diags, p->offer_argi, 0,
					"'%s' follows BLOCK or PASS and is "
					"ignored", text);
		p->ignored_warned = true;
		goto out;
	}
	if (array_reserve((void **)&qm->offers, qm->count,
			  sizeof(*qm->offers)) < 0) {
		ret = parser_fail(p, GRAMMAR_ENOMEM);
		goto out;
	}
	qm->offers[qm->count++] = o;
out:
	free(text);
	return ret;
}

static int offer_keyword(struct parser *p, int i, const char *piece)
{
	struct qm_policy *qm = &p->cmd->rule.qm;
	bool block = strcasecmp(piece, "block") == 0;

	if (p->block_seen) {
		if (!p->ignored_warned)
			diag_warn(p->diags, i, 0, "'%s' follows BLOCK or "
				  "PASS and is ignored", piece);
		p->ignored_warned = true;
		return 0;
	}
	if (strcasecmp(piece, "inpass") == 0) {
		qm->inpass = true;
		return 0;
	}
	/* BLOCK and PASS replace the whole list, offers before them too. */
	qm->action = block ? ACTION_BLOCK : ACTION_PERMIT;
	qm->inpass = false;
	free(qm->offers);
	qm->offers = NULL;
	qm->count = 0;
	p->block_seen = true;
	return 0;
}

static int offer_piece(struct parser *p, int i, const char *piece)
{
	char c = piece[0];
	int ret;

	if (strcasecmp(piece, "block") == 0 || strcasecmp(piece, "pass") == 0 ||
	    strcasecmp(piece, "inpass") == 0) {
		ret = parse_offer_flush(p);
		if (ret == GRAMMAR_ENOMEM)
			return ret;
		return offer_keyword(p, i, piece);
	}

	/* A rekey or PFS word belongs to the offer before it. */
	if (isdigit((unsigned char)c) || c == 'p' || c == 'P') {
		if (p->offer.len == 0)
			return parser_fail(p, diag_add(p->diags,
				GRAMMAR_BAD_OFFER, i, 0,
				"'%s' must follow a negotiation policy: write "
				"it after one, such as esp[aes256,sha256] "
				"3600S/50000K PFS", piece));
		strbuf_append(&p->offer, " ");
		strbuf_append(&p->offer, piece);
		return 0;
	}

	ret = parse_offer_flush(p);
	if (ret == GRAMMAR_ENOMEM)
		return ret;
	p->offer_argi = i;
	strbuf_append(&p->offer, piece);
	return 0;
}

static int auth_value(struct parser *p, int i)
{
	struct auth_list *list = &p->cmd->rule.auth;
	struct auth_method a;
	bool after_key = list->count > 0 &&
			 list->items[list->count - 1].kind == AUTH_PRESHARE;
	int ret;

	/* A word that follows a preshared key may be the rest of a key
	 * that lost its quotes, so it is not repeated in the message. */
	ret = auth_parse(p->words[i], i, &a, after_key ? NULL : p->diags);
	if (ret && after_key)
		ret = diag_add(p->diags, ret, i, 0,
			       "invalid authentication method in argument %d, "
			       "after a preshared key: quote a key that "
			       "contains spaces, such as p:\"my key\"", i + 1);
	if (ret)
		return parser_fail(p, ret);
	if (array_reserve((void **)&list->items, list->count,
			  sizeof(*list->items)) < 0) {
		free(a.value);
		return parser_fail(p, GRAMMAR_ENOMEM);
	}
	list->items[list->count++] = a;
	return 0;
}

static int tunnel_value(struct parser *p, int i)
{
	struct rule_spec *r = &p->cmd->rule;
	const char *w = p->words[i];
	char *context = NULL;
	int ret;

	if (asprintf(&context, "tunnel endpoint '%s'", w) < 0)
		return parser_fail(p, GRAMMAR_ENOMEM);
	ret = addr_parse(w, strlen(w), false, i, context, &r->tunnel, p->diags);
	if (ret == 0 && r->tunnel.kind != ADDR_IP &&
	    r->tunnel.kind != ADDR_DNS) {
		addr_free(&r->tunnel);
		r->tunnel.kind = ADDR_ANY;
		ret = diag_add(p->diags, GRAMMAR_BAD_ADDRESS, i, 0,
			       "invalid %s: write the IP address or DNS name "
			       "of the far tunnel end, such as 203.0.113.1",
			       context);
	}
	free(context);
	if (ret)
		return parser_fail(p, ret);
	r->has_tunnel = true;
	return 0;
}

static int mm_rekey_value(struct parser *p, int i)
{
	struct rule_spec *r = &p->cmd->rule;
	const char *w = p->words[i];
	bool seen_q = false, seen_s = false;
	const char *part = w;

	for (int k = 0; k < 2 && *part; k++) {
		size_t n = strspn(part, "0123456789");
		char unit = (char)toupper((unsigned char)part[n]);
		uint32_t v;

		if (n == 0 || (unit != 'Q' && unit != 'S') ||
		    (part[n + 1] != '\0' && part[n + 1] != '/') ||
		    (unit == 'Q' && seen_q) || (unit == 'S' && seen_s))
			goto bad;
		if (unit == 'Q') {
			if (!number_parse(part, n, 0, MM_QM_MAX, &v))
				return parser_fail(p, diag_add(p->diags,
					GRAMMAR_BAD_NUMBER, i, 0,
					"quick-mode SA count '%.*sQ' in -1k "
					"'%s' is out of range: write 0 "
					"(unlimited) to %u", (int)n, part, w,
					MM_QM_MAX));
			r->mm_rekey_qm = v;
			seen_q = true;
		} else {
			if (!number_parse(part, n, MM_SECONDS_MIN,
					  MM_SECONDS_MAX, &v))
				return parser_fail(p, diag_add(p->diags,
					GRAMMAR_BAD_NUMBER, i, 0,
					"main-mode lifetime '%.*sS' in -1k "
					"'%s' is out of range: write %u to %u "
					"seconds", (int)n, part, w,
					MM_SECONDS_MIN, MM_SECONDS_MAX));
			r->mm_rekey_seconds = v;
			seen_s = true;
		}
		part += n + 1;
		if (*part == '/' && k == 0 && part[1] != '\0')
			part++;
		else if (*part != '\0')
			goto bad;
	}
	return 0;
bad:
	return parser_fail(p, diag_add(p->diags, GRAMMAR_BAD_REKEY, i, 0,
		"invalid main-mode rekey setting '%s': write NQ, NS or NQ/NS, "
		"such as 10Q/3600S", w));
}

static int soft_expiry_value(struct parser *p, int i)
{
	const char *w = p->words[i];
	uint32_t v;

	if (!number_parse(w, strlen(w), SOFT_EXPIRY_MIN, SOFT_EXPIRY_MAX, &v))
		return parser_fail(p, diag_add(p->diags, GRAMMAR_BAD_NUMBER, i,
			0, "invalid soft SA expiry '%s': write %u to %u "
			"seconds", w, SOFT_EXPIRY_MIN, SOFT_EXPIRY_MAX));
	p->cmd->rule.soft_expiry_seconds = v;
	return 0;
}

int parse_rule_value(struct parser *p, enum opt_id opt, int i)
{
	switch (opt) {
	case OPT_F:
		return pieces_each(p, i, filter_piece);
	case OPT_N:
		return pieces_each(p, i, offer_piece);
	case OPT_T:
		return tunnel_value(p, i);
	case OPT_A:
		return auth_value(p, i);
	case OPT_1S:
		return pieces_each(p, i, mm_offer_piece);
	case OPT_1K:
		return mm_rekey_value(p, i);
	case OPT_1F:
		return pieces_each(p, i, mm_filter_piece);
	case OPT_1E:
		return soft_expiry_value(p, i);
	default:
		return 0;
	}
}

static int mm_filters_check(struct parser *p)
{
	const struct filter_list *list = &p->cmd->rule.mm_filters;

	for (size_t k = 0; k < list->count; k++) {
		const struct filter_spec *f = &list->items[k];
		char *text;
		int ret;

		if (f->mark == FILTER_NEGOTIATE && !f->is_default &&
		    f->src_port == 0 && f->dst_port == 0 &&
		    f->protocol == PROTO_ANY)
			continue;
		text = filter_format(f);
		if (!text)
			return parser_fail(p, GRAMMAR_ENOMEM);
		ret = diag_add(p->diags, GRAMMAR_BAD_FILTER, p->seen[OPT_1F], 0,
			       "invalid main-mode filter '%s': -1f takes "
			       "addresses only, without ports, protocols, "
			       "( ), [ ] or default", text);
		free(text);
		return parser_fail(p, ret);
	}
	return 0;
}

int parse_rule_finish(struct parser *p)
{
	struct command *cmd = p->cmd;
	struct rule_spec *r = &cmd->rule;
	int ret;

	ret = mm_filters_check(p);
	if (ret)
		return ret;

	if (!(cmd->parts & PART_QM) ||
	    (r->qm.action == ACTION_NEGOTIATE && r->qm.count == 0))
		ret = rule_default_qm(r);
	if (!ret && !(cmd->parts & PART_AUTH))
		ret = rule_default_auth(r);
	if (!ret && !(cmd->parts & PART_MM_OFFERS))
		ret = rule_default_mm_offers(r);
	if (ret)
		return parser_fail(p, ret);
	/* -1k 10Q leaves the lifetime at its default. */
	if (r->mm_rekey_seconds == 0)
		r->mm_rekey_seconds = RULE_DEFAULT_MM_REKEY_SECONDS;
	if (!(cmd->parts & PART_SOFT_EXPIRY))
		r->soft_expiry_seconds = RULE_DEFAULT_SOFT_EXPIRY_SECONDS;
	return 0;
}
