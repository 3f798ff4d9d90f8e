/* The JSON API, /metrics and /healthz (docs/reporting.md). */
#ifndef IPSECCMD_SERVER_ROUTES_H
#define IPSECCMD_SERVER_ROUTES_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "http.h"
#include "metrics.h"

struct route_request {
	const char *method;
	const char *url;
	const char *body;
	size_t body_len;
	const struct peer *peer;
	const char *client;	/* peer CN or address, for logs */
	/* Query string values, looked up through the HTTP layer. */
	const char *(*query)(void *ctx, const char *name);
	void *query_ctx;
	/* Hand a valid report to the store's writer thread; takes a
	 * reference to `doc`. The answer follows once it is committed. */
	void (*submit)(void *ctx, json_t *doc, const char *host);
	void *submit_ctx;
};

struct route_response {
	unsigned status;	/* 0: deferred to submit() */
	json_t *json;		/* body, or NULL when text is set */
	char *text;		/* malloc'ed plain text body */
	const char *content_type;
};

/* Handle one request. Errors set a 4xx or 5xx status and a JSON body
 * {"error": "..."} and are logged with the client. */
void routes_dispatch(struct server *server, const struct route_request *req,
		     struct route_response *res);

/* Fill `res` for a report that was committed (`result` 0) or not, and
 * count it with the time since `start` (CLOCK_MONOTONIC). */
void route_report_stored(struct route_response *res,
			 const struct route_request *req, const char *host,
			 int result, const struct timespec *start);

/* Fill `res` with an error: status, {"error": message}, and a log line
 * naming the client; counts the rejection. */
void route_error(struct route_response *res, const struct route_request *req,
		 unsigned status, enum metric_reject reason, const char *fmt,
		 ...) __attribute__((format(printf, 5, 6)));

#endif
