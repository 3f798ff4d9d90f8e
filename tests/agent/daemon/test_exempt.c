#include "exempt.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

struct want {
	int family;
	const char *address;
	uint16_t port;
};

static void check_item(const struct exempt_list *list, size_t i,
		       const struct want *w)
{
	char text[INET6_ADDRSTRLEN] = "";

	assert_int_equal(list->items[i].addr.family, w->family);
	inet_ntop(w->family, list->items[i].addr.bytes, text, sizeof(text));
	assert_string_equal(text, w->address);
	assert_int_equal(list->items[i].port, w->port);
	assert_int_equal(list->items[i].protocol, IPPROTO_TCP);
	assert_non_null(list->labels[i]);
}

static void uris_give_peers(void **state)
{
	static const struct want wants[] = {
		{ AF_INET, "192.0.2.5", 389 },
		{ AF_INET, "192.0.2.6", 1636 },
		{ AF_INET, "198.51.100.7", 636 },
		{ AF_INET6, "2001:db8::1", 8443 },
	};
	struct agent_config cfg;
	struct exempt_list list;
	const char *why;

	(void)state;
	assert_int_equal(config_set_defaults(&cfg), 0);
	assert_int_equal(config_set(&cfg, "directory_uri",
				    "ldap://192.0.2.5 ldaps://192.0.2.6:1636,"
				    "ldapi:/// ldaps://198.51.100.7", &why), 0);
	assert_int_equal(config_set(&cfg, "report_url",
				    "https://[2001:db8::1]:8443/", &why), 0);
	assert_int_equal(exempt_collect(&cfg, &list), 0);
	assert_int_equal(list.count, 4);
	for (size_t i = 0; i < 4; i++)
		check_item(&list, i, &wants[i]);
	assert_non_null(strstr(list.labels[3], "report server"));
	exempt_free(&list);
	config_free(&cfg);
}

static void off_gives_none(void **state)
{
	struct agent_config cfg;
	struct exempt_list list;
	const char *why;

	(void)state;
	assert_int_equal(config_set_defaults(&cfg), 0);
	assert_int_equal(config_set(&cfg, "directory_uri", "ldap://192.0.2.5",
				    &why), 0);
	assert_int_equal(config_set(&cfg, "lockout_protection", "no", &why),
			 0);
	assert_int_equal(exempt_collect(&cfg, &list), 0);
	assert_int_equal(list.count, 0);
	exempt_free(&list);
	config_free(&cfg);
}

static void bad_uris_skipped(void **state)
{
	struct agent_config cfg;
	struct exempt_list list;
	const char *why;

	(void)state;
	assert_int_equal(config_set_defaults(&cfg), 0);
	assert_int_equal(config_set(&cfg, "directory_uri",
				    "not-a-uri ldap://192.0.2.9:3389", &why), 0);
	assert_int_equal(config_set(&cfg, "report_url", "::bad::", &why), 0);
	assert_int_equal(exempt_collect(&cfg, &list), 0);
	assert_int_equal(list.count, 1);
	assert_int_equal(list.items[0].port, 3389);
	exempt_free(&list);
	config_free(&cfg);
}

static void json_lists_peers(void **state)
{
	struct agent_config cfg;
	struct exempt_list list;
	const char *why;
	json_t *json;

	(void)state;
	assert_int_equal(config_set_defaults(&cfg), 0);
	assert_int_equal(config_set(&cfg, "directory_uri", "ldap://192.0.2.5",
				    &why), 0);
	assert_int_equal(exempt_collect(&cfg, &list), 0);
	json = exempt_to_json(&list);
	assert_int_equal(json_array_size(json), 1);
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json, 0), "address")), "192.0.2.5");
	assert_int_equal(json_integer_value(json_object_get(
		json_array_get(json, 0), "port")), 389);
	json_decref(json);
	exempt_free(&list);
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uris_give_peers),
		cmocka_unit_test(off_gives_none),
		cmocka_unit_test(bad_uris_skipped),
		cmocka_unit_test(json_lists_peers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
