/* ipseccmd: parse the command line and dispatch to the mode's handler. */
#include "cli.h"
#include "grammar.h"
#include "policy_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void warnings_print(const struct diag_list *diags)
{
	for (size_t i = 0; i < diags->count; i++)
		if (diags->items[i].is_warning)
			fprintf(stderr, "ipseccmd: warning: %s\n",
				diags->items[i].message);
}

/* A usage error is the first error alone: later ones often follow from
 * it, and warnings would bury it. */
static void error_print(const struct diag_list *diags)
{
	for (size_t i = 0; i < diags->count; i++)
		if (!diags->items[i].is_warning) {
			fprintf(stderr, "ipseccmd: %s\n",
				diags->items[i].message);
			return;
		}
}

/* --dry-run: the canonical line; a static command writes only the parts it
 * gives, so only those are printed. */
static int dry_run_print(const struct command *cmd)
{
	unsigned flags = cmd->mode == MODE_STATIC ? PRINT_GIVEN_ONLY : 0;
	char *line = command_format(cmd, flags);

	if (!line) {
		fputs("ipseccmd: out of memory\n", stderr);
		return CLI_EXIT_FAILURE;
	}
	printf("ipseccmd %s\n", line);
	free(line);
	return CLI_EXIT_OK;
}

static int json_print(const struct command *cmd)
{
	json_t *json = command_to_json(cmd, 0);
	int ret = CLI_EXIT_OK;

	if (!json || json_dumpf(json, stdout, JSON_INDENT(2)) < 0) {
		fputs("ipseccmd: unable to write JSON: out of memory\n",
		      stderr);
		ret = CLI_EXIT_FAILURE;
	} else {
		putchar('\n');
	}
	json_decref(json);
	return ret;
}

/* Static-mode options that work on the store as a whole, so the line
 * needs no -p. */
static bool store_admin_given(const struct cli_options *opts)
{
	static const char *const names[] = { "list", "add-host", "add-group",
					     "remove-host", "delete-host",
					     "import" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (cli_option_given(opts, names[i]))
			return true;
	return false;
}

/* Run the mode's handler. A handler reports a usage error in one line,
 * and the synopsis follows it, as after a grammar error. */
static int dispatch(const struct command *cmd, struct cli_options *opts)
{
	int ret = CLI_EXIT_OK;

	switch (cmd->mode) {
	case MODE_STATIC:
		ret = cli_run_static(cmd, opts);
		break;
	case MODE_QUERY:
		ret = cli_run_query(cmd, opts);
		break;
	case MODE_DYNAMIC:
	case MODE_DYNAMIC_DELETE:
		ret = cli_run_dynamic(cmd, opts);
		break;
	case MODE_HELP:
		cli_usage_print(stdout, cmd->help_mode);
		break;
	}
	if (ret == CLI_EXIT_USAGE)
		cli_synopsis_print(stderr);
	return ret;
}

/* Whether --json goes to the mode handler, which prints its own result
 * as JSON, rather than printing the parsed command. */
static bool json_dispatched(const struct command *cmd,
			    const struct cli_options *opts)
{
	if (cmd->mode == MODE_QUERY)
		return true;
	return cmd->mode == MODE_STATIC &&
	       (cli_option_given(opts, "show-policy") ||
		cli_option_given(opts, "list"));
}

/* --refresh takes no other words; only the agent's socket option may go
 * with it. */
static int refresh_run(int argc, struct cli_options *opts)
{
	int ret;

	cli_option_take(opts, "refresh");
	if (argc > 1) {
		fputs("ipseccmd: --refresh takes no other words: write "
		      "ipseccmd --refresh [--agent-socket=PATH]\n", stderr);
		cli_synopsis_print(stderr);
		return CLI_EXIT_USAGE;
	}
	ret = cli_run_refresh(opts);
	if (ret == CLI_EXIT_USAGE)
		cli_synopsis_print(stderr);
	return ret;
}

int main(int argc, char **argv)
{
	struct cli_options opts = { 0 };
	struct diag_list diags = { 0 };
	struct command cmd = { 0 };
	bool dry_run, as_json;
	unsigned flags;
	int ret = CLI_EXIT_FAILURE;

	argc = cli_options_split(argc, argv, &opts);
	if (argc < 0) {
		fputs("ipseccmd: out of memory\n", stderr);
		goto out;
	}
	if (cli_option_take(&opts, "version")) {
		printf("ipseccmd %s\n", IPSECCMD_VERSION);
		ret = CLI_EXIT_OK;
		goto out;
	}
	if (cli_options_check(&opts) != 0) {
		cli_synopsis_print(stderr);
		ret = CLI_EXIT_USAGE;
		goto out;
	}
	if (cli_option_given(&opts, "refresh")) {
		ret = refresh_run(argc, &opts);
		goto out;
	}
	dry_run = cli_option_take(&opts, "dry-run") != NULL;
	as_json = cli_option_given(&opts, "json");

	flags = store_admin_given(&opts) ? GRAMMAR_POLICY_OPTIONAL : 0;
	if (grammar_parse_flags(argc - 1, argv + 1, flags, &cmd, &diags) != 0) {
		error_print(&diags);
		cli_synopsis_print(stderr);
		ret = CLI_EXIT_USAGE;
		goto out;
	}
	warnings_print(&diags);

	if (cmd.mode == MODE_HELP) {
		cli_usage_print(stdout, cmd.help_mode);
		ret = CLI_EXIT_OK;
	} else if (as_json && !dry_run && json_dispatched(&cmd, &opts)) {
		/* The handler reads --json and prints its result as JSON. */
		ret = dispatch(&cmd, &opts);
	} else if (as_json || dry_run) {
		/* The mode handler, which would read the other long options,
		 * does not run. */
		cli_option_take(&opts, "json");
		for (size_t i = 0; i < opts.count; i++)
			if (!opts.items[i].used)
				fprintf(stderr, "ipseccmd: warning: --%s is "
					"ignored with --%s\n",
					opts.items[i].name,
					as_json ? "json" : "dry-run");
		ret = as_json ? json_print(&cmd) : dry_run_print(&cmd);
	} else {
		ret = dispatch(&cmd, &opts);
	}
out:
	command_free(&cmd);
	diag_list_free(&diags);
	cli_options_free(&opts);
	return ret;
}
