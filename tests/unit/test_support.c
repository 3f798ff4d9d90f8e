#include "test_support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void words_split_dquote(struct words *w, const char *line)
{
	char *out;
	bool in_quotes = false, have = false;

	memset(w, 0, sizeof(*w));
	w->buf = calloc(strlen(line) + 1, 2);
	assert_non_null(w->buf);
	out = w->buf;
	for (const char *p = line;; p++) {
		if (*p == '"') {
			in_quotes = !in_quotes;
			have = true;
			continue;
		}
		if (*p == '\0' || (*p == ' ' && !in_quotes)) {
			if (have) {
				*out++ = '\0';
				assert_true(w->argc < MAX_WORDS);
				w->argc++;
			}
			have = false;
			if (*p == '\0')
				break;
			continue;
		}
		have = true;
		*out++ = *p;
	}
	/* Words are NUL-separated in buf; an unbalanced quote runs to the
	 * end of the line. */
	out = w->buf;
	for (int i = 0; i < w->argc; i++) {
		w->argv[i] = out;
		out += strlen(out) + 1;
	}
}

void words_split_shell(struct words *w, const char *line)
{
	char *out;
	bool have = false;

	memset(w, 0, sizeof(*w));
	w->buf = calloc(strlen(line) + 1, 2);
	assert_non_null(w->buf);
	out = w->buf;
	for (const char *p = line;; p++) {
		if (*p == '\0' || *p == ' ') {
			if (have) {
				*out++ = '\0';
				assert_true(w->argc < MAX_WORDS);
				w->argc++;
			}
			have = false;
			if (*p == '\0')
				break;
			continue;
		}
		have = true;
		if (*p == '\'') {
			for (p++; *p && *p != '\''; p++)
				*out++ = *p;
			assert_int_equal(*p, '\'');
		} else if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				*out++ = *p;
			assert_int_equal(*p, '"');
		} else if (*p == '\\') {
			p++;
			assert_true(*p != '\0');
			*out++ = *p;
		} else {
			*out++ = *p;
		}
	}
	out = w->buf;
	for (int i = 0; i < w->argc; i++) {
		w->argv[i] = out;
		out += strlen(out) + 1;
	}
}

void words_free(struct words *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

const char *diag_first_error(const struct diag_list *diags)
{
	for (size_t i = 0; i < diags->count; i++)
		if (!diags->items[i].is_warning)
			return diags->items[i].message;
	return "";
}

size_t diag_warning_count(const struct diag_list *diags)
{
	return diags->count - diag_error_count(diags);
}

static void roundtrip_one(const struct command *cmd, unsigned flags,
			  const char *label)
{
	struct diag_list diags = { 0 };
	struct command back;
	struct words w;
	char *line, *again;
	int ret;

	line = command_format(cmd, flags);
	assert_non_null(line);
	words_split_shell(&w, line);
	ret = grammar_parse(w.argc, w.argv, &back, &diags);
	if (ret != 0)
		fail_msg("%s: canonical line '%s' does not parse: %s", label,
			 line, diag_first_error(&diags));
	if (!(flags & PRINT_GIVEN_ONLY))
		back.parts = cmd->parts;
	if (!(flags & PRINT_GIVEN_ONLY) && cmd->mode == MODE_STATIC)
		back.has_rule = cmd->has_rule;
	if (!command_equal(cmd, &back))
		fail_msg("%s: parse(print()) differs for '%s'", label, line);
	again = command_format(&back, flags);
	assert_non_null(again);
	assert_string_equal(line, again);
	free(again);
	free(line);
	command_free(&back);
	diag_list_free(&diags);
	words_free(&w);
}

void roundtrip_check(const struct command *cmd, const char *label)
{
	roundtrip_one(cmd, PRINT_GIVEN_ONLY | PRINT_SECRETS, label);
	roundtrip_one(cmd, PRINT_SECRETS, label);
}
