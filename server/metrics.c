#include "metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* Upper bounds of the report latency histogram, in seconds. */
static const double latency_bounds[] = { 0.001, 0.0025, 0.005, 0.01, 0.025,
					 0.05,	0.1,	0.25,  0.5,  1,
					 2.5 };
#define BUCKETS (sizeof(latency_bounds) / sizeof(*latency_bounds))

static const char *const reject_names[REJECT_COUNT] = {
	[REJECT_TLS] = "tls",	   [REJECT_FORBIDDEN] = "forbidden",
	[REJECT_BODY] = "body",	   [REJECT_TOO_LARGE] = "too_large",
	[REJECT_NOT_FOUND] = "not_found", [REJECT_METHOD] = "method",
};

static atomic_ullong requests_by_class[6];	/* 0xx..5xx */
static atomic_ullong rejects[REJECT_COUNT];
static atomic_ullong stored;
static atomic_ullong store_errors;
static atomic_ullong latency_buckets[BUCKETS];
static atomic_ullong latency_micros;

void metrics_request(unsigned status)
{
	unsigned cls = status / 100;

	atomic_fetch_add(&requests_by_class[cls < 6 ? cls : 0], 1);
}

void metrics_reject(enum metric_reject reason)
{
	atomic_fetch_add(&rejects[reason], 1);
}

void metrics_report_stored(double seconds)
{
	atomic_fetch_add(&stored, 1);
	atomic_fetch_add(&latency_micros,
			 (unsigned long long)(seconds * 1e6));
	for (size_t i = 0; i < BUCKETS; i++)
		if (seconds <= latency_bounds[i]) {
			atomic_fetch_add(&latency_buckets[i], 1);
			break;
		}
}

void metrics_store_error(void)
{
	atomic_fetch_add(&store_errors, 1);
}

char *metrics_render(long long hosts)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	unsigned long long cumulative = 0;
	unsigned long long total = atomic_load(&stored);

	if (!out)
		return NULL;
	fprintf(out, "# HELP ipseccmd_server_requests_total HTTP requests "
		     "handled, by status class.\n"
		     "# TYPE ipseccmd_server_requests_total counter\n");
	for (unsigned i = 1; i < 6; i++)
		fprintf(out, "ipseccmd_server_requests_total{code=\"%uxx\"} %llu\n",
			i, atomic_load(&requests_by_class[i]));
	fprintf(out, "# HELP ipseccmd_server_rejected_total Requests "
		     "rejected, by reason.\n"
		     "# TYPE ipseccmd_server_rejected_total counter\n");
	for (unsigned i = 0; i < REJECT_COUNT; i++)
		fprintf(out,
			"ipseccmd_server_rejected_total{reason=\"%s\"} %llu\n",
			reject_names[i], atomic_load(&rejects[i]));
	fprintf(out, "# HELP ipseccmd_server_store_errors_total Reports not "
		     "stored because of a database error.\n"
		     "# TYPE ipseccmd_server_store_errors_total counter\n"
		     "ipseccmd_server_store_errors_total %llu\n",
		atomic_load(&store_errors));
	fprintf(out, "# HELP ipseccmd_server_hosts Hosts with a stored "
		     "report.\n# TYPE ipseccmd_server_hosts gauge\n"
		     "ipseccmd_server_hosts %lld\n",
		hosts);
	fprintf(out, "# HELP ipseccmd_server_report_seconds Time from "
		     "request to committed report.\n"
		     "# TYPE ipseccmd_server_report_seconds histogram\n");
	for (size_t i = 0; i < BUCKETS; i++) {
		cumulative += atomic_load(&latency_buckets[i]);
		fprintf(out,
			"ipseccmd_server_report_seconds_bucket{le=\"%g\"} %llu\n",
			latency_bounds[i], cumulative);
	}
	fprintf(out,
		"ipseccmd_server_report_seconds_bucket{le=\"+Inf\"} %llu\n"
		"ipseccmd_server_report_seconds_sum %.6f\n"
		"ipseccmd_server_report_seconds_count %llu\n",
		total, (double)atomic_load(&latency_micros) / 1e6, total);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
