/*
 * Query output of `ipseccmd show`: selected topics of one report as text
 * or JSON, and the fleet summary.
 */
#ifndef IPSECCMD_REPORT_SHOW_H
#define IPSECCMD_REPORT_SHOW_H

#include <jansson.h>
#include <stdio.h>

/* Topic bits; the same values as enum show_topic in lib/policy/model.h. */
enum report_topic {
	REPORT_SHOW_FILTERS = 1u << 0,
	REPORT_SHOW_POLICIES = 1u << 1,
	REPORT_SHOW_AUTH = 1u << 2,
	REPORT_SHOW_STATS = 1u << 3,
	REPORT_SHOW_SAS = 1u << 4,
};

/*
 * The selected topics of `report` as one JSON object: {"host",
 * "age_seconds" (null for live local data), "filters", "policies",
 * "auth", "stats", "sas"}, each present only when selected.
 */
json_t *report_show_json(const json_t *report, unsigned topics,
			 long long age_seconds);

/* The same as text for a terminal. */
void report_show_print(FILE *out, const json_t *report, unsigned topics,
		       long long age_seconds);

/* The server's fleet summary (GET /v1/fleet) as text. */
void report_fleet_print(FILE *out, const json_t *fleet);

#endif
