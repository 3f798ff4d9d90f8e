/*
 * libFuzzer target for grammar_parse and filter_parse. The input is split
 * at newlines into argv words. Every accepted command must print to a
 * line that parses back to an equal command, and its rule must survive a
 * JSON round trip. Any difference aborts.
 */
#include "grammar.h"
#include "policy_json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_WORDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Split a printed line the way a POSIX shell does for the quoting the
 * printer emits. */
static int shell_split(char *line, char **argv, int max)
{
	char *in = line, *out = line;
	int argc = 0;

	while (*in) {
		while (*in == ' ')
			in++;
		if (!*in)
			break;
		if (argc == max)
			return -1;
		argv[argc++] = out;
		while (*in && *in != ' ') {
			char quote = *in;

			if (quote == '\'' || quote == '"') {
				for (in++; *in && *in != quote; in++)
					*out++ = *in;
				if (!*in)
					abort();	/* unbalanced output */
				in++;
			} else if (quote == '\\') {
				in++;
				if (!*in)
					abort();
				*out++ = *in++;
			} else {
				*out++ = *in++;
			}
		}
		if (*in)
			in++;
		*out++ = '\0';
	}
	return argc;
}

static void roundtrip_check(const struct command *cmd)
{
	char *line = command_format(cmd, PRINT_GIVEN_ONLY | PRINT_SECRETS);
	char *argv[FUZZ_MAX_WORDS * 8];
	struct command back;
	int argc;

	if (!line)
		abort();
	argc = shell_split(line, argv, FUZZ_MAX_WORDS * 8);
	if (argc < 0)
		abort();
	if (grammar_parse(argc, argv, &back, NULL) != 0)
		abort();
	if (!command_equal(cmd, &back))
		abort();
	command_free(&back);
	free(line);
}

static void json_check(const struct command *cmd)
{
	json_t *json;
	struct rule_spec back;
	char err[256];

	if (cmd->mode != MODE_DYNAMIC && !cmd->has_rule)
		return;
	json = rule_to_json(&cmd->rule, PRINT_SECRETS);
	if (!json)
		abort();
	if (rule_from_json(json, &back, err, sizeof(err)) != 0)
		abort();
	if (!rule_equal(&cmd->rule, &back))
		abort();
	rule_free(&back);
	json_decref(json);
	json = command_to_json(cmd, 0);
	if (!json)
		abort();
	json_decref(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char *argv[FUZZ_MAX_WORDS];
	struct diag_list diags = { 0 };
	struct filter_spec filter;
	struct command cmd;
	int argc = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (filter_parse(text, 0, &filter, &diags) == 0) {
		char *printed = filter_format(&filter);

		filter_free(&filter);
		if (!printed || filter_parse(printed, 0, &filter, NULL) != 0)
			abort();
		filter_free(&filter);
		free(printed);
	}
	diag_list_free(&diags);

	for (char *p = text; p && argc < FUZZ_MAX_WORDS;) {
		char *nl = strchr(p, '\n');

		argv[argc++] = p;
		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : NULL;
	}
	if (size > 0 && grammar_parse(argc, argv, &cmd, &diags) == 0) {
		roundtrip_check(&cmd);
		json_check(&cmd);
		command_free(&cmd);
	}
	diag_list_free(&diags);
	free(text);
	return 0;
}
