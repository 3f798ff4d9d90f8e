/*
 * The lines static mode prints after a successful write: one line on
 * stdout per change, and on stderr a warning when a deleted policy was
 * still assigned somewhere.
 */
#include "static_report.h"

#include <inttypes.h>
#include <stdio.h>

/* "host 'h1'", "group 'G'" or "the domain": where -x / -y with -w ds
 * point, or the host of -w reg:HOST, or the local store's one slot. */
static void assign_target_print(const struct command *cmd,
				const struct static_change *c)
{
	if (c->host)
		printf("host '%s'", c->host);
	else if (c->group)
		printf("group '%s'", c->group);
	else if (cmd->target.store == STORE_DS)
		fputs("the domain", stdout);
	else if (cmd->target.location)
		printf("host '%s' as its local policy", cmd->target.location);
	else
		fputs("this host", stdout);
}

static void prefix_print(const struct command *cmd,
			 const struct static_change *c)
{
	printf("policy '%s' version %" PRIu64 " in %s: ", cmd->target.policy,
	       c->version, c->where);
}

void static_changes_print(const struct command *cmd,
			  const struct static_change *c)
{
	const struct static_target *t = &cmd->target;

	if (t->delete && t->rule_count == 0) {
		printf("policy '%s' in %s: deleted\n", t->policy, c->where);
		if (c->lost_count > 0) {
			fprintf(stderr, "ipseccmd: warning: policy '%s' was "
					"assigned, so these lose it: ",
				t->policy);
			for (size_t i = 0; i < c->lost_count; i++)
				fprintf(stderr, "%s%s", i ? ", " : "",
					c->lost[i]);
			fputc('\n', stderr);
		}
		return;
	}
	if (t->delete) {
		for (size_t i = 0; i < t->rule_count; i++) {
			prefix_print(cmd, c);
			printf("rule '%s' deleted\n", t->rules[i]);
		}
	} else if (cmd->has_rule && t->rule_count == 1) {
		prefix_print(cmd, c);
		if (!c->rule_existed)
			printf("rule '%s' added\n", t->rules[0]);
		else if (cmd->parts & PART_FILTERS)
			printf("rule '%s' replaced its filters\n", t->rules[0]);
		else
			printf("rule '%s' updated\n", t->rules[0]);
	} else if (c->version == 1) {
		prefix_print(cmd, c);
		puts("created");
	} else if (t->poll_given) {
		prefix_print(cmd, c);
		printf("poll interval set to %" PRIu32 " minutes\n",
		       t->poll_minutes);
	} else if (t->ike_given) {
		prefix_print(cmd, c);
		printf("IKE version set to %d\n", (int)cmd->rule.ike_version);
	}

	if (t->assign == ASSIGN_SET) {
		prefix_print(cmd, c);
		fputs("assigned to ", stdout);
		assign_target_print(cmd, c);
		putchar('\n');
	} else if (t->assign == ASSIGN_UNSET) {
		prefix_print(cmd, c);
		fputs(c->not_assigned ? "not assigned to " : "unassigned from ",
		      stdout);
		assign_target_print(cmd, c);
		puts(c->not_assigned ? ", so nothing changed" : "");
	}
}
