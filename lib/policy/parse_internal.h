/* State shared by the command-line parser's source files. */
#ifndef IPSECCMD_PARSE_INTERNAL_H
#define IPSECCMD_PARSE_INTERNAL_H

#include "policy_internal.h"

enum opt_id {
	OPT_F, OPT_N, OPT_T, OPT_A, OPT_1S, OPT_1K, OPT_1P, OPT_1F, OPT_1E,
	OPT_SOFT, OPT_CONFIRM, OPT_DIALUP, OPT_LAN, OPT_U, OPT_W, OPT_P,
	OPT_R, OPT_X, OPT_Y, OPT_O, OPT_HELP, OPT_IKE, OPT_COUNT,
};

struct parser {
	unsigned flags;		/* enum grammar_flags */
	int argc;
	const char **words;	/* argv with dash variants normalized */
	struct command *cmd;
	struct diag_list *diags;
	int error;		/* first error code, 0 while none */
	int seen[OPT_COUNT];	/* argv index of the first use, or -1 */
	bool block_seen;	/* -n BLOCK or PASS: later offers ignored */
	bool ignored_warned;
	struct strbuf offer;	/* -n words of the offer being collected */
	int offer_argi;		/* argv index where that offer started */
	/* --ike, applied after the rule defaults */
	enum ike_protocol_version ike;
};

/* Record an error code from a diag_add() result, keeping the first. */
static inline int parser_fail(struct parser *p, int code)
{
	if (code && !p->error)
		p->error = code;
	return code;
}

/* Handle one value of a rule option (-f, -n, -t, -a, -1s, -1k, -1f,
 * -1e); word i of argv. */
int parse_rule_value(struct parser *p, enum opt_id opt, int i);
/* Parse the -n offer collected so far, if any. Called when a new offer
 * starts, when another option starts and at the end of the line. */
int parse_offer_flush(struct parser *p);
/* After all words: apply defaults for parts not given, check -1f. */
int parse_rule_finish(struct parser *p);

/* Handle one value of -w, -p or -r. */
int parse_static_value(struct parser *p, enum opt_id opt, int i);
/* Check static-mode combinations and derive a missing rule name. */
int parse_static_finish(struct parser *p);

#endif
