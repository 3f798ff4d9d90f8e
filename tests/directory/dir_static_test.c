/*
 * Static mode through lib/directory against a real slapd: the reference's
 * examples, partial rule updates, deletes, assignments with their
 * precedence, names that need escaping, and one-line errors.
 */
#include "dir_test_util.h"
#include "policy_json.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct test_server server;

static int group_setup(void **state)
{
	(void)state;
	test_server_get(&server);
	return 0;
}

/* Parse line and apply it; returns the directory code. */
static int apply_line(struct dir_conn *conn, const char *line,
		      const struct dir_assign_target *t)
{
	struct command cmd = { 0 };
	int rc;

	test_parse(line, &cmd);
	rc = dir_static_apply(conn, &cmd, t);
	command_free(&cmd);
	return rc;
}

static void assert_apply(struct dir_conn *conn, const char *line,
			 const struct dir_assign_target *t)
{
	int rc = apply_line(conn, line, t);

	if (rc != DIR_OK)
		fail_msg("'%s' failed: %s", line, dir_message(conn));
}

static void fetch(struct dir_conn *conn, const char *host, const char *name,
		  struct policy_doc *doc)
{
	char *dn = NULL;

	assert_int_equal(dir_policy_dn(conn, host, name, &dn), DIR_OK);
	if (dir_policy_fetch(conn, dn, doc) != DIR_OK)
		fail_msg("fetch of '%s' failed: %s", dn, dir_message(conn));
	free(dn);
}

/* The rule as read back equals the rule the parser produced. */
static void assert_rule_equal(const struct rule_spec *got,
			      const struct rule_spec *want)
{
	json_t *a = rule_to_json(got, PRINT_SECRETS);
	json_t *b = rule_to_json(want, PRINT_SECRETS);

	if (!json_equal(a, b)) {
		char *ta = json_dumps(a, JSON_SORT_KEYS);
		char *tb = json_dumps(b, JSON_SORT_KEYS);

		fail_msg("stored rule differs:\n got  %s\n want %s", ta, tb);
	}
	json_decref(a);
	json_decref(b);
}

static void reference_domain_example(void **state)
{
	const char *line = "-f 0+SecuredServer1 0+SecuredServer2 -a k "
			   "p:\"corpauth\" -w ds -p \"Default Domain Policy\":30 "
			   "-r \"Secured Servers\"";
	struct dir_conn *conn = test_admin_connect(&server);
	struct policy_doc doc;
	struct command cmd = { 0 };

	(void)state;
	assert_apply(conn, line, NULL);
	fetch(conn, NULL, "Default Domain Policy", &doc);
	test_parse(line, &cmd);
	assert_string_equal(doc.name, "Default Domain Policy");
	assert_int_equal(doc.poll_minutes, 30);
	assert_int_equal(doc.version, 1);
	assert_int_equal(doc.rule_count, 1);
	assert_string_equal(doc.rules[0].name, "Secured Servers");
	assert_int_equal(doc.rules[0].rule.filters.count, 2);
	assert_int_equal(doc.rules[0].rule.auth.count, 2);
	assert_int_equal(doc.rules[0].rule.auth.items[1].kind, AUTH_PRESHARE);
	assert_string_equal(doc.rules[0].rule.auth.items[1].value, "corpauth");
	assert_rule_equal(&doc.rules[0].rule, &cmd.rule);
	command_free(&cmd);
	policy_doc_free(&doc);
	dir_close(conn);
}

static void reference_local_example(void **state)
{
	const char *line = "-f 0+* -a p:\"localauth\" -w reg:web1 "
			   "-p \"Me to Anyone\" -r \"Secure My Traffic\" -x";
	struct dir_conn *conn = test_admin_connect(&server);
	struct policy_doc doc;
	struct command cmd = { 0 };
	bool found = false;

	(void)state;
	assert_apply(conn, line, NULL);
	assert_int_equal(dir_host_local_policy(conn, "web1", &doc, &found),
			 DIR_OK);
	assert_true(found);
	test_parse(line, &cmd);
	assert_string_equal(doc.name, "Me to Anyone");
	assert_int_equal(doc.poll_minutes, POLL_DEFAULT_MINUTES);
	assert_int_equal(doc.rule_count, 1);
	assert_rule_equal(&doc.rules[0].rule, &cmd.rule);
	command_free(&cmd);
	policy_doc_free(&doc);

	/* -y unassigns; the policy stays. */
	assert_apply(conn, "-w reg:web1 -p \"Me to Anyone\" -y", NULL);
	assert_int_equal(dir_host_local_policy(conn, "web1", &doc, &found),
			 DIR_OK);
	assert_false(found);
	dir_close(conn);
}

