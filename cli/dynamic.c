/* Placeholder for the dynamic-mode handler until its implementation lands. */
#include "cli.h"

#include <stdio.h>

int cli_run_dynamic(const struct command *cmd, const struct cli_options *opts)
{
	(void)cmd;
	(void)opts;
	fprintf(stderr, "ipseccmd: dynamic mode (rules for the running agent) is not available in this build\n");
	return CLI_EXIT_FAILURE;
}
