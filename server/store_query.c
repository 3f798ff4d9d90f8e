#include "store_internal.h"

#include "log.h"

#include <string.h>

/* Names of failed or silent hosts listed per fleet group at most. */
#define FLEET_NAMES_MAX 100

static json_t *column_json(sqlite3_stmt *stmt, int col)
{
	switch (sqlite3_column_type(stmt, col)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(stmt, col));
	case SQLITE_TEXT:
		return json_string((const char *)sqlite3_column_text(stmt, col));
	default:
		return json_null();
	}
}

static sqlite3_stmt *query_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		log_error("db", "unable to prepare a query: %s",
			  sqlite3_errmsg(db));
		return NULL;
	}
	return stmt;
}

/* Finish a query loop: the array on SQLITE_DONE, else NULL. */
static json_t *query_finish(sqlite3 *db, sqlite3_stmt *stmt, int rc,
			    json_t *result)
{
	if (rc != SQLITE_DONE) {
		log_error("db", "query failed: %s", sqlite3_errmsg(db));
		json_decref(result);
		result = NULL;
	}
	sqlite3_finalize(stmt);
	return result;
}

json_t *store_hosts_list(struct store *store, time_t now)
{
	sqlite3 *db = store_db(store);
	sqlite3_stmt *stmt;
	json_t *list = json_array();
	int rc;

	if (!db || !(stmt = query_prepare(db,
		"SELECT host, received, policy, policy_version, result"
		" FROM hosts ORDER BY host"))) {
		json_decref(list);
		return NULL;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		json_int_t received = sqlite3_column_int64(stmt, 1);

		json_array_append_new(
			list,
			json_pack("{s:o, s:I, s:I, s:o, s:o, s:o}", "host",
				  column_json(stmt, 0), "received", received,
				  "age_seconds", (json_int_t)now - received,
				  "policy", column_json(stmt, 2), "version",
				  column_json(stmt, 3), "result",
				  column_json(stmt, 4)));
	}
	return query_finish(db, stmt, rc, list);
}

json_t *store_host_get(struct store *store, const char *host, time_t now,
		       int *found)
{
	sqlite3 *db = store_db(store);
	sqlite3_stmt *stmt;
	json_t *result = NULL;
	json_t *report;
	json_int_t received;
	int rc;

	*found = -1;
	if (!db || !(stmt = query_prepare(db,
		"SELECT received, report FROM hosts WHERE host = ?1")))
		return NULL;
	sqlite3_bind_text(stmt, 1, host, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		*found = 0;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		log_error("db", "unable to read host '%s': %s", host,
			  sqlite3_errmsg(db));
		goto out;
	}
	received = sqlite3_column_int64(stmt, 0);
	report = json_loads((const char *)sqlite3_column_text(stmt, 1), 0, NULL);
	if (!report) {
		log_error("db", "stored report of host '%s' is not valid JSON",
			  host);
		goto out;
	}
	result = json_pack("{s:s, s:I, s:I, s:o}", "host", host, "received",
			   received, "age_seconds", (json_int_t)now - received,
			   "report", report);
	*found = result ? 1 : -1;
out:
	sqlite3_finalize(stmt);
	return result;
}

json_t *store_host_history(struct store *store, const char *host,
			   unsigned limit)
{
	sqlite3 *db = store_db(store);
	sqlite3_stmt *stmt;
	json_t *list = json_array();
	int rc;

	if (!db || !(stmt = query_prepare(db,
		"SELECT id, received, policy, policy_version, result"
		" FROM history WHERE host = ?1 ORDER BY id DESC LIMIT ?2"))) {
		json_decref(list);
		return NULL;
	}
	sqlite3_bind_text(stmt, 1, host, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, limit);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		json_array_append_new(
			list, json_pack("{s:o, s:o, s:o, s:o, s:o}", "id",
					column_json(stmt, 0), "received",
					column_json(stmt, 1), "policy",
					column_json(stmt, 2), "version",
					column_json(stmt, 3), "result",
					column_json(stmt, 4)));
	return query_finish(db, stmt, rc, list);
}

static void name_add(json_t *group, const char *key, const char *host)
{
	json_t *names = json_object_get(group, key);

	if (json_array_size(names) < FLEET_NAMES_MAX)
		json_array_append_new(names, json_string(host));
	else
		json_object_set_new(group, "names_truncated", json_true());
}

static void counter_bump(json_t *group, const char *key)
{
	json_t *value = json_object_get(group, key);

	json_integer_set(value, json_integer_value(value) + 1);
}

/* The group for policy/version, appended to `groups` when new; rows come
 * sorted by policy and version, so only the last group can match. */
static json_t *fleet_group(json_t *groups, sqlite3_stmt *stmt)
{
	json_t *last = json_array_get(groups, json_array_size(groups) - 1);
	json_t *policy = column_json(stmt, 1);
	json_t *version = column_json(stmt, 2);

	if (last && json_equal(json_object_get(last, "policy"), policy) &&
	    json_equal(json_object_get(last, "version"), version)) {
		json_decref(policy);
		json_decref(version);
		return last;
	}
	last = json_pack("{s:o, s:o, s:i, s:i, s:i, s:i, s:i, s:[], s:[]}",
			 "policy", policy, "version", version, "hosts", 0,
			 "applied", 0, "failed", 0, "none", 0, "stale", 0,
			 "failed_hosts", "stale_hosts");
	json_array_append_new(groups, last);
	return last;
}

json_t *store_fleet(struct store *store, time_t now, unsigned stale_seconds)
{
	sqlite3 *db = store_db(store);
	sqlite3_stmt *stmt;
	json_t *groups = json_array();
	json_int_t total = 0, stale_total = 0;
	int rc;

	if (!db || !(stmt = query_prepare(db,
		"SELECT host, policy, policy_version, result, received"
		" FROM hosts ORDER BY policy, policy_version, host"))) {
		json_decref(groups);
		return NULL;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *host = (const char *)sqlite3_column_text(stmt, 0);
		const char *result = (const char *)sqlite3_column_text(stmt, 3);
		time_t received = (time_t)sqlite3_column_int64(stmt, 4);
		json_t *group = fleet_group(groups, stmt);

		total++;
		counter_bump(group, "hosts");
		if (now - received > (time_t)stale_seconds) {
			stale_total++;
			counter_bump(group, "stale");
			name_add(group, "stale_hosts", host);
		}
		if (strcmp(result, "applied") == 0) {
			counter_bump(group, "applied");
		} else if (strcmp(result, "none") == 0) {
			counter_bump(group, "none");
		} else {
			counter_bump(group, "failed");
			name_add(group, "failed_hosts", host);
		}
	}
	groups = query_finish(db, stmt, rc, groups);
	if (!groups)
		return NULL;
	return json_pack("{s:I, s:I, s:I, s:o}", "hosts", total, "stale",
			 stale_total, "stale_after_seconds",
			 (json_int_t)stale_seconds, "policies", groups);
}

long long store_host_count(struct store *store)
{
	sqlite3 *db = store_db(store);
	sqlite3_stmt *stmt;
	long long count = -1;

	if (!db || !(stmt = query_prepare(db, "SELECT count(*) FROM hosts")))
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		count = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return count;
}