static void partial_update_keeps_parts(void **state)
{
	struct dir_conn *conn = test_admin_connect(&server);
	struct policy_doc doc;
	uint64_t version = 0;
	char *dn = NULL;

	(void)state;
	assert_apply(conn, "-w ds -p Partial -r R1 -f 0+192.0.2.1 -a p:k1 "
		     "-n esp[3des,sha]", NULL);
	assert_apply(conn, "-w ds -p Partial -r R1 -n BLOCK", NULL);
	fetch(conn, NULL, "Partial", &doc);
	assert_int_equal(doc.rule_count, 1);
	assert_int_equal(doc.rules[0].rule.qm.action, ACTION_BLOCK);
	assert_int_equal(doc.rules[0].rule.filters.count, 1);
	assert_int_equal(doc.rules[0].rule.auth.count, 1);
	assert_string_equal(doc.rules[0].rule.auth.items[0].value, "k1");
	assert_int_equal(doc.version, 2);
	policy_doc_free(&doc);

	/* A second rule, then a poll change: each write steps the version. */
	assert_apply(conn, "-w ds -p Partial:15 -r R2 -f 0+198.51.100.0/24", NULL);
	assert_int_equal(dir_policy_dn(conn, NULL, "Partial", &dn), DIR_OK);
	assert_int_equal(dir_policy_version(conn, dn, &version), DIR_OK);
	assert_int_equal(version, 3);
	fetch(conn, NULL, "Partial", &doc);
	assert_int_equal(doc.poll_minutes, 15);
	assert_int_equal(doc.rule_count, 2);
	assert_string_equal(doc.rules[1].name, "R2");
	policy_doc_free(&doc);
	free(dn);
	dir_close(conn);
}

static void delete_rules_and_policy(void **state)
{
	struct dir_conn *conn = test_admin_connect(&server);
	LDAP *ld = test_ldap_bind(&server, NULL, NULL);
	struct policy_doc doc;
	char *dn = NULL;

	(void)state;
	ldap_unbind_ext_s(ld, NULL, NULL);
	assert_apply(conn, "-w ds -p Doomed -r A -f 0+192.0.2.1", NULL);
	assert_apply(conn, "-w ds -p Doomed -r B -f 0+192.0.2.2", NULL);
	assert_apply(conn, "-w ds -p Doomed -r C -f 0+192.0.2.3 -x", NULL);
	assert_apply(conn, "-w ds -p Doomed -r A -r B -o", NULL);
	fetch(conn, NULL, "Doomed", &doc);
	assert_int_equal(doc.rule_count, 1);
	assert_string_equal(doc.rules[0].name, "C");
	policy_doc_free(&doc);

	/* The policy entry links only to rules that exist. */
	{
		char *pw = NULL;
		FILE *f = fopen(server.admin_pwfile, "r");
		char buf[128] = "";

		assert_non_null(f);
		assert_non_null(fgets(buf, sizeof(buf), f));
		fclose(f);
		pw = buf;
		ld = test_ldap_bind(&server, server.admin_dn, pw);
	}
	assert_int_equal(dir_policy_dn(conn, NULL, "Doomed", &dn), DIR_OK);
	assert_int_equal(test_count_values(ld, dn, "ipsecNFAReference"), 1);

	/* Deleting the policy removes its entries and the domain's link. */
	assert_apply(conn, "-w ds -p Doomed -o", NULL);
	assert_false(test_entry_exists(ld, dn));
	assert_int_equal(test_count_values(ld, dir_root_dn(conn),
					   "ipsecPolicyReference"), 0);
	assert_int_equal(apply_line(conn, "-w ds -p Doomed -o", NULL),
			 DIR_ERR_NOT_FOUND);
	assert_non_null(strstr(dir_message(conn), "'Doomed' not found"));
	free(dn);
	ldap_unbind_ext_s(ld, NULL, NULL);
	dir_close(conn);
}

