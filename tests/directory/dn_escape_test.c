/*
 * DNs and search filters built by lib/directory: every special character
 * of RFC 4514 and RFC 4515 is escaped by libldap, and the value parses
 * back unchanged. No server.
 */
#include "dir_internal.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {
	"plain",
	"a, b + c",
	"quote \" back \\ slash",
	"<angle> ; semi = eq",
	"star * (paren) #hash",
	"#leading hash",
	" leading and trailing ",
	"Grüße, 東京 🙂",
};

static void dn_values_round_trip(void **state)
{
	struct dir_conn conn = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		LDAPDN parsed = NULL;
		char *dn = NULL;
		struct berval *v;

		assert_int_equal(dir_dn_child(&conn, "cn=Policies,dc=example,dc=com",
					      "ipsecName", names[i], &dn), DIR_OK);
		assert_int_equal(ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3),
				 LDAP_SUCCESS);
		/* Four RDNs: the new one and the three of the parent. */
		assert_non_null(parsed[3]);
		assert_null(parsed[4]);
		v = &parsed[0][0]->la_value;
		assert_int_equal(v->bv_len, strlen(names[i]));
		assert_memory_equal(v->bv_val, names[i], v->bv_len);
		assert_null(parsed[0][1]);	/* '+' made no second AVA */
		ldap_dnfree(parsed);
		free(dn);
	}
}

static void filter_values_escaped(void **state)
{
	static const struct {
		const char *value;
		const char *filter;
	} cases[] = {
		{ "plain", "(ipsecName=plain)" },
		{ "a*b", "(ipsecName=a\\2Ab)" },
		{ "(x)", "(ipsecName=\\28x\\29)" },
		{ "back\\slash", "(ipsecName=back\\5Cslash)" },
		{ "cn=P\\2C x,dc=c", "(ipsecName=cn=P\\5C2C x,dc=c)" },
	};
	struct dir_conn conn = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *filter = NULL;

		assert_int_equal(dir_filter_eq(&conn, "ipsecName", cases[i].value,
					       &filter), DIR_OK);
		assert_true(strcasecmp(filter, cases[i].filter) == 0);
		free(filter);
	}
}

static void name_limits(void **state)
{
	struct dir_conn conn = { 0 };
	char name[DIR_NAME_MAX + 2];

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(dir_check_name(&conn, "policy", name),
			 DIR_ERR_NAME_TOO_LONG);
	assert_non_null(strstr(conn.message, "use at most 255"));
	name[DIR_NAME_MAX] = '\0';
	assert_int_equal(dir_check_name(&conn, "policy", name), DIR_OK);
	assert_int_equal(dir_check_name(&conn, "rule", ""), DIR_ERR_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dn_values_round_trip),
		cmocka_unit_test(filter_values_escaped),
		cmocka_unit_test(name_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
