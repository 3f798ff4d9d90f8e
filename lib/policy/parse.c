/*
 * grammar_parse: argv to struct command. Words are read left to right and
 * options are case-insensitive. Options written with an en dash or em dash
 * (from word processors) are read as '-' with a warning.
 */
#include "parse_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum opt_arity { ARITY_NONE, ARITY_ONE, ARITY_LIST };

struct opt_def {
	const char *name;
	enum opt_id id;
	enum opt_arity arity;
	unsigned part;		/* enum rule_part bit, or 0 */
	bool once;		/* a second use is an error */
};

static const struct opt_def options[] = {
	{ "-f", OPT_F, ARITY_LIST, PART_FILTERS, false },
	{ "-n", OPT_N, ARITY_LIST, PART_QM, false },
	{ "-t", OPT_T, ARITY_ONE, PART_TUNNEL, true },
	{ "-a", OPT_A, ARITY_LIST, PART_AUTH, false },
	{ "-1s", OPT_1S, ARITY_LIST, PART_MM_OFFERS, false },
	{ "-1k", OPT_1K, ARITY_ONE, PART_MM_REKEY, true },
	{ "-1p", OPT_1P, ARITY_NONE, PART_MM_PFS, false },
	{ "-1f", OPT_1F, ARITY_LIST, PART_MM_FILTERS, false },
	{ "-1e", OPT_1E, ARITY_ONE, PART_SOFT_EXPIRY, true },
	{ "-soft", OPT_SOFT, ARITY_NONE, PART_SOFT, false },
	{ "-confirm", OPT_CONFIRM, ARITY_NONE, 0, false },
	{ "-c", OPT_CONFIRM, ARITY_NONE, 0, false },
	{ "-dialup", OPT_DIALUP, ARITY_NONE, PART_CONN, false },
	{ "-lan", OPT_LAN, ARITY_NONE, PART_CONN, false },
	{ "-u", OPT_U, ARITY_NONE, 0, false },
	{ "-w", OPT_W, ARITY_ONE, 0, true },
	{ "-p", OPT_P, ARITY_ONE, 0, true },
	{ "-r", OPT_R, ARITY_ONE, 0, false },
	{ "-x", OPT_X, ARITY_NONE, 0, false },
	{ "-y", OPT_Y, ARITY_NONE, 0, false },
	{ "-o", OPT_O, ARITY_NONE, 0, false },
	{ "-?", OPT_HELP, ARITY_NONE, 0, false },
	{ "/?", OPT_HELP, ARITY_NONE, 0, false },
	{ "--help", OPT_HELP, ARITY_NONE, 0, false },
};

static const struct opt_def *opt_lookup(const char *word)
{
	for (size_t k = 0; k < sizeof(options) / sizeof(options[0]); k++)
		if (strcasecmp(word, options[k].name) == 0)
			return &options[k];
	return NULL;
}

static bool is_option_word(const char *word)
{
	return (word[0] == '-' && word[1] != '\0') || strcmp(word, "/?") == 0;
}

static const char *const dash_names[] = { "\xe2\x80\x93", "\xe2\x80\x94" };

/* Rewrite a leading en dash or em dash to '-'; returns the copy or NULL
 * if the word needs none (or on allocation failure, with *failed set). */
static char *dash_normalize(const char *word, bool *failed)
{
	for (size_t k = 0; k < 2; k++) {
		size_t n = strlen(dash_names[k]);
		char *copy;

		if (strncmp(word, dash_names[k], n) != 0 || word[n] == '\0')
			continue;
		if (asprintf(&copy, "-%s", word + n) < 0) {
			*failed = true;
			return NULL;
		}
		return copy;
	}
	return NULL;
}

static int words_prepare(struct parser *p, char *const argv[])
{
	p->words = calloc((size_t)p->argc + 1, sizeof(*p->words));
	if (!p->words)
		return parser_fail(p, GRAMMAR_ENOMEM);
	for (int i = 0; i < p->argc; i++) {
		bool failed = false;
		char *copy;

		/* Names, keys and DNs go to LDAP and JSON, which both need
		 * UTF-8. The word itself is not shown: it may be a key. */
		if (!utf8_valid(argv[i]))
			return parser_fail(p, diag_add(p->diags,
				GRAMMAR_BAD_NAME, i, 0,
				"argument %d is not valid UTF-8: convert the "
				"command line to UTF-8, for example with "
				"iconv -f WINDOWS-1252 -t UTF-8", i + 1));
		copy = dash_normalize(argv[i], &failed);

		if (failed)
			return parser_fail(p, GRAMMAR_ENOMEM);
		p->words[i] = copy ? copy : argv[i];
		if (copy && opt_lookup(copy))
			diag_warn(p->diags, i, 0,
				  "option '%s' is written with a typographic "
				  "dash: read as '%s'", argv[i], copy);
	}
	return 0;
}

