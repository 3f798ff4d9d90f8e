/*
 * The local store (lib/store): static-mode semantics on the JSON file,
 * atomic replacement, file modes, one assigned policy. No services.
 */
#include "grammar.h"
#include "store.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ipseccmd-store-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char path[sizeof(dir) + 260];
	DIR *d = opendir(dir);
	struct dirent *e;

	(void)state;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' ||
					    strcmp(e->d_name, "..") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	return 0;
}

/* Apply one command line (words separated by single spaces; no quoting
 * needed in these tests) and commit. */
static int apply(const char *line)
{
	char copy[512];
	char *argv[32];
	int argc = 0;
	struct command cmd = { 0 };
	struct diag_list diags = { 0 };
	struct store *st = NULL;
	char msg[256];
	int rc;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *p = copy; *p && argc < 31;) {
		argv[argc++] = p;
		p = strchr(p, ' ');
		if (!p)
			break;
		*p++ = '\0';
	}
	assert_int_equal(grammar_parse(argc, argv, &cmd, &diags), 0);
	diag_list_free(&diags);
	assert_int_equal(store_open(dir, &st, msg, sizeof(msg)), 0);
	rc = store_apply(st, &cmd);
	if (rc == 0)
		rc = store_commit(st);
	store_close(st);
	command_free(&cmd);
	return rc;
}

static void get(const char *name, struct policy_doc *doc)
{
	struct store *st = NULL;
	char msg[256];

	assert_int_equal(store_open(dir, &st, msg, sizeof(msg)), 0);
	assert_int_equal(store_get(st, name, doc), 0);
	store_close(st);
}

static const char *assigned_name(char *buf, size_t size)
{
	struct store *st = NULL;
	const char **names, *assigned;
	size_t count;
	char msg[256];

	assert_int_equal(store_open(dir, &st, msg, sizeof(msg)), 0);
	assert_int_equal(store_list(st, &names, &count, &assigned), 0);
	snprintf(buf, size, "%s", assigned ? assigned : "");
	store_close(st);
	return buf;
}

