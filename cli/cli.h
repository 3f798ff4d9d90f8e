/*
 * The ipseccmd command-line front end. main() takes GNU-style long options
 * (--name or --name=value) out of argv, handles the ones it owns
 * (--dry-run, --json, --help, --version), parses the rest with
 * grammar_parse() and hands the command to the handler of its mode. Each
 * handler rejects the long options it does not know.
 *
 * Exit status: 0 success, 1 runtime failure, 2 usage error.
 */
#ifndef IPSECCMD_CLI_H
#define IPSECCMD_CLI_H

#include "model.h"

#include <stdbool.h>
#include <stdio.h>

enum cli_exit { CLI_EXIT_OK = 0, CLI_EXIT_FAILURE = 1, CLI_EXIT_USAGE = 2 };

struct cli_option {
	char *name;	/* without the leading "--" */
	char *value;	/* text after '=', or NULL when none was given */
	bool used;	/* set by the handler that consumed it */
};

struct cli_options {
	struct cli_option *items;
	size_t count;
};

/*
 * Move every "--name" and "--name=value" word out of argv (argv[0] stays)
 * into opts, compacting argv in place. A known option that takes a value
 * also takes the next word as its value when that word does not start
 * with '-' ("--host host1"). "--help" and "--ike=N" stay in argv
 * because the grammar reads them, and a bare "--" ends the long options.
 * Returns the new argc, or -1 when out of memory.
 */
int cli_options_split(int argc, char **argv, struct cli_options *opts);

/*
 * Check every option's name against the options of all modes. Prints
 * "unknown option '--hots': did you mean --host?" for the first unknown
 * one and returns -1; returns 0 when all are known.
 */
int cli_options_check(const struct cli_options *opts);

/* Find an option by name and mark it used; NULL if absent. */
struct cli_option *cli_option_take(struct cli_options *opts,
				   const char *name);

/*
 * Take an option that needs a value: NULL if absent. When it is present
 * without a value, print "--NAME needs a value" and set *missing.
 */
const char *cli_option_value(struct cli_options *opts, const char *name,
			     bool *missing);

/* Whether an option is present, without marking it used. */
bool cli_option_given(const struct cli_options *opts, const char *name);

/* Name of the first option no handler marked used, or NULL. */
const char *cli_options_unused(const struct cli_options *opts);

void cli_options_free(struct cli_options *opts);

/* Usage for one mode (MODE_HELP: all modes) on out. */
void cli_usage_print(FILE *out, enum command_mode mode);

/* The one-line synopsis printed after a usage error. */
void cli_synopsis_print(FILE *out);

/*
 * Mode handlers. Each returns an enum cli_exit value and rejects with
 * CLI_EXIT_USAGE any long option in opts it does not handle.
 */
int cli_run_static(const struct command *cmd, const struct cli_options *opts);
int cli_run_dynamic(const struct command *cmd,
		    const struct cli_options *opts);
int cli_run_query(const struct command *cmd, const struct cli_options *opts);

/* `ipseccmd --refresh`: ask the local agent (--agent-socket=PATH) to poll
 * the directory now and print the policy it applies. Defined in
 * dynamic.c. */
int cli_run_refresh(struct cli_options *opts);

#endif
