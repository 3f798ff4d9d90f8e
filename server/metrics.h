/* Server counters, exported at /metrics in Prometheus text format. */
#ifndef IPSECCMD_SERVER_METRICS_H
#define IPSECCMD_SERVER_METRICS_H

#include <stddef.h>

enum metric_reject {
	REJECT_TLS,		/* missing or untrusted client certificate */
	REJECT_FORBIDDEN,	/* role or host name does not allow it */
	REJECT_BODY,		/* malformed, duplicate keys, wrong types */
	REJECT_TOO_LARGE,
	REJECT_NOT_FOUND,
	REJECT_METHOD,
	REJECT_COUNT,
};

void metrics_request(unsigned status);
void metrics_reject(enum metric_reject reason);
void metrics_report_stored(double seconds);
void metrics_store_error(void);

/* Render every counter; `hosts` is the stored host count (or -1).
 * Returns a malloc'ed string. */
char *metrics_render(long long hosts);

#endif
