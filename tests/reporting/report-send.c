/*
 * Test driver: builds reports with lib/report and sends them through the
 * report client, as the agent does.
 *
 * usage: report-send --url=URL --cert=FILE --key=FILE --ca=FILE
 *        --queue=DIR --host=NAME [--policy=NAME --policy-version=N]
 *        [--rule=NAME:applied|skipped|failed[:REASON]]... [--count=N]
 *        [--queue-max=N] [--budget-ms=N] [--no-send] [--stat-file=FILE]
 *        [--no-dump] [--backoff-ms=N]
 *
 * Prints "queued=N sent=N rejected=N dropped=N failures=N" and exits 0
 * when the queue is empty afterwards, 3 when reports are still queued.
 */
#include "client.h"
#include "log.h"
#include "report.h"

#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULES_MAX 64

struct options {
	struct report_client_config client;
	struct report_input input;
	struct report_sources sources;
	struct report_rule rules[RULES_MAX];
	unsigned long count;
	unsigned long budget_ms;
	int no_send;
};

static int rule_parse(char *text, struct report_rule *rule)
{
	char *status = strchr(text, ':');
	char *reason;

	if (!status)
		return -1;
	*status++ = '\0';
	reason = strchr(status, ':');
	if (reason)
		*reason++ = '\0';
	rule->name = text;
	rule->reason = reason;
	if (strcmp(status, "applied") == 0)
		rule->status = REPORT_RULE_APPLIED;
	else if (strcmp(status, "skipped") == 0)
		rule->status = REPORT_RULE_SKIPPED;
	else if (strcmp(status, "failed") == 0)
		rule->status = REPORT_RULE_FAILED;
	else
		return -1;
	return 0;
}

static int options_parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "ca", required_argument, NULL, 'a' },
		{ "queue", required_argument, NULL, 'q' },
		{ "queue-max", required_argument, NULL, 'm' },
		{ "host", required_argument, NULL, 'h' },
		{ "policy", required_argument, NULL, 'p' },
		{ "policy-version", required_argument, NULL, 'v' },
		{ "rule", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'n' },
		{ "budget-ms", required_argument, NULL, 'b' },
		{ "backoff-ms", required_argument, NULL, 'B' },
		{ "no-send", no_argument, NULL, 'N' },
		{ "stat-file", required_argument, NULL, 's' },
		{ "no-dump", no_argument, NULL, 'D' },
		{ 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'u': o->client.url = optarg; break;
		case 'c': o->client.cert = optarg; break;
		case 'k': o->client.key = optarg; break;
		case 'a': o->client.ca = optarg; break;
		case 'q': o->client.queue_dir = optarg; break;
		case 'm': o->client.queue_max = strtoul(optarg, NULL, 10); break;
		case 'h': o->input.host = optarg; break;
		case 'p': o->input.policy = optarg; break;
		case 'v':
			o->input.policy_version = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			if (o->input.rule_count == RULES_MAX ||
			    rule_parse(optarg,
				       &o->rules[o->input.rule_count]) != 0) {
				fprintf(stderr, "report-send: invalid rule "
						"'%s': write NAME:STATUS[:REASON]\n",
					optarg);
				return -1;
			}
			o->input.rule_count++;
			break;
		case 'n': o->count = strtoul(optarg, NULL, 10); break;
		case 'b': o->budget_ms = strtoul(optarg, NULL, 10); break;
		case 'B':
			o->client.backoff_initial_ms =
				(unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'N': o->no_send = 1; break;
		case 's': o->sources.stat_path = optarg; break;
		case 'D': o->sources.skip_dump = 1; break;
		default: return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { .count = 1, .budget_ms = 5000 };
	struct report_client *client = NULL;
	struct report_client_stats stats;
	char err[512];
	long left = 0;
	int ret = 1;

	log_set_ident("report-send");
	report_sources_default(&o.sources);
	o.input.rules = o.rules;
	o.input.agent_version = "test";
	o.input.event = REPORT_EVENT_APPLY;
	if (options_parse(argc, argv, &o) != 0)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);

	client = report_client_new(&o.client, err, sizeof(err));
	if (!client) {
		fprintf(stderr, "report-send: %s\n", err);
		goto out;
	}
	for (unsigned long i = 0; i < o.count; i++) {
		json_t *doc = report_build(&o.input, &o.sources, err, sizeof(err));

		if (!doc) {
			fprintf(stderr, "report-send: %s\n", err);
			goto out;
		}
		if (report_client_enqueue(client, doc) != 0) {
			json_decref(doc);
			fprintf(stderr, "report-send: unable to queue a report\n");
			goto out;
		}
		json_decref(doc);
	}
	if (!o.no_send)
		left = report_client_flush(client, (unsigned)o.budget_ms);
	report_client_get_stats(client, &stats);
	printf("queued=%zu sent=%llu rejected=%llu dropped=%llu failures=%llu "
	       "status=%ld\n",
	       stats.queued, (unsigned long long)stats.sent,
	       (unsigned long long)stats.rejected,
	       (unsigned long long)stats.dropped,
	       (unsigned long long)stats.failures, stats.last_status);
	if (left < 0)
		ret = 1;
	else if (left > 0)
		ret = 3;
	else
		ret = 0;
out:
	report_client_free(client);
	curl_global_cleanup();
	return ret;
}
