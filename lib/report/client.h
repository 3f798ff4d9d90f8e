/*
 * Report client: queues report documents on disk and sends them in order
 * to ipseccmd-server over HTTPS with a client certificate, trusting only
 * the configured CA. Failed sends are retried with exponential backoff
 * and jitter; reports wait in the queue while the server is away.
 *
 * A client is used by one thread at a time. Call curl_global_init() once
 * in the program before the first report_client_new().
 */
#ifndef IPSECCMD_REPORT_CLIENT_H
#define IPSECCMD_REPORT_CLIENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Path of the report endpoint below the server URL. */
#define REPORT_CLIENT_PATH "/v1/reports"

struct report_client_config {
	const char *url;	/* server base URL: https://reports.example:8443 */
	const char *cert;	/* client certificate, PEM; CN is the host name */
	const char *key;	/* its private key, PEM */
	const char *ca;		/* the only CA trusted for the server */
	const char *queue_dir;	/* on-disk queue directory */
	size_t queue_max;	/* reports kept while unsent; 0: 1000 */
	long timeout_ms;	/* per request; 0: 10000 */
	unsigned backoff_initial_ms;	/* 0: 1000 */
	unsigned backoff_max_ms;	/* 0: 300000 */
};

struct report_client;

/* Create a client and open its queue. Returns NULL with one line in
 * `err`. */
struct report_client *report_client_new(const struct report_client_config *cfg,
					char *err, size_t errlen);

void report_client_free(struct report_client *client);

/*
 * Add a report to the queue (the document gets a "queue" member with the
 * count of reports dropped so far). Returns 0, or -1 with errno set when
 * the queue cannot be written.
 */
int report_client_enqueue(struct report_client *client, json_t *report);

/*
 * Send queued reports oldest first, retrying with backoff while
 * `budget_ms` allows; waits that would pass the budget are left for the
 * next call, which honours the backoff already reached. A report the
 * server rejects with a 4xx status other than 408 and 429 is logged and
 * deleted, because sending it again cannot succeed. Returns the number of
 * reports still queued, or -1 when the queue cannot be read.
 */
long report_client_flush(struct report_client *client, unsigned budget_ms);

/* Statistics for the agent's status and tests. */
struct report_client_stats {
	size_t queued;
	uint64_t sent;
	uint64_t rejected;	/* deleted after a 4xx */
	uint64_t dropped;	/* deleted unsent at the queue bound */
	uint64_t failures;	/* failed attempts, each followed by backoff */
	long last_status;	/* HTTP status of the last attempt, 0 if none */
};

void report_client_get_stats(const struct report_client *client,
			     struct report_client_stats *stats);

#endif