static void assignment_precedence(void **state)
{
	struct dir_conn *conn = test_admin_connect(&server);
	struct dir_assign_target to_host = { .host = "app1" };
	struct dir_assign_target to_group = { .group = "Web Servers" };
	enum dir_scope scope;
	char *got = NULL;
	char *want = NULL;

	(void)state;
	assert_int_equal(dir_host_add(conn, "app1"), DIR_OK);
	assert_int_equal(dir_host_add(conn, "app2"), DIR_OK);
	assert_int_equal(dir_group_add(conn, "Web Servers"), DIR_OK);
	assert_int_equal(dir_group_member(conn, "app1", "Web Servers", true),
			 DIR_OK);
	assert_apply(conn, "-w ds -p DomainPol -x", NULL);
	assert_apply(conn, "-w ds -p GroupPol -x", &to_group);

	/* app1: group beats domain; app2: domain only. */
	assert_int_equal(dir_host_assigned(conn, "app1", &got, &scope), DIR_OK);
	assert_int_equal(scope, DIR_SCOPE_GROUP);
	assert_int_equal(dir_policy_dn(conn, NULL, "GroupPol", &want), DIR_OK);
	assert_string_equal(got, want);
	free(got);
	free(want);
	assert_int_equal(dir_host_assigned(conn, "app2", &got, &scope), DIR_OK);
	assert_int_equal(scope, DIR_SCOPE_DOMAIN);
	free(got);

	/* The host's own assignment beats both. */
	assert_apply(conn, "-w ds -p HostPol -x", &to_host);
	assert_int_equal(dir_host_assigned(conn, "app1", &got, &scope), DIR_OK);
	assert_int_equal(scope, DIR_SCOPE_HOST);
	free(got);

	/* Leaving the group falls back to the domain after -y on the host. */
	assert_apply(conn, "-w ds -p HostPol -y", &to_host);
	assert_int_equal(dir_group_member(conn, "app1", "Web Servers", false),
			 DIR_OK);
	assert_int_equal(dir_host_assigned(conn, "app1", &got, &scope), DIR_OK);
	assert_int_equal(scope, DIR_SCOPE_DOMAIN);
	free(got);

	/* -x to an unknown host names it. */
	to_host.host = "nosuchhost";
	assert_int_equal(apply_line(conn, "-w ds -p HostPol -x", &to_host),
			 DIR_ERR_NOT_FOUND);
	assert_non_null(strstr(dir_message(conn), "'nosuchhost'"));
	dir_close(conn);
}

