/* Unit tests of the server's report store: latest report, history
 * pruning, fleet summary and the writer thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOW 2000000000

struct fixture {
	char dir[64];
	char path[96];
	struct store *store;
};

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store_options opts = { .history_per_host = 3, .history_days = 1 };
	char err[256];

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/store-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/server.db", f->dir);
	opts.path = f->path;
	f->store = store_open(&opts, err, sizeof(err));
	assert_non_null(f->store);
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(f->store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Store one report; policy NULL stores a host without a policy. */
static void put(struct store *store, const char *host, const char *policy,
		int version, const char *result, time_t received)
{
	json_t *doc = json_pack("{s:i, s:s, s:s, s:o}", "schema_version", 1,
				"host", host, "result", result, "policy",
				policy ? json_pack("{s:s, s:i}", "name", policy,
						   "version", version)
				       : json_null());
	char *body = json_dumps(doc, JSON_COMPACT);

	assert_non_null(body);
	assert_int_equal(store_report_put(store, host, doc, body, received), 0);
	free(body);
	json_decref(doc);
}

static json_int_t member_int(const json_t *obj, const char *key)
{
	const json_t *value = json_object_get(obj, key);

	assert_true(json_is_integer(value));
	return json_integer_value(value);
}

static void latest_report_replaces(void **state)
{
	struct fixture *f = *state;
	int found = -1;
	json_t *host;

	put(f->store, "web1", "Web", 1, "applied", NOW - 10);
	put(f->store, "web1", "Web", 2, "partial", NOW - 5);
	host = store_host_get(f->store, "web1", NOW, &found);
	assert_int_equal(found, 1);
	assert_int_equal(member_int(host, "age_seconds"), 5);
	assert_int_equal(member_int(json_object_get(json_object_get(host,
								    "report"),
						    "policy"),
				    "version"),
			 2);
	json_decref(host);

	assert_null(store_host_get(f->store, "nobody", NOW, &found));
	assert_int_equal(found, 0);
	assert_int_equal(store_host_count(f->store), 1);
}

static void history_pruned_by_count_and_age(void **state)
{
	struct fixture *f = *state;
	json_t *list;

	/* Arrival order, as in the server: row ids grow with time. */
	put(f->store, "old1", "Db", 1, "applied", NOW - 3 * 86400);
	for (int i = 0; i < 5; i++)
		put(f->store, "db1", "Db", i, "applied", NOW - 10 + i);
	/* 2 over the count for db1, 1 over the age for old1. */
	assert_int_equal(store_history_prune(f->store, NOW), 3);

	list = store_host_history(f->store, "db1", 100);
	assert_int_equal(json_array_size(list), 3);
	assert_int_equal(member_int(json_array_get(list, 0), "version"), 4);
	json_decref(list);
	list = store_host_history(f->store, "old1", 100);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	/* The latest report stays whatever its age. */
	assert_int_equal(store_host_count(f->store), 2);
}

static void fleet_counts_groups(void **state)
{
	struct fixture *f = *state;
	json_t *fleet;
	json_t *groups;
	json_t *web;

	put(f->store, "a", "Web", 2, "applied", NOW - 10);
	put(f->store, "b", "Web", 2, "failed", NOW - 10);
	put(f->store, "c", "Web", 2, "partial", NOW - 500);
	put(f->store, "d", "Web", 1, "applied", NOW - 10);
	put(f->store, "e", NULL, 0, "none", NOW - 10);

	fleet = store_fleet(f->store, NOW, 100);
	assert_non_null(fleet);
	assert_int_equal(member_int(fleet, "hosts"), 5);
	assert_int_equal(member_int(fleet, "stale"), 1);
	groups = json_object_get(fleet, "policies");
	assert_int_equal(json_array_size(groups), 3);
	/* NULL sorts first in SQLite, then Web 1, then Web 2. */
	assert_true(json_is_null(
		json_object_get(json_array_get(groups, 0), "policy")));
	assert_int_equal(member_int(json_array_get(groups, 0), "none"), 1);
	web = json_array_get(groups, 2);
	assert_int_equal(member_int(web, "version"), 2);
	assert_int_equal(member_int(web, "hosts"), 3);
	assert_int_equal(member_int(web, "applied"), 1);
	assert_int_equal(member_int(web, "failed"), 2);
	assert_int_equal(member_int(web, "stale"), 1);
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(web, "stale_hosts"), 0)),
			    "c");
	assert_int_equal(json_array_size(json_object_get(web, "failed_hosts")),
			 2);
	json_decref(fleet);
}

struct submitted {
	struct store_put put;
	json_t *doc;
	char *body;
	char host[16];
};

static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int done_count;
static int done_failed;

static void on_done(struct store_put *put)
{
	pthread_mutex_lock(&done_lock);
	done_count++;
	if (put->result != 0)
		done_failed++;
	pthread_cond_signal(&done_cond);
	pthread_mutex_unlock(&done_lock);
}

static void writer_commits_submitted(void **state)
{
	struct fixture *f = *state;
	struct submitted items[50];
	struct store_put late = { .on_done = on_done };

	assert_int_equal(store_writer_start(f->store), 0);
	for (int i = 0; i < 50; i++) {
		snprintf(items[i].host, sizeof(items[i].host), "h%02d", i);
		items[i].doc = json_pack("{s:i, s:s, s:s, s:n}", "schema_version",
					 1, "host", items[i].host, "result",
					 "none", "policy");
		items[i].body = json_dumps(items[i].doc, JSON_COMPACT);
		items[i].put = (struct store_put){ .host = items[i].host,
						   .doc = items[i].doc,
						   .body = items[i].body,
						   .received = NOW,
						   .on_done = on_done };
		store_report_submit(f->store, &items[i].put);
	}
	pthread_mutex_lock(&done_lock);
	while (done_count < 50)
		pthread_cond_wait(&done_cond, &done_lock);
	pthread_mutex_unlock(&done_lock);
	store_writer_stop(f->store);

	assert_int_equal(done_failed, 0);
	assert_int_equal(store_host_count(f->store), 50);
	/* After the writer stopped, a submission fails at once. */
	store_report_submit(f->store, &late);
	assert_int_equal(late.result, -1);
	assert_int_equal(done_count, 51);
	for (int i = 0; i < 50; i++) {
		json_decref(items[i].doc);
		free(items[i].body);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(latest_report_replaces,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(history_pruned_by_count_and_age,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(fleet_counts_groups,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(writer_commits_submitted,
						fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
