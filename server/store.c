#include "store_internal.h"

#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORE_BUSY_TIMEOUT_MS 10000

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS hosts ("
	" host TEXT PRIMARY KEY,"
	" received INTEGER NOT NULL,"
	" policy TEXT,"
	" policy_version INTEGER,"
	" result TEXT NOT NULL,"
	" report TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS history ("
	" id INTEGER PRIMARY KEY,"
	" host TEXT NOT NULL,"
	" received INTEGER NOT NULL,"
	" policy TEXT,"
	" policy_version INTEGER,"
	" result TEXT NOT NULL,"
	" report TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS history_host ON history (host, id);"
	"CREATE INDEX IF NOT EXISTS history_received ON history (received);"
	"PRAGMA user_version = 1;";

/* One connection per thread, linked so store_close() finds them all. */
struct conn {
	sqlite3 *db;
	struct conn *next;
};

struct store {
	struct store_options opts;
	char *path;
	pthread_key_t key;
	pthread_mutex_t lock;
	struct conn *conns;
};

static int db_configure(sqlite3 *db, int sync_full)
{
	char *msg = NULL;
	int rc;

	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
	rc = sqlite3_exec(db,
			  sync_full ? "PRAGMA journal_mode=WAL;"
				      "PRAGMA synchronous=FULL;"
				    : "PRAGMA journal_mode=WAL;"
				      "PRAGMA synchronous=NORMAL;",
			  NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		log_error("db", "unable to configure the database: %s",
			  msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3 *store_db(struct store *store)
{
	struct conn *conn = pthread_getspecific(store->key);

	if (conn)
		return conn->db;
	conn = calloc(1, sizeof(*conn));
	if (!conn)
		return NULL;
	if (sqlite3_open_v2(store->path, &conn->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK ||
	    db_configure(conn->db, store->opts.sync_full) != 0) {
		log_error("db", "unable to open database '%s': %s", store->path,
			  conn->db ? sqlite3_errmsg(conn->db) : "out of memory");
		sqlite3_close(conn->db);
		free(conn);
		return NULL;
	}
	pthread_mutex_lock(&store->lock);
	conn->next = store->conns;
	store->conns = conn;
	pthread_mutex_unlock(&store->lock);
	pthread_setspecific(store->key, conn);
	return conn->db;
}

struct store *store_open(const struct store_options *opts, char *err,
			 size_t errlen)
{
	struct store *store = calloc(1, sizeof(*store));
	char *msg = NULL;
	sqlite3 *db;

	if (!store || !(store->path = strdup(opts->path))) {
		snprintf(err, errlen, "out of memory");
		free(store);
		return NULL;
	}
	store->opts = *opts;
	store->opts.path = store->path;
	pthread_mutex_init(&store->lock, NULL);
	/* Connections are closed by store_close(), not at thread exit, so
	 * the key has no destructor. */
	pthread_key_create(&store->key, NULL);

	db = store_db(store);
	if (!db) {
		snprintf(err, errlen, "unable to open database '%s'", opts->path);
		goto fail;
	}
	if (sqlite3_exec(db, schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "unable to create the schema in '%s': %s",
			 opts->path, msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		goto fail;
	}
	return store;
fail:
	store_close(store);
	return NULL;
}

void store_close(struct store *store)
{
	struct conn *conn;

	if (!store)
		return;
	while ((conn = store->conns)) {
		store->conns = conn->next;
		sqlite3_close(conn->db);
		free(conn);
	}
	pthread_key_delete(store->key);
	pthread_mutex_destroy(&store->lock);
	free(store->path);
	free(store);
}

static int exec_simple(sqlite3 *db, const char *sql)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		log_error("db", "'%s' failed: %s", sql, sqlite3_errmsg(db));
	return rc == SQLITE_OK ? 0 : -1;
}

/* Bind host, received, policy, version, result, report as ?1..?6. */
static int report_bind(sqlite3_stmt *stmt, const char *host,
		       const json_t *doc, const char *body, time_t received)
{
	const json_t *policy = json_object_get(doc, "policy");
	int rc = SQLITE_OK;

	rc |= sqlite3_bind_text(stmt, 1, host, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)received);
	if (json_is_object(policy)) {
		rc |= sqlite3_bind_text(
			stmt, 3,
			json_string_value(json_object_get(policy, "name")), -1,
			SQLITE_STATIC);
		rc |= sqlite3_bind_int64(
			stmt, 4,
			json_integer_value(json_object_get(policy, "version")));
	} else {
		rc |= sqlite3_bind_null(stmt, 3);
		rc |= sqlite3_bind_null(stmt, 4);
	}
	rc |= sqlite3_bind_text(stmt, 5,
				json_string_value(json_object_get(doc, "result")),
				-1, SQLITE_STATIC);
	rc |= sqlite3_bind_text(stmt, 6, body, -1, SQLITE_STATIC);
	return rc == SQLITE_OK ? 0 : -1;
}

static int report_write(sqlite3 *db, const char *sql, const char *host,
			const json_t *doc, const char *body, time_t received)
{
	sqlite3_stmt *stmt = NULL;
	int ret = -1;

	if (sqlite3_prepare_v3(db, sql, -1, 0, &stmt, NULL) != SQLITE_OK ||
	    report_bind(stmt, host, doc, body, received) != 0 ||
	    sqlite3_step(stmt) != SQLITE_DONE) {
		log_error("db", "unable to store the report of host '%s': %s",
			  host, sqlite3_errmsg(db));
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(stmt);
	return ret;
}

/* Keep the newest `keep` history rows of `host`. */
static int history_trim(sqlite3 *db, const char *host, unsigned keep)
{
	static const char sql[] =
		"DELETE FROM history WHERE host = ?1 AND id <= "
		"(SELECT id FROM history WHERE host = ?1 "
		" ORDER BY id DESC LIMIT 1 OFFSET ?2)";
	sqlite3_stmt *stmt = NULL;
	int ret = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(stmt, 1, host, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 2, keep) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_DONE) {
		log_error("db", "unable to prune the history of host '%s': %s",
			  host, sqlite3_errmsg(db));
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(stmt);
	return ret;
}

int store_report_put(struct store *store, const char *host, const json_t *doc,
		     const char *body, time_t received)
{
	static const char latest_sql[] =
		"INSERT INTO hosts (host, received, policy, policy_version,"
		" result, report) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
		" ON CONFLICT (host) DO UPDATE SET received = excluded.received,"
		" policy = excluded.policy,"
		" policy_version = excluded.policy_version,"
		" result = excluded.result, report = excluded.report";
	static const char history_sql[] =
		"INSERT INTO history (host, received, policy, policy_version,"
		" result, report) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3 *db = store_db(store);
	int ret = -1;

	if (!db)
		return -1;
	/* IMMEDIATE takes the write lock up front, so concurrent writers wait
	 * in busy_timeout instead of failing when a read lock upgrades. */
	if (exec_simple(db, "BEGIN IMMEDIATE") != 0)
		return -1;
	if (report_write(db, latest_sql, host, doc, body, received) != 0)
		goto out;
	if (store->opts.history_per_host > 0) {
		if (report_write(db, history_sql, host, doc, body, received) != 0)
			goto out;
		if (history_trim(db, host, store->opts.history_per_host) != 0)
			goto out;
	}
	ret = exec_simple(db, "COMMIT");
out:
	if (ret != 0)
		exec_simple(db, "ROLLBACK");
	return ret;
}

long store_history_prune(struct store *store, time_t now)
{
	sqlite3 *db = store_db(store);
	sqlite3_stmt *stmt = NULL;
	long ret = -1;

	if (!db)
		return -1;
	if (store->opts.history_days == 0)
		return 0;
	if (sqlite3_prepare_v2(db, "DELETE FROM history WHERE received < ?1", -1,
			       &stmt, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 1,
			       (sqlite3_int64)now -
				       (sqlite3_int64)store->opts.history_days *
					       86400) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_DONE) {
		log_error("db", "unable to prune the report history: %s",
			  sqlite3_errmsg(db));
		goto out;
	}
	ret = sqlite3_changes(db);
out:
	sqlite3_finalize(stmt);
	return ret;
}
