/*
 * Simulated agents for the server benchmark: N concurrent connections,
 * each with its own host certificate, send reports as fast as the server
 * acknowledges them for a fixed time, over kept-alive HTTPS connections
 * (libcurl multi interface, one thread). Prints requests per second and
 * the median and 99th percentile latency.
 *
 * usage: bench-agents URL PKI_DIR AGENTS SECONDS [PATH [RATE]]
 *   PKI_DIR contains ca.pem and hosts/bench-N.pem/.key for N in 0..AGENTS-1
 *   (deploy/pki/make-pki). PATH "/healthz" sends GET requests instead,
 *   which measures TLS and HTTP alone. RATE, in requests per second over
 *   all agents, paces the agents (an open loop: latency is measured from
 *   the planned send time); without it every agent sends again as soon
 *   as its last report is acknowledged (a closed loop at saturation).
 *   The first second opens the connections and is not measured.
 */
#include "report.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct agent {
	CURL *curl;
	char *body;
	char cert[512];
	char key[512];
	double started;
	double planned;		/* paced mode: when this request was due */
	int waiting;		/* paced mode: not yet started */
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t body_discard(char *data, size_t size, size_t n, void *user)
{
	(void)data;
	(void)user;
	return size * n;
}

static int double_compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static char *report_body(const char *host)
{
	static const struct report_rule rules[] = {
		{ "web", REPORT_RULE_APPLIED, NULL },
		{ "ssh", REPORT_RULE_APPLIED, NULL },
		{ "dns", REPORT_RULE_APPLIED, NULL },
		{ "legacy", REPORT_RULE_SKIPPED, "AH+ESP bundle" },
	};
	struct report_input in = {
		.host = host, .event = REPORT_EVENT_POLL, .policy = "Bench",
		.policy_version = 1, .rules = rules, .rule_count = 4,
		.agent_version = "bench", .agent_uptime_seconds = 1,
	};
	struct report_sources sources;
	char err[256];
	json_t *doc;
	char *body;

	report_sources_default(&sources);
	sources.skip_dump = 1;
	doc = report_build(&in, &sources, err, sizeof(err));
	if (!doc)
		return NULL;
	body = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return body;
}

static void agent_start(CURLM *multi, struct agent *a, const char *url,
			const char *ca, int get)
{
	CURL *c = a->curl;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	curl_easy_setopt(c, CURLOPT_SSLCERT, a->cert);
	curl_easy_setopt(c, CURLOPT_SSLKEY, a->key);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_discard);
	curl_easy_setopt(c, CURLOPT_PRIVATE, a);
	if (!get) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, a->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)strlen(a->body));
	}
	a->started = now_seconds();
	curl_multi_add_handle(multi, c);
}

int main(int argc, char **argv)
{
	const char *path = argc > 5 ? argv[5] : "/v1/reports";
	double rate = argc > 6 ? strtod(argv[6], NULL) : 0;
	double interval;
	/* Requests in the first second open the TLS connections; they are
	 * sent but not measured, nor counted in the rate. */
	const double warmup = 1.0;
	int get = strcmp(path, "/v1/reports") != 0;
	size_t count = argc > 3 ? strtoul(argv[3], NULL, 10) : 0;
	double seconds = argc > 4 ? strtod(argv[4], NULL) : 0;
	struct curl_slist *headers = NULL;
	struct agent *agents;
	double *latencies = NULL;
	size_t done = 0, cap = 1 << 20, errors = 0;
	char url[512], ca[512];
	double start, end;
	CURLM *multi;
	int running = 0;

	if (argc < 5 || count == 0 || seconds <= 0) {
		fprintf(stderr, "usage: bench-agents URL PKI_DIR AGENTS SECONDS "
				"[PATH]\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(url, sizeof(url), "%s%s", argv[1], path);
	snprintf(ca, sizeof(ca), "%s/ca.pem", argv[2]);
	headers = curl_slist_append(NULL, "Content-Type: application/json");
	agents = calloc(count, sizeof(*agents));
	latencies = malloc(cap * sizeof(*latencies));
	multi = curl_multi_init();
	if (!agents || !latencies || !multi)
		return 1;
	/* The default cache keeps 4 connections per transfer in progress;
	 * paced agents have few in progress and would reconnect each time. */
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)count);

	interval = rate > 0 ? (double)count / rate : 0;
	for (size_t i = 0; i < count; i++) {
		char host[64];

		snprintf(host, sizeof(host), "bench-%zu", i);
		snprintf(agents[i].cert, sizeof(agents[i].cert),
			 "%s/hosts/%s.pem", argv[2], host);
		snprintf(agents[i].key, sizeof(agents[i].key), "%s/hosts/%s.key",
			 argv[2], host);
		agents[i].body = report_body(host);
		agents[i].curl = curl_easy_init();
		if (!agents[i].body || !agents[i].curl)
			return 1;
		curl_easy_setopt(agents[i].curl, CURLOPT_HTTPHEADER, headers);
		/* Paced agents start spread over one interval. */
		agents[i].planned = interval * (double)i / (double)count;
		agents[i].waiting = 1;
	}

	start = now_seconds();
	end = start + seconds + warmup;
	for (size_t i = 0; i < count; i++)
		agents[i].planned += start;
	do {
		CURLMsg *msg;
		int left;
		double t0 = now_seconds();

		for (size_t i = 0; i < count; i++)
			if (agents[i].waiting && agents[i].planned <= t0 &&
			    t0 < end) {
				agents[i].waiting = 0;
				agent_start(multi, &agents[i], url, ca, get);
				if (interval > 0)
					agents[i].started = agents[i].planned;
			}

		curl_multi_perform(multi, &running);
		while ((msg = curl_multi_info_read(multi, &left))) {
			struct agent *a;
			long status = 0;
			double t = now_seconds();

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
					  (char **)&a);
			curl_easy_getinfo(msg->easy_handle,
					  CURLINFO_RESPONSE_CODE, &status);
			curl_multi_remove_handle(multi, msg->easy_handle);
			if (msg->data.result != CURLE_OK ||
			    status != (get ? 200 : 201))
				errors++;
			else if (a->started >= start + warmup && done < cap)
				latencies[done++] = t - a->started;
			if (interval > 0) {
				a->planned += interval;
				a->waiting = 1;
			} else if (t < end) {
				agent_start(multi, a, url, ca, get);
			}
		}
		curl_multi_poll(multi, NULL, 0, interval > 0 ? 1 : 100, NULL);
	} while (running > 0 || now_seconds() < end);
	end = now_seconds();

	qsort(latencies, done, sizeof(*latencies), double_compare);
	printf("path=%s agents=%zu paced=%.0f/s seconds=%.1f requests=%zu "
	       "errors=%zu rate=%.0f/s median_ms=%.2f p99_ms=%.2f "
	       "body_bytes=%zu\n",
	       path, count, rate, end - start - warmup, done, errors,
	       (double)done / (end - start - warmup),
	       done ? latencies[done / 2] * 1e3 : 0,
	       done ? latencies[(size_t)((double)done * 0.99)] * 1e3 : 0,
	       get ? 0 : strlen(agents[0].body));

	for (size_t i = 0; i < count; i++) {
		curl_easy_cleanup(agents[i].curl);
		free(agents[i].body);
	}
	curl_multi_cleanup(multi);
	curl_slist_free_all(headers);
	free(agents);
	free(latencies);
	curl_global_cleanup();
	return errors ? 1 : 0;
}
