/*
 * Reader for /proc/net/xfrm_stat: one "Name <spaces> value" line per
 * counter. Counters are kept by name because newer kernels add names
 * (XfrmAcquireError in 5.x, XfrmOutStateDirError in 6.x, ...).
 */
#ifndef IPSECCMD_IPSEC_STAT_H
#define IPSECCMD_IPSEC_STAT_H

#include <jansson.h>
#include <stdio.h>

#define IPSEC_STAT_PATH "/proc/net/xfrm_stat"

/*
 * Parse counters from a stream into a new JSON object {name: value}.
 * Lines that do not hold a name and an unsigned decimal value are skipped.
 * Returns the object, or NULL when out of memory.
 */
json_t *ipsec_stat_parse(FILE *in);

/* Open and parse `path`. Returns NULL with errno set when it cannot be
 * read (kernels without CONFIG_XFRM_STATISTICS have no such file). */
json_t *ipsec_stat_read(const char *path);

#endif
