#include "dir_test_util.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void test_server_get(struct test_server *s)
{
	s->uri = getenv("IPSECCMD_TEST_LDAP_URI");
	s->base = getenv("IPSECCMD_TEST_BASE");
	s->admin_dn = getenv("IPSECCMD_TEST_ADMIN_DN");
	s->admin_pwfile = getenv("IPSECCMD_TEST_ADMIN_PWFILE");
	if (!s->uri || !s->base || !s->admin_dn || !s->admin_pwfile)
		fail_msg("run this test through tests/directory/run-with-slapd");
}

struct dir_conn *test_admin_connect(const struct test_server *s)
{
	struct dir_options o = {
		.uri = s->uri,
		.domain = "example.com",
		.bind_dn = s->admin_dn,
		.password_file = s->admin_pwfile,
	};
	struct dir_conn *conn = NULL;
	char msg[512];
	int rc = dir_connect(&o, &conn, msg, sizeof(msg));

	if (rc != DIR_OK)
		fail_msg("admin connect failed: %s", msg);
	return conn;
}

LDAP *test_ldap_bind(const struct test_server *s, const char *dn,
		     const char *password)
{
	LDAP *ld = NULL;
	int version = LDAP_VERSION3;
	struct berval cred = { 0, NULL };

	assert_int_equal(ldap_initialize(&ld, s->uri), LDAP_SUCCESS);
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);
	if (dn) {
		cred.bv_val = (char *)password;
		cred.bv_len = strlen(password);
		assert_int_equal(ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE,
						  &cred, NULL, NULL, NULL),
				 LDAP_SUCCESS);
	}
	return ld;
}

char **test_split(const char *line, int *argc)
{
	char **argv = calloc(strlen(line) + 2, sizeof(*argv));
	char *word = malloc(strlen(line) + 1);
	size_t len = 0;
	bool in_word = false, quoted = false;
	int n = 0;

	assert_non_null(argv);
	assert_non_null(word);
	for (const char *p = line;; p++) {
		if (*p == '\0' || (!quoted && *p == ' ')) {
			if (in_word) {
				word[len] = '\0';
				argv[n++] = strdup(word);
				len = 0;
				in_word = false;
			}
			if (*p == '\0')
				break;
			continue;
		}
		in_word = true;
		if (*p == '"')
			quoted = !quoted;
		else
			word[len++] = *p;
	}
	free(word);
	*argc = n;
	return argv;
}

void test_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

int test_parse_argv(int argc, char **argv, struct command *cmd,
		    struct diag_list *diags)
{
	return grammar_parse(argc, argv, cmd, diags);
}

void test_parse(const char *line, struct command *cmd)
{
	struct diag_list diags = { 0 };
	int argc;
	char **argv = test_split(line, &argc);
	int rc = test_parse_argv(argc, argv, cmd, &diags);

	if (rc != 0)
		fail_msg("parse of '%s' failed: %s", line,
			 diags.count ? diags.items[0].message : "?");
	diag_list_free(&diags);
	test_argv_free(argv);
}

size_t test_count_values(LDAP *ld, const char *dn, const char *attr)
{
	char *attrs[] = { (char *)attr, NULL };
	LDAPMessage *res = NULL;
	struct berval **vals;
	size_t n = 0;

	if (ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
			      attrs, 0, NULL, NULL, NULL, 1, &res) != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return 0;
	}
	vals = ldap_get_values_len(ld, ldap_first_entry(ld, res), attr);
	while (vals && vals[n])
		n++;
	ldap_value_free_len(vals);
	ldap_msgfree(res);
	return n;
}

bool test_entry_exists(LDAP *ld, const char *dn)
{
	LDAPMessage *res = NULL;
	char *attrs[] = { "1.1", NULL };
	int rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
				   attrs, 0, NULL, NULL, NULL, 1, &res);
	bool found = rc == LDAP_SUCCESS && ldap_count_entries(ld, res) == 1;

	ldap_msgfree(res);
	return found;
}