static void words_free(struct parser *p, char *const argv[])
{
	if (!p->words)
		return;
	for (int i = 0; i < p->argc; i++)
		if (p->words[i] != argv[i])
			free((char *)p->words[i]);
	free(p->words);
}

/* Help anywhere on the line: usage for the mode the other words name. */
static bool help_detect(struct parser *p, int start)
{
	struct command *cmd = p->cmd;
	bool help = false;
	enum command_mode mode = MODE_HELP;

	/* Only option words are looked up: a rule may have 10,000 filter
	 * words, and a lookup compares with every option name. */
	for (int i = start; i < p->argc && !help; i++) {
		const struct opt_def *o = is_option_word(p->words[i]) ?
					  opt_lookup(p->words[i]) : NULL;

		if (o && o->id == OPT_HELP)
			help = true;
	}
	if (!help)
		return false;
	if (start < p->argc && strcasecmp(p->words[start], "show") == 0)
		mode = MODE_QUERY;
	for (int i = start; i < p->argc && mode != MODE_QUERY; i++) {
		const struct opt_def *o = opt_lookup(p->words[i]);

		if (!o || o->id == OPT_HELP)
			continue;
		if (o->id == OPT_W || o->id == OPT_P || o->id == OPT_R ||
		    o->id == OPT_X || o->id == OPT_Y || o->id == OPT_O)
			mode = MODE_STATIC;
		else if (o->id == OPT_U && mode == MODE_HELP)
			mode = MODE_DYNAMIC_DELETE;
		else if (mode == MODE_HELP)
			mode = MODE_DYNAMIC;
	}
	cmd->mode = MODE_HELP;
	cmd->help_mode = mode;
	return true;
}

static const struct {
	const char *name;
	unsigned bits;
} topics[] = {
	{ "filters", SHOW_FILTERS }, { "policies", SHOW_POLICIES },
	{ "auth", SHOW_AUTH },	     { "stats", SHOW_STATS },
	{ "sas", SHOW_SAS },	     { "all", SHOW_ALL },
};

static int query_parse(struct parser *p, int start)
{
	for (int i = start; i < p->argc; i++) {
		const char *w = p->words[i];
		bool found = false;

		for (size_t k = 0; k < sizeof(topics) / sizeof(topics[0]); k++)
			if (strcasecmp(w, topics[k].name) == 0) {
				p->cmd->show |= topics[k].bits;
				found = true;
			}
		if (!found)
			parser_fail(p, diag_add(p->diags, GRAMMAR_BAD_TOPIC, i,
				0, "invalid show topic '%s': write filters, "
				"policies, auth, stats, sas or all", w));
	}
	if (p->cmd->show == 0 && !p->error)
		parser_fail(p, diag_add(p->diags, GRAMMAR_BAD_TOPIC, start - 1,
			0, "missing show topic: write show all, or any of "
			"filters, policies, auth, stats, sas"));
	p->cmd->mode = MODE_QUERY;
	return p->error;
}

static void flag_apply(struct parser *p, enum opt_id id)
{
	struct command *cmd = p->cmd;

	switch (id) {
	case OPT_1P:
		cmd->rule.mm_pfs = true;
		break;
	case OPT_SOFT:
		cmd->rule.soft = true;
		break;
	case OPT_CONFIRM:
		cmd->confirm = true;
		break;
	case OPT_DIALUP:
		cmd->rule.conn = CONN_DIALUP;
		break;
	case OPT_LAN:
		cmd->rule.conn = CONN_LAN;
		break;
	case OPT_X:
		cmd->target.assign = ASSIGN_SET;
		break;
	case OPT_Y:
		cmd->target.assign = ASSIGN_UNSET;
		break;
	case OPT_O:
		cmd->target.delete = true;
		break;
	default:
		break;
	}
}

