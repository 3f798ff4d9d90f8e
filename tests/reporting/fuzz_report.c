/*
 * libFuzzer target for the report parsers that take untrusted input: the
 * server's report check (JSON from any host with a certificate), the
 * statistics and query output built from a report, and the
 * /proc/net/xfrm_stat reader.
 */
#include "ipsec_stat.h"
#include "report.h"
#include "show.h"
#include "stats.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in = fmemopen((void *)data, size, "r");
	json_t *doc;
	char err[256];

	if (in) {
		json_decref(ipsec_stat_parse(in));
		fclose(in);
	}

	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!doc)
		return 0;
	report_validate(doc, err, sizeof(err));
	json_decref(report_stats(doc));
	json_decref(report_show_json(doc, 0x1f, 5));
	in = fopen("/dev/null", "w");
	if (in) {
		report_show_print(in, doc, 0x1f, -1);
		fclose(in);
	}
	json_decref(doc);
	return 0;
}