static void special_names_round_trip(void **state)
{
	static const char *const names[] = {
		"a, b + c",
		"quote \" back \\ slash",
		"<angle> ; semi = eq",
		"star * (paren) #hash",
		"#leading hash",
		" leading and trailing ",
		"Grüße, 東京 🙂",
	};
	struct dir_conn *conn = test_admin_connect(&server);

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct dir_assign_target t = { .host = names[i] };
		struct policy_doc doc;
		struct command cmd = { 0 };
		char **list = NULL;
		size_t count = 0;
		bool listed = false;
		enum dir_scope scope;
		char *got = NULL;
		char *want = NULL;

		/* Built as argv, so no shell quoting is involved. */
		char *argv[] = { "-w", "ds", "-p", (char *)names[i], "-r",
				 (char *)names[i], "-f", "0+192.0.2.9", NULL };
		struct diag_list diags = { 0 };

		assert_int_equal(test_parse_argv(8, argv, &cmd, &diags), 0);
		diag_list_free(&diags);
		if (dir_static_apply(conn, &cmd, NULL) != DIR_OK)
			fail_msg("name '%s': %s", names[i], dir_message(conn));
		command_free(&cmd);
		fetch(conn, NULL, names[i], &doc);
		assert_string_equal(doc.name, names[i]);
		assert_string_equal(doc.rules[0].name, names[i]);
		policy_doc_free(&doc);

		assert_int_equal(dir_policy_list(conn, NULL, &list, &count), DIR_OK);
		for (size_t j = 0; j < count; j++)
			listed |= strcmp(list[j], names[i]) == 0;
		dir_names_free(list, count);
		assert_true(listed);

		/* Hosts with the same name, assigned through an escaped
		 * search filter when the policy is deleted. */
		assert_int_equal(dir_host_add(conn, names[i]), DIR_OK);
		char *xargv[] = { "-w", "ds", "-p", (char *)names[i], "-x", NULL };

		assert_int_equal(test_parse_argv(5, xargv, &cmd, &diags), 0);
		diag_list_free(&diags);
		assert_int_equal(dir_static_apply(conn, &cmd, &t), DIR_OK);
		command_free(&cmd);
		assert_int_equal(dir_host_assigned(conn, names[i], &got, &scope),
				 DIR_OK);
		assert_int_equal(scope, DIR_SCOPE_HOST);
		assert_int_equal(dir_policy_dn(conn, NULL, names[i], &want), DIR_OK);
		assert_string_equal(got, want);
		free(got);
		free(want);

		char *dargv[] = { "-w", "ds", "-p", (char *)names[i], "-o", NULL };

		assert_int_equal(test_parse_argv(5, dargv, &cmd, &diags), 0);
		diag_list_free(&diags);
		assert_int_equal(dir_static_apply(conn, &cmd, NULL), DIR_OK);
		command_free(&cmd);
		assert_int_equal(dir_host_assigned(conn, names[i], &got, &scope),
				 DIR_OK);
		assert_int_not_equal(scope, DIR_SCOPE_HOST);
		free(got);
	}
	dir_close(conn);
}

static void name_too_long(void **state)
{
	struct dir_conn *conn = test_admin_connect(&server);
	char name[DIR_NAME_MAX + 2];
	char *argv[] = { "-w", "ds", "-p", name, NULL };
	struct command cmd = { 0 };
	struct diag_list diags = { 0 };

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(test_parse_argv(4, argv, &cmd, &diags), 0);
	diag_list_free(&diags);
	assert_int_equal(dir_static_apply(conn, &cmd, NULL),
			 DIR_ERR_NAME_TOO_LONG);
	assert_non_null(strstr(dir_message(conn), "use at most 255"));
	command_free(&cmd);
	dir_close(conn);
}

static int try_connect(struct dir_options *o, char *msg, size_t size)
{
	struct dir_conn *conn = NULL;
	int rc = dir_connect(o, &conn, msg, size);

	assert_true(rc == DIR_OK ? conn != NULL : conn == NULL);
	dir_close(conn);
	assert_null(strchr(msg, '\n'));
	return rc;
}

static void connection_errors(void **state)
{
	char msg[512];
	char path[] = "/tmp/ipseccmd-pw.XXXXXX";
	struct dir_options o = {
		.uri = server.uri,
		.domain = "example.com",
		.bind_dn = server.admin_dn,
		.password_file = server.admin_pwfile,
	};
	int fd;

	(void)state;
	/* A port nothing listens on: bind a socket, read its port, close. */
	o.uri = "ldap://127.0.0.1:1";
	assert_int_equal(try_connect(&o, msg, sizeof(msg)), DIR_ERR_UNREACHABLE);
	o.uri = server.uri;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "wrong\n", 6), 6);
	close(fd);
	o.password_file = path;
	assert_int_equal(try_connect(&o, msg, sizeof(msg)), DIR_ERR_BIND);
	assert_non_null(strstr(msg, "Invalid credentials"));

	chmod(path, 0644);
	assert_int_equal(try_connect(&o, msg, sizeof(msg)),
			 DIR_ERR_PASSWORD_FILE);
	assert_non_null(strstr(msg, "chmod 600"));
	unlink(path);

	o.password_file = server.admin_pwfile;
	o.domain = "nothere.example";
	assert_int_equal(try_connect(&o, msg, sizeof(msg)), DIR_ERR_SCHEMA);
	assert_non_null(strstr(msg, "ipseccmd-ldap-setup"));

	o.domain = "example..com";
	assert_int_equal(try_connect(&o, msg, sizeof(msg)), DIR_ERR_USAGE);

	o.domain = NULL;
	o.base = "dc=example,dc=com";
	assert_int_equal(try_connect(&o, msg, sizeof(msg)), DIR_OK);

	/* Anonymous users see nothing, not even the folders. */
	o.bind_dn = NULL;
	o.password_file = NULL;
	assert_int_equal(try_connect(&o, msg, sizeof(msg)), DIR_ERR_SCHEMA);
}