static int value_apply(struct parser *p, enum opt_id id, int i)
{
	if (id == OPT_W || id == OPT_P || id == OPT_R)
		return parse_static_value(p, id, i);
	return parse_rule_value(p, id, i);
}

static int option_begin(struct parser *p, const struct opt_def *o, int i,
			int *next)
{
	*next = i + 1;
	if (p->seen[o->id] >= 0 && o->once)
		return parser_fail(p, diag_add(p->diags, GRAMMAR_REPEATED, i, 0,
			"option '%s' given twice: write it once", p->words[i]));
	if (p->seen[o->id] < 0)
		p->seen[o->id] = i;
	p->cmd->parts |= o->part;

	if (o->arity == ARITY_NONE) {
		flag_apply(p, o->id);
		return 0;
	}
	if (i + 1 >= p->argc || opt_lookup(p->words[i + 1]) ||
	    (o->arity == ARITY_LIST && is_option_word(p->words[i + 1])))
		return parser_fail(p, diag_add(p->diags, GRAMMAR_MISSING_VALUE,
			i, 0, "missing value after '%s': see ipseccmd %s /? "
			"for its form", p->words[i], p->words[i]));
	*next = i + 2;
	return value_apply(p, o->id, i + 1);
}

/* --ike=1 or --ike=2, written GNU-style because the Windows command has
 * no such option; returns true when word i is one. */
static bool ike_option(struct parser *p, int i)
{
	const char *w = p->words[i];
	const char *value;

	if (strncasecmp(w, "--ike", 5) != 0 || (w[5] != '\0' && w[5] != '='))
		return false;
	if (p->seen[OPT_IKE] >= 0) {
		parser_fail(p, diag_add(p->diags, GRAMMAR_REPEATED, i, 0,
			"option '--ike' given twice: write it once"));
		return true;
	}
	p->seen[OPT_IKE] = i;
	value = w[5] == '=' ? w + 6 : "";
	if (strcmp(value, "1") == 0)
		p->ike = IKE_V1;
	else if (strcmp(value, "2") == 0)
		p->ike = IKE_V2;
	else
		parser_fail(p, diag_add(p->diags, *value ? GRAMMAR_BAD_NUMBER :
			GRAMMAR_MISSING_VALUE, i, 6,
			"invalid IKE version '%s' in '%s': write --ike=2 "
			"(IKEv2, the default) or --ike=1 (IKEv1 Main Mode "
			"and Quick Mode)", value, w));
	return true;
}

static void words_parse(struct parser *p, int start)
{
	const struct opt_def *list = NULL;	/* option taking more words */
	int i = start;

	while (i < p->argc) {
		const char *w = p->words[i];
		const struct opt_def *o;
		int next;

		if (!is_option_word(w)) {
			if (list) {
				value_apply(p, list->id, i);
			} else {
				const char *prev = i > 0 ? p->words[i - 1] :
						   "";

				parser_fail(p, diag_add(p->diags,
					GRAMMAR_UNKNOWN_OPTION, i, 0,
					"unexpected word '%s' after '%s': "
					"quote values that contain spaces, "
					"such as -p \"My Policy\"", w, prev));
			}
			i++;
			continue;
		}

		parse_offer_flush(p);
		if (ike_option(p, i)) {
			list = NULL;
			i++;
			continue;
		}
		o = opt_lookup(w);
		if (!o) {
			parser_fail(p, diag_add(p->diags,
				GRAMMAR_UNKNOWN_OPTION, i, 0,
				"unknown option '%s': see ipseccmd /? for the "
				"options", w));
			list = NULL;
			i++;
			continue;
		}
		option_begin(p, o, i, &next);
		list = o->arity == ARITY_LIST ? o : NULL;
		i = next;
	}
	parse_offer_flush(p);
}

