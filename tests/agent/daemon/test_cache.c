#include "cache.h"
#include "dynrules.h"
#include "effective.h"
#include "statefile.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static char folder[] = "/tmp/daemon-cache-XXXXXX";
static char path[64];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(folder))
		return -1;
	snprintf(path, sizeof(path), "%s/state", folder);
	return 0;
}

static int teardown(void **state)
{
	char aside[96];

	(void)state;
	snprintf(aside, sizeof(aside), "%s.rejected", path);
	unlink(aside);
	unlink(path);
	rmdir(folder);
	return 0;
}

static json_t *doc_named(const char *name, int version)
{
	return json_pack("{s:s, s:i, s:i, s:[]}", "name", name, "version",
			 version, "poll_minutes", 5, "rules");
}

static void assignment_beats_local(void **state)
{
	json_t *assigned = doc_named("Domain", 3);
	json_t *local = doc_named("Local", 1);
	json_t *dynamic = json_pack("[{s:s}]", "marker", "d1");
	json_t *e;

	(void)state;
	e = effective_compose(assigned, "group", local, dynamic);
	assert_non_null(e);
	assert_null(effective_check(e));
	assert_string_equal(effective_policy_name(e), "Domain");
	assert_int_equal(effective_policy_version(e), 3);
	assert_string_equal(json_string_value(json_object_get(e, "origin")),
			    "directory");
	assert_string_equal(json_string_value(json_object_get(
				    e, "assigned_from")), "group");
	assert_int_equal(json_array_size(json_object_get(e, "dynamic")), 1);
	json_decref(e);

	e = effective_compose(NULL, "group", local, dynamic);
	assert_string_equal(effective_policy_name(e), "Local");
	assert_string_equal(json_string_value(json_object_get(e, "origin")),
			    "local");
	assert_true(json_is_null(json_object_get(e, "assigned_from")));
	assert_int_equal(json_array_size(json_object_get(e, "dynamic")), 1);
	json_decref(e);

	e = effective_compose(NULL, NULL, NULL, NULL);
	assert_string_equal(effective_policy_name(e), "(none)");
	assert_string_equal(json_string_value(json_object_get(e, "origin")),
			    "none");
	assert_true(json_is_null(json_object_get(e, "policy")));
	json_decref(e);

	json_decref(assigned);
	json_decref(local);
	json_decref(dynamic);
}

static void cache_round_trip(void **state)
{
	json_t *doc = doc_named("Web", 7);
	json_t *e = effective_compose(doc, "host", NULL, NULL);
	json_t *back;
	struct stat st;

	(void)state;
	assert_int_equal(cache_save(path, e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	back = cache_load(path);
	assert_non_null(back);
	assert_true(json_equal(back, e));
	json_decref(back);
	json_decref(e);
	json_decref(doc);
}

static void cache_corrupt_rejected(void **state)
{
	json_t *e = effective_compose(NULL, NULL, NULL, NULL);
	FILE *f;

	(void)state;
	assert_int_equal(cache_save(path, e), 0);
	f = fopen(path, "r+");
	assert_non_null(f);
	assert_int_equal(fseek(f, -2, SEEK_END), 0);
	fputc('X', f);
	fclose(f);
	assert_null(cache_load(path));
	json_decref(e);
}

static void cache_wrong_shape_rejected(void **state)
{
	static const char *const bodies[] = {
		"[1, 2]",
		"{\"format\": 2, \"origin\": \"none\", \"policy\": null, "
		"\"dynamic\": []}",
		"{\"format\": 1, \"policy\": null, \"dynamic\": []}",
		"{\"format\": 1, \"origin\": \"none\", \"policy\": 5, "
		"\"dynamic\": []}",
		"{\"format\": 1, \"origin\": \"none\", \"policy\": null, "
		"\"dynamic\": {}}",
		"not json",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		json_t *e = json_loads(bodies[i], 0, NULL);

		if (e) {
			assert_non_null(effective_check(e));
			json_decref(e);
		}
		/* Written with a valid checksum: only the shape is wrong. */
		assert_int_equal(statefile_write(path, bodies[i],
						 strlen(bodies[i])), 0);
		assert_null(cache_load(path));
	}
}

static void dynamic_rules_persist(void **state)
{
	struct dynrules set;
	json_t *two = json_pack("[{s:i}, {s:i}]", "n", 1, "n", 2);

	(void)state;
	unlink(path);
	assert_int_equal(dynrules_load(&set, path), 0);
	assert_int_equal(json_array_size(set.rules), 0);
	assert_int_equal(dynrules_add(&set, two), 0);
	assert_int_equal(dynrules_add(&set, two), 0);
	dynrules_free(&set);

	assert_int_equal(dynrules_load(&set, path), 0);
	assert_int_equal(json_array_size(set.rules), 4);
	assert_int_equal(dynrules_clear(&set), 4);
	dynrules_free(&set);

	assert_int_equal(dynrules_load(&set, path), 0);
	assert_int_equal(json_array_size(set.rules), 0);
	dynrules_free(&set);
	json_decref(two);
}

static void dynamic_corrupt_set_aside(void **state)
{
	struct dynrules set;
	char aside[96];

	(void)state;
	assert_int_equal(statefile_write(path, "{\"not\": \"array\"}", 16), 0);
	assert_int_equal(dynrules_load(&set, path), 0);
	assert_int_equal(json_array_size(set.rules), 0);
	snprintf(aside, sizeof(aside), "%s.rejected", path);
	assert_int_equal(access(aside, F_OK), 0);
	assert_int_equal(access(path, F_OK), -1);
	dynrules_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(assignment_beats_local),
		cmocka_unit_test(cache_round_trip),
		cmocka_unit_test(cache_corrupt_rejected),
		cmocka_unit_test(cache_wrong_shape_rejected),
		cmocka_unit_test(dynamic_rules_persist),
		cmocka_unit_test(dynamic_corrupt_set_aside),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
