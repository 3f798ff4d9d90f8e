/*
 * Fill a server database with N hosts, each with one report, through the
 * server's own store code, for measuring the server with a large fleet.
 *
 * usage: bench-populate DATABASE HOSTS
 */
#include "report.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	struct store_options opts = { .history_per_host = 1 };
	struct report_sources sources;
	unsigned long hosts = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
	struct store *store;
	char err[256];

	if (argc < 3 || hosts == 0) {
		fprintf(stderr, "usage: bench-populate DATABASE HOSTS\n");
		return 2;
	}
	opts.path = argv[1];
	store = store_open(&opts, err, sizeof(err));
	if (!store) {
		fprintf(stderr, "bench-populate: %s\n", err);
		return 1;
	}
	report_sources_default(&sources);
	sources.skip_dump = 1;
	for (unsigned long i = 0; i < hosts; i++) {
		static const struct report_rule rules[] = {
			{ "web", REPORT_RULE_APPLIED, NULL },
			{ "db", REPORT_RULE_FAILED, "template rejected" },
		};
		char host[64];
		struct report_input in = {
			.host = host, .policy = i % 3 ? "Web" : "Db",
			.policy_version = i % 2 + 1, .rules = rules,
			.rule_count = i % 10 ? 1 : 2, .agent_version = "bench",
		};
		json_t *doc;
		char *body;

		snprintf(host, sizeof(host), "host-%05lu", i);
		doc = report_build(&in, &sources, err, sizeof(err));
		body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
		if (!body || store_report_put(store, host, doc, body,
					      time(NULL) - (time_t)(i % 7) * 3600)) {
			fprintf(stderr, "bench-populate: unable to store %s\n",
				host);
			return 1;
		}
		free(body);
		json_decref(doc);
	}
	store_close(store);
	return 0;
}
