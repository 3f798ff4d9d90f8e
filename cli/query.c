/* Placeholder for the query-mode handler until its implementation lands. */
#include "cli.h"

#include <stdio.h>

int cli_run_query(const struct command *cmd, const struct cli_options *opts)
{
	(void)cmd;
	(void)opts;
	fprintf(stderr, "ipseccmd: query mode (show) is not available in this build\n");
	return CLI_EXIT_FAILURE;
}
