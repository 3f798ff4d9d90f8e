/* Shared by the directory tests that run against a private slapd. */
#ifndef IPSECCMD_DIR_TEST_UTIL_H
#define IPSECCMD_DIR_TEST_UTIL_H

#include "directory.h"
#include "grammar.h"

#include <ldap.h>

/* The slapd started by tests/lib/test-slapd, from its variables. */
struct test_server {
	const char *uri;
	const char *base;
	const char *admin_dn;
	const char *admin_pwfile;
};

/* Read the IPSECCMD_TEST_* variables; fails the test when missing. */
void test_server_get(struct test_server *s);

/* Connect as the administrator with -w ds:example.com semantics. */
struct dir_conn *test_admin_connect(const struct test_server *s);

/* A raw libldap session bound as dn with a password (NULL: anonymous). */
LDAP *test_ldap_bind(const struct test_server *s, const char *dn,
		     const char *password);

/* Parse a command line given as one string, split at spaces outside
 * double quotes, quotes removed. Fails the test on a parse error. */
void test_parse(const char *line, struct command *cmd);

/* grammar_parse, for the tests of this folder. */
int test_parse_argv(int argc, char **argv, struct command *cmd,
		    struct diag_list *diags);

/* Split a line as above into a NULL-terminated argv (free with
 * test_argv_free). */
char **test_split(const char *line, int *argc);
void test_argv_free(char **argv);

/* Values of one attribute of one entry, through the admin session. */
size_t test_count_values(LDAP *ld, const char *dn, const char *attr);
bool test_entry_exists(LDAP *ld, const char *dn);

#endif
