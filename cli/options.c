/* GNU-style long options, taken out of argv before the grammar runs. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Every long option of every mode, and whether it takes a value. A value
 * option also accepts its value as the next word ("--host host1"). The
 * mode handlers check which of them apply to their mode. */
static const struct {
	const char *name;
	bool takes_value;
} known_options[] = {
	/* front end */
	{ "dry-run", false },	{ "json", false },
	{ "version", false },	{ "refresh", false },
	/* directory connection: static and dynamic mode */
	{ "ldap-uri", true },	{ "ldap-base", true },
	{ "bind-dn", true },	{ "password-file", true },
	{ "sasl-external", false }, { "starttls", false },
	{ "tls-cert", true },	{ "tls-key", true },
	{ "tls-ca", true },
	/* static mode */
	{ "store-dir", true },	{ "host", true },
	{ "group", true },	{ "add-host", true },
	{ "remove-host", true }, { "delete-host", true },
	{ "to-group", true },	{ "from-group", true },
	{ "add-group", true },	{ "list", false },
	{ "show-policy", false }, { "show-secrets", false },
	{ "export", true },	{ "import", true },
	/* query mode; --agent-socket also dynamic mode and --refresh */
	{ "server", true },	{ "cert", true },
	{ "key", true },	{ "ca", true },
	{ "config", true },	{ "agent-socket", true },
	{ "fleet", false },	{ "stale-after", true },
};

#define KNOWN_COUNT (sizeof(known_options) / sizeof(known_options[0]))

static int known_find(const char *name)
{
	for (size_t i = 0; i < KNOWN_COUNT; i++)
		if (strcmp(known_options[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Levenshtein distance, capped: names are short, so a row of 64 is
 * enough and longer names count as far apart. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];

	if (la >= 64 || lb >= 64)
		return 64;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diagonal = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t above = row[j];
			size_t best = diagonal + (a[i - 1] != b[j - 1]);

			if (above + 1 < best)
				best = above + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diagonal = above;
		}
	}
	return row[lb];
}

/* The known option closest to name, or NULL when none is within two
 * edits or is a prefix match ("--show" for "--show-policy"). */
static const char *known_closest(const char *name)
{
	const char *best = NULL;
	size_t best_distance = 3;

	for (size_t i = 0; i < KNOWN_COUNT; i++) {
		size_t d = edit_distance(name, known_options[i].name);

		if (strlen(name) >= 3 &&
		    strncmp(known_options[i].name, name, strlen(name)) == 0)
			d = 1;
		if (d < best_distance) {
			best_distance = d;
			best = known_options[i].name;
		}
	}
	return best;
}

static bool is_long_option(const char *word)
{
	return word[0] == '-' && word[1] == '-' && word[2] != '\0';
}

/* Long options of the grammar itself, which stay in argv: --help and
 * --ike (a rule and policy setting that --dry-run prints). */
static bool is_grammar_option(const char *word)
{
	return strcmp(word, "--help") == 0 ||
	       (strncasecmp(word, "--ike", 5) == 0 &&
		(word[5] == '\0' || word[5] == '='));
}

int cli_options_split(int argc, char **argv, struct cli_options *opts)
{
	int kept = 1;
	bool done = false;

	opts->items = calloc((size_t)(argc > 0 ? argc : 1),
			     sizeof(*opts->items));
	opts->count = 0;
	if (!opts->items)
		return -1;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		const char *eq;
		struct cli_option *o;

		if (!done && strcmp(w, "--") == 0) {
			done = true;
			continue;
		}
		if (done || !is_long_option(w) || is_grammar_option(w)) {
			argv[kept++] = argv[i];
			continue;
		}
		o = &opts->items[opts->count];
		eq = strchr(w + 2, '=');
		o->name = eq ? strndup(w + 2, (size_t)(eq - w - 2)) :
			       strdup(w + 2);
		o->value = eq ? strdup(eq + 1) : NULL;
		o->used = false;
		opts->count++;
		if (!o->name || (eq && !o->value))
			return -1;
		/* "--host host1" is "--host=host1" for a value option, unless
		 * the next word is itself an option. */
		if (!eq && o->name && known_find(o->name) >= 0 &&
		    known_options[known_find(o->name)].takes_value &&
		    i + 1 < argc && argv[i + 1][0] != '-') {
			o->value = strdup(argv[++i]);
			if (!o->value)
				return -1;
		}
	}
	argv[kept] = NULL;
	return kept;
}

int cli_options_check(const struct cli_options *opts)
{
	for (size_t i = 0; i < opts->count; i++) {
		const char *name = opts->items[i].name;
		const char *close;

		if (known_find(name) >= 0)
			continue;
		close = known_closest(name);
		if (close)
			fprintf(stderr, "ipseccmd: unknown option '--%s': did "
					"you mean --%s?\n", name, close);
		else
			fprintf(stderr, "ipseccmd: unknown option '--%s': see "
					"ipseccmd /? for the options\n", name);
		return -1;
	}
	return 0;
}

struct cli_option *cli_option_take(struct cli_options *opts,
				   const char *name)
{
	for (size_t i = 0; i < opts->count; i++)
		if (strcmp(opts->items[i].name, name) == 0) {
			opts->items[i].used = true;
			return &opts->items[i];
		}
	return NULL;
}

const char *cli_option_value(struct cli_options *opts, const char *name,
			     bool *missing)
{
	struct cli_option *o = cli_option_take(opts, name);

	if (!o)
		return NULL;
	if (!o->value || !*o->value) {
		fprintf(stderr, "ipseccmd: --%s needs a value: write --%s=VALUE\n",
			name, name);
		*missing = true;
	}
	return o->value;
}

bool cli_option_given(const struct cli_options *opts, const char *name)
{
	for (size_t i = 0; i < opts->count; i++)
		if (strcmp(opts->items[i].name, name) == 0)
			return true;
	return false;
}

const char *cli_options_unused(const struct cli_options *opts)
{
	for (size_t i = 0; i < opts->count; i++)
		if (!opts->items[i].used)
			return opts->items[i].name;
	return NULL;
}

void cli_options_free(struct cli_options *opts)
{
	for (size_t i = 0; i < opts->count; i++) {
		free(opts->items[i].name);
		if (opts->items[i].value)
			explicit_bzero(opts->items[i].value,
				       strlen(opts->items[i].value));
		free(opts->items[i].value);
	}
	free(opts->items);
	opts->items = NULL;
	opts->count = 0;
}