static void agent_reads_and_dynamic_rules(void **state)
{
	struct dir_conn *conn = test_admin_connect(&server);
	struct command a = { 0 }, b = { 0 };
	struct rule_spec pair[2];
	struct rule_spec *got = NULL;
	size_t count = 0;
	enum dir_scope scope;
	char *dn = NULL;
	uint64_t before = 0, after = 0;

	(void)state;
	assert_int_equal(dir_host_add(conn, "agent1"), DIR_OK);
	assert_int_equal(dir_host_find(conn, "agent1", &dn), DIR_OK);
	free(dn);
	assert_int_equal(dir_host_find(conn, "agent9", &dn), DIR_ERR_NOT_FOUND);
	assert_null(dn);
	/* A host without an entry reads as having nothing. */
	assert_int_equal(dir_host_dynamic_read(conn, "agent9", &got, &count),
			 DIR_OK);
	assert_int_equal(count, 0);
	{
		struct policy_doc none;
		bool found = true;

		assert_int_equal(dir_host_local_policy(conn, "agent9", &none,
						       &found), DIR_OK);
		assert_false(found);
	}

	/* Dynamic rules: written in order, read back equal, then cleared. */
	test_parse("-f 0+192.0.2.5 -n BLOCK", &a);
	test_parse("-f 0+198.51.100.0/24:443:TCP -a p:dynkey", &b);
	pair[0] = a.rule;
	pair[1] = b.rule;
	assert_int_equal(dir_host_dynamic_write(conn, "agent1", pair, 2), DIR_OK);
	assert_int_equal(dir_host_dynamic_read(conn, "agent1", &got, &count),
			 DIR_OK);
	assert_int_equal(count, 2);
	assert_rule_equal(&got[0], &a.rule);
	assert_rule_equal(&got[1], &b.rule);
	dir_rules_free(got, count);
	assert_int_equal(dir_host_dynamic_write(conn, "agent1", NULL, 0), DIR_OK);
	assert_int_equal(dir_host_dynamic_read(conn, "agent1", &got, &count),
			 DIR_OK);
	assert_int_equal(count, 0);
	dir_rules_free(got, count);
	command_free(&a);
	command_free(&b);

	/* The version an agent polls steps with every write. */
	assert_apply(conn, "-w ds -p AgentPol -r R -f 0+192.0.2.6", NULL);
	{
		struct dir_assign_target t = { .host = "agent1" };

		assert_apply(conn, "-w ds -p AgentPol -x", &t);
	}
	assert_int_equal(dir_host_assigned(conn, "agent1", &dn, &scope), DIR_OK);
	assert_int_equal(scope, DIR_SCOPE_HOST);
	assert_int_equal(dir_policy_version(conn, dn, &before), DIR_OK);
	assert_apply(conn, "-w ds -p AgentPol -r R -n PASS", NULL);
	assert_int_equal(dir_policy_version(conn, dn, &after), DIR_OK);
	assert_int_equal(after, before + 1);
	free(dn);
	dir_close(conn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reference_domain_example),
		cmocka_unit_test(reference_local_example),
		cmocka_unit_test(partial_update_keeps_parts),
		cmocka_unit_test(delete_rules_and_policy),
		cmocka_unit_test(assignment_precedence),
		cmocka_unit_test(special_names_round_trip),
		cmocka_unit_test(name_too_long),
		cmocka_unit_test(connection_errors),
		cmocka_unit_test(agent_reads_and_dynamic_rules),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
