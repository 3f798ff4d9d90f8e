/*
 * charon's SAs and counters for the report's "ike" member, read from the
 * --pretty output of `swanctl --list-sas`, `--stats` and `--counters`.
 * Parsing is separate from running swanctl, so unit tests feed text.
 */
#ifndef IPSECCMD_REPORT_CHARON_H
#define IPSECCMD_REPORT_CHARON_H

#include <jansson.h>

/*
 * Parse swanctl --pretty output (VICI messages printed as `name {`,
 * `key = value`, `key = [` and `}`/`]` lines) into an array with one
 * object per top-level message. Returns NULL when the text is not in
 * that shape or memory runs out.
 */
json_t *charon_pretty_parse(const char *text);

/*
 * Build the report's "ike" object from swanctl's --pretty output of
 * --list-sas, --stats and --counters; any may be NULL when that command
 * failed (--counters needs charon's counters plugin). The object carries
 * totals (ike_sas, child_sas, bytes and packets in and out, rekeys,
 * half-open SAs), the names `ipseccmd show stats` reads (main_mode_sas,
 * quick_mode_sas, rekeys, pending_key_operations) and an "sas" list with
 * each IKE SA and its CHILD_SAs. Returns NULL when list_sas is NULL.
 */
json_t *charon_ike_build(const char *list_sas, const char *stats,
			 const char *counters);

#endif