static int mode_finish(struct parser *p)
{
	struct command *cmd = p->cmd;
	const int *seen = p->seen;
	bool is_static = seen[OPT_W] >= 0 || seen[OPT_P] >= 0 ||
			 seen[OPT_R] >= 0 || seen[OPT_X] >= 0 ||
			 seen[OPT_Y] >= 0 || seen[OPT_O] >= 0;

	cmd->has_rule = cmd->parts != 0;
	if (seen[OPT_DIALUP] >= 0 && seen[OPT_LAN] >= 0)
		return parser_fail(p, diag_add(p->diags, GRAMMAR_CONFLICT,
			seen[OPT_LAN] > seen[OPT_DIALUP] ? seen[OPT_LAN] :
			seen[OPT_DIALUP], 0, "-dialup and -lan together: "
			"write one of them, or neither for all adapters"));

	if (seen[OPT_U] >= 0) {
		for (int k = 0; k < OPT_COUNT; k++)
			if (k != OPT_U && seen[k] >= 0)
				return parser_fail(p, diag_add(p->diags,
					GRAMMAR_CONFLICT, seen[k], 0,
					"-u deletes all dynamic rules and "
					"takes no other option: remove '%s'",
					p->words[seen[k]]));
		cmd->mode = MODE_DYNAMIC_DELETE;
		return 0;
	}

	if (is_static) {
		cmd->mode = MODE_STATIC;
		if (!cmd->target.poll_given)
			cmd->target.poll_minutes = POLL_DEFAULT_MINUTES;
		if (parse_static_finish(p))
			return p->error;
		return parse_rule_finish(p);
	}

	cmd->mode = MODE_DYNAMIC;
	if (seen[OPT_F] < 0) {
		if (cmd->parts == 0 && !cmd->confirm)
			return parser_fail(p, diag_add(p->diags,
				GRAMMAR_MISSING_OPTION, -1, 0,
				"missing command: write -f FILTERS to add a "
				"rule, -w reg -p NAME for a stored policy, "
				"show all, or /? for help"));
		return parser_fail(p, diag_add(p->diags,
			GRAMMAR_MISSING_OPTION, -1, 0,
			"missing filter list: add -f with one or more "
			"filters, such as -f 0+*"));
	}
	return parse_rule_finish(p);
}

/* The \\ComputerName prefix, first word only; returns the next index. */
static int computer_parse(struct parser *p)
{
	const char *w = p->argc > 0 ? p->words[0] : "";

	if (strncmp(w, "\\\\", 2) != 0)
		return 0;
	if (w[2] == '\0' || strpbrk(w + 2, "\\/ ") != NULL) {
		parser_fail(p, diag_add(p->diags, GRAMMAR_BAD_NAME, 0, 0,
			"invalid computer name '%s': write \\\\NAME as the "
			"first word", w));
		return 1;
	}
	p->cmd->computer = strdup(w + 2);
	if (!p->cmd->computer)
		parser_fail(p, GRAMMAR_ENOMEM);
	return 1;
}

static void computer_check_rest(struct parser *p, int start)
{
	for (int i = start; i < p->argc; i++)
		if (strncmp(p->words[i], "\\\\", 2) == 0) {
			parser_fail(p, diag_add(p->diags, GRAMMAR_BAD_NAME, i,
				0, "computer name '%s' must be the first word: "
				"move it before all options", p->words[i]));
			return;
		}
}

int grammar_parse(int argc, char *const argv[], struct command *out,
		  struct diag_list *diags)
{
	return grammar_parse_flags(argc, argv, 0, out, diags);
}

int grammar_parse_flags(int argc, char *const argv[], unsigned flags,
			struct command *out, struct diag_list *diags)
{
	struct parser p = {
		.flags = flags,
		.argc = argc < 0 ? 0 : argc,
		.cmd = out,
		.diags = diags,
	};
	int start;

	memset(out, 0, sizeof(*out));
	for (int k = 0; k < OPT_COUNT; k++)
		p.seen[k] = -1;
	if (words_prepare(&p, argv))
		goto out;

	start = computer_parse(&p);
	if (help_detect(&p, start)) {
		free(out->computer);
		out->computer = NULL;
		goto out;
	}
	computer_check_rest(&p, start);
	if (p.error)
		goto out;
	if (start < p.argc && strcasecmp(p.words[start], "show") == 0) {
		query_parse(&p, start + 1);
		goto out;
	}

	words_parse(&p, start);
	if (!p.error)
		mode_finish(&p);
	/* After the rule defaults, which reset the whole rule. */
	if (!p.error && (out->mode == MODE_STATIC || out->mode == MODE_DYNAMIC))
		out->rule.ike_version = p.ike;
out:
	free(strbuf_finish(&p.offer));
	words_free(&p, argv);
	if (p.error)
		command_free(out);
	return p.error;
}
