/* Helpers shared by the grammar unit tests. */
#ifndef IPSECCMD_TEST_SUPPORT_H
#define IPSECCMD_TEST_SUPPORT_H

#include "grammar.h"

#include <stdbool.h>
#include <stddef.h>

#define MAX_WORDS 64

/* Words of a line, split at spaces outside double quotes with the quotes
 * removed, as the real-world command file describes. */
struct words {
	char *argv[MAX_WORDS];
	int argc;
	char *buf;
};

void words_split_dquote(struct words *w, const char *line);
/* Split a line the way a POSIX shell does for the quoting the printer
 * emits: single quotes, double quotes and backslash escapes. */
void words_split_shell(struct words *w, const char *line);
void words_free(struct words *w);

/* First error diagnostic's message, or "" when none. */
const char *diag_first_error(const struct diag_list *diags);
size_t diag_warning_count(const struct diag_list *diags);

/* Assert that parse(print(cmd)) == cmd, for the given-only and the full
 * form, and that printing is stable. */
void roundtrip_check(const struct command *cmd, const char *label);

#endif