static void write_and_read_back(void **state)
{
	struct policy_doc doc;
	struct stat st;
	char path[128];

	(void)state;
	assert_int_equal(apply("-w reg -p P:45 -r R -f 0+192.0.2.1 -a p:k1"), 0);
	get("P", &doc);
	assert_string_equal(doc.name, "P");
	assert_int_equal(doc.poll_minutes, 45);
	assert_int_equal(doc.version, 1);
	assert_int_equal(doc.rule_count, 1);
	assert_string_equal(doc.rules[0].rule.auth.items[0].value, "k1");
	policy_doc_free(&doc);

	snprintf(path, sizeof(path), "%s/store.json", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void partial_update_and_version(void **state)
{
	struct policy_doc doc;

	(void)state;
	assert_int_equal(apply("-w reg -p P -r R -f 0+192.0.2.1 -a p:k1"), 0);
	assert_int_equal(apply("-w reg -p P -r R -n BLOCK"), 0);
	get("P", &doc);
	assert_int_equal(doc.version, 2);
	assert_int_equal(doc.rules[0].rule.qm.action, ACTION_BLOCK);
	assert_int_equal(doc.rules[0].rule.filters.count, 1);
	assert_string_equal(doc.rules[0].rule.auth.items[0].value, "k1");
	policy_doc_free(&doc);
}

static void new_rule_needs_filters(void **state)
{
	char *argv[] = { "-w", "reg", "-p", "P", "-r", "NewRule", "-n",
			 "BLOCK" };
	struct command cmd = { 0 };
	struct diag_list diags = { 0 };
	struct store *st = NULL;
	struct policy_doc doc;
	char msg[256];

	(void)state;
	assert_int_equal(apply("-w reg -p P -r Old -f 0+192.0.2.1"), 0);
	assert_int_equal(grammar_parse(8, argv, &cmd, &diags), 0);
	assert_int_equal(store_open(dir, &st, msg, sizeof(msg)), 0);
	assert_int_not_equal(store_apply(st, &cmd), 0);
	assert_non_null(strstr(store_message(st), "'NewRule'"));
	assert_non_null(strstr(store_message(st), "add -f"));
	store_close(st);
	command_free(&cmd);
	diag_list_free(&diags);

	/* Only -n on an existing rule stays allowed. */
	assert_int_equal(apply("-w reg -p P -r Old -n BLOCK"), 0);
	get("P", &doc);
	assert_int_equal(doc.rule_count, 1);
	assert_int_equal(doc.rules[0].rule.qm.action, ACTION_BLOCK);
	policy_doc_free(&doc);
}

static void delete_rules_then_policy(void **state)
{
	struct policy_doc doc;
	struct store *st = NULL;
	char msg[256];

	(void)state;
	assert_int_equal(apply("-w reg -p P -r A -f 0+192.0.2.1"), 0);
	assert_int_equal(apply("-w reg -p P -r B -f 0+192.0.2.2 -x"), 0);
	assert_int_equal(apply("-w reg -p P -r A -o"), 0);
	get("P", &doc);
	assert_int_equal(doc.rule_count, 1);
	assert_string_equal(doc.rules[0].name, "B");
	policy_doc_free(&doc);
	assert_int_not_equal(apply("-w reg -p P -r Missing -o"), 0);
	assert_int_equal(apply("-w reg -p P -o"), 0);
	assert_int_equal(store_open(dir, &st, msg, sizeof(msg)), 0);
	assert_int_not_equal(store_get(st, "P", &doc), 0);
	assert_non_null(strstr(store_message(st), "'P' not found"));
	store_close(st);
	assert_string_equal(assigned_name(msg, sizeof(msg)), "");
}

static void one_assigned_policy(void **state)
{
	char name[64];

	(void)state;
	assert_int_equal(apply("-w reg -p A -x"), 0);
	assert_string_equal(assigned_name(name, sizeof(name)), "A");
	assert_int_equal(apply("-w reg -p B -x"), 0);
	assert_string_equal(assigned_name(name, sizeof(name)), "B");
	/* -y of another policy leaves the assignment alone. */
	assert_int_equal(apply("-w reg -p A -y"), 0);
	assert_string_equal(assigned_name(name, sizeof(name)), "B");
	assert_int_equal(apply("-w reg -p B -y"), 0);
	assert_string_equal(assigned_name(name, sizeof(name)), "");
}

static void no_temporary_files(void **state)
{
	DIR *d;
	struct dirent *e;
	int files = 0;

	(void)state;
	assert_int_equal(apply("-w reg -p A -r R -f 0+*"), 0);
	assert_int_equal(apply("-w reg -p A -r R -n PASS"), 0);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' || strncmp(e->d_name, ".store", 6) == 0)
			files++;
	closedir(d);
	assert_int_equal(files, 2);	/* store.json and store.lock */
}

static void import_version(void **state)
{
	struct store *st = NULL;
	struct policy_doc doc;
	char msg[256];

	(void)state;
	assert_int_equal(apply("-w reg -p A -r R -f 0+*"), 0);
	get("A", &doc);
	doc.version = 0;
	assert_int_equal(store_open(dir, &st, msg, sizeof(msg)), 0);
	assert_int_equal(store_put(st, &doc), 0);
	assert_int_equal(store_commit(st), 0);
	store_close(st);
	policy_doc_free(&doc);
	get("A", &doc);
	assert_int_equal(doc.version, 2);	/* old + 1 beats 0 */
	policy_doc_free(&doc);
}

static void corrupt_store_named(void **state)
{
	char path[128];
	struct store *st = NULL;
	char msg[256] = "";
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/store.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"format\": \"something-else\"}", f);
	fclose(f);
	assert_int_not_equal(store_open(dir, &st, msg, sizeof(msg)), 0);
	assert_null(st);
	assert_non_null(strstr(msg, "store.json"));
	assert_null(strchr(msg, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(write_and_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(partial_update_and_version, setup, teardown),
		cmocka_unit_test_setup_teardown(new_rule_needs_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(delete_rules_then_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(one_assigned_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(no_temporary_files, setup, teardown),
		cmocka_unit_test_setup_teardown(import_version, setup, teardown),
		cmocka_unit_test_setup_teardown(corrupt_store_named, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
