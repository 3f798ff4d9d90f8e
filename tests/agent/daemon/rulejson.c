/*
 * daemon-rulejson: prints the rule of an ipseccmd command line in the
 * policy library's JSON form, the way the CLI sends it to the agent.
 *
 *   daemon-rulejson -f 192.0.2.10+192.0.2.20 -n block
 */
#include "grammar.h"
#include "policy_json.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	struct diag_list diags = { 0 };
	struct command cmd;
	json_t *rule;
	int ret;

	ret = grammar_parse(argc - 1, argv + 1, &cmd, &diags);
	for (size_t i = 0; i < diags.count; i++)
		fprintf(stderr, "daemon-rulejson: %s\n", diags.items[i].message);
	diag_list_free(&diags);
	if (ret != 0)
		return 1;
	rule = rule_to_json(&cmd.rule, PRINT_SECRETS);
	command_free(&cmd);
	if (!rule || json_dumpf(rule, stdout, JSON_COMPACT) < 0)
		return 1;
	putchar('\n');
	json_decref(rule);
	return 0;
}
