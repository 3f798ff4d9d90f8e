/*
 * Statistics of a report under the names Windows' IP Security Monitor
 * used, followed by the Linux counters that have no Windows name. The
 * mapping is documented in docs/reporting.md.
 */
#ifndef IPSECCMD_REPORT_STATS_H
#define IPSECCMD_REPORT_STATS_H

#include <jansson.h>

/*
 * Build [{"name", "value", "source"}] from a report's "xfrm" and "ike"
 * members. "value" is null where the source is missing, such as without
 * key-exchange counters or with an unreadable xfrm_stat. "source" names
 * the Linux counter or the sum it comes from. Returns a new reference or
 * NULL.
 */
json_t *report_stats(const json_t *report);

#endif
