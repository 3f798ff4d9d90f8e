/* GNU-style long options, taken out of argv before the grammar runs. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	}
	argv[kept] = NULL;
	return kept;
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
