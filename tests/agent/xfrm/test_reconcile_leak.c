/*
 * Reads the SPD back many times; run under valgrind by ctest. libnl-xfrm-3
 * 3.7.0 leaks about 48 bytes per policy read back, so any use of its
 * objects on this path would show here as definitely lost blocks.
 */
#include "compile.h"
#include "rules.h"
#include "spd.h"

#include <stdio.h>
#include <string.h>

#define FILTERS 300
#define READS 20

int main(void)
{
	static struct filter_spec filters[FILTERS];
	struct spd_addr local = test_addr("192.0.2.1");
	struct spd_host host = test_host(&local, 1);
	struct rule_spec rule;
	struct spd_rule_ref ref = { "many", &rule, NULL };
	struct spd_set wanted = { 0 }, empty = { 0 };
	struct spd_handle *h = spd_open();
	char err[SPD_ERROR_MAX] = "";
	int ret = 1;

	if (!h) {
		perror("test_reconcile_leak: unable to open the XFRM socket");
		return 1;
	}
	for (size_t i = 0; i < FILTERS; i++)
		filters[i] = test_filter_ports(test_me(),
					       test_net("198.51.100.7"), true,
					       FILTER_NEGOTIATE, 6, 0,
					       (uint16_t)(1000 + i));
	rule = test_rule(filters, FILTERS, ACTION_NEGOTIATE, true);
	if (spd_compile(&ref, 1, &host, NULL, 0, &wanted, NULL) ||
	    spd_apply(h, &wanted, NULL, err))
		goto out;

	for (int i = 0; i < READS; i++) {
		struct spd_set shown = { 0 };

		if (spd_reconcile(h) || spd_read(h, &shown) ||
		    shown.count != wanted.count) {
			spd_set_clear(&shown);
			goto out;
		}
		spd_set_clear(&shown);
	}
	if (spd_installed(h)->count != wanted.count ||
	    spd_apply(h, &empty, NULL, NULL))
		goto out;
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "test_reconcile_leak: applying or reading the "
			"SPD failed%s%s\n", err[0] ? ": " : "", err);
	spd_set_clear(&wanted);
	spd_close(h);
	return ret;
}
