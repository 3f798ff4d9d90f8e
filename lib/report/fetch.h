/* Reads from ipseccmd-server's JSON API with an administrator
 * certificate, for `ipseccmd \\HOST show` and the fleet summary. */
#ifndef IPSECCMD_REPORT_FETCH_H
#define IPSECCMD_REPORT_FETCH_H

#include <jansson.h>
#include <stddef.h>

struct report_fetch_config {
	const char *url;	/* server base URL */
	const char *cert;
	const char *key;
	const char *ca;		/* the only CA trusted for the server */
	long timeout_ms;	/* 0: 10000 */
};

/*
 * GET `path` (for example "/v1/hosts/web1") and parse the JSON response.
 * Returns the HTTP status with *out set for a 2xx response, or -1 when
 * the server cannot be reached or returns no JSON. Errors go to `err` as
 * one line, with the server's {"error"} text for 4xx and 5xx responses.
 */
long report_fetch(const struct report_fetch_config *cfg, const char *path,
		  json_t **out, char *err, size_t errlen);

#endif
