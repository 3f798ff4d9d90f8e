#include "store_internal.h"

#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORE_BUSY_TIMEOUT_MS 10000

/* WAL size, in pages, past which a checkpoint makes writers wait so that
 * the WAL starts over: 8192 pages of 4 KiB are 32 MiB. */
#define STORE_WAL_RESTART_FRAMES 8192

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS hosts ("
	" host TEXT PRIMARY KEY,"
	" received INTEGER NOT NULL,"
	" policy TEXT,"
	" policy_version INTEGER,"
	" result TEXT NOT NULL,"
	" report TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS history ("
	" id INTEGER PRIMARY KEY,"
	" host TEXT NOT NULL,"
	" received INTEGER NOT NULL,"
	" policy TEXT,"
	" policy_version INTEGER,"
	" result TEXT NOT NULL,"
	" report TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS history_host ON history (host, id);"
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

	/* Group commit: reports wait here until one transaction commits
	 * them together (commit_lock guards the fields below). */
	pthread_mutex_t commit_lock;
	pthread_cond_t committed;
	struct store_put *pending;
	struct store_put **pending_tail;
	int committing;

	/* The writer thread commits what store_report_submit() queues. */
	pthread_cond_t work;
	pthread_t writer;
	int writer_running;
	int writer_stop;
};

static int db_configure(sqlite3 *db, int sync_full)
{
	char *msg = NULL;
	int rc;

	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
	/* Checkpoints run from store_checkpoint() on the main thread, so no
	 * report waits for one. */
	rc = sqlite3_exec(db,
			  sync_full ? "PRAGMA journal_mode=WAL;"
				      "PRAGMA synchronous=FULL;"
				      "PRAGMA wal_autocheckpoint=0;"
				      "PRAGMA journal_size_limit=67108864;"
				    : "PRAGMA journal_mode=WAL;"
				      "PRAGMA synchronous=NORMAL;"
				      "PRAGMA wal_autocheckpoint=0;"
				      "PRAGMA journal_size_limit=67108864;",
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
	pthread_mutex_init(&store->commit_lock, NULL);
	pthread_cond_init(&store->committed, NULL);
	pthread_cond_init(&store->work, NULL);
	store->pending_tail = &store->pending;
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
	pthread_mutex_destroy(&store->commit_lock);
	pthread_cond_destroy(&store->committed);
	pthread_cond_destroy(&store->work);
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

/* Write one report inside the open transaction. */
static int report_put_one(struct store *store, sqlite3 *db,
			  const struct store_put *job)
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

	if (report_write(db, latest_sql, job->host, job->doc, job->body,
			 job->received) != 0)
		return -1;
	if (store->opts.history_per_host == 0)
		return 0;
	return report_write(db, history_sql, job->host, job->doc, job->body,
			    job->received);
}

/*
 * Commit a batch in one transaction. A report that fails to write is
 * rolled back to its savepoint and fails alone; the others commit.
 */
static void batch_commit(struct store *store, sqlite3 *db,
			 struct store_put *batch)
{
	int begun = db && exec_simple(db, "BEGIN IMMEDIATE") == 0;

	for (struct store_put *job = batch; job; job = job->next) {
		job->result = -1;
		if (!begun || exec_simple(db, "SAVEPOINT report") != 0)
			continue;
		if (report_put_one(store, db, job) == 0) {
			job->result = 0;
			exec_simple(db, "RELEASE report");
		} else {
			exec_simple(db, "ROLLBACK TO report");
			exec_simple(db, "RELEASE report");
		}
	}
	if (begun && exec_simple(db, "COMMIT") != 0) {
		exec_simple(db, "ROLLBACK");
		for (struct store_put *job = batch; job; job = job->next)
			job->result = -1;
	}
}

/*
 * Mark a committed batch done: waiters of store_report_put() see `done`,
 * submitted reports get their callback. A callback may free its put, so
 * `next` is read before the call.
 */
static void batch_finish(struct store *store, struct store_put *batch)
{
	struct store_put *callbacks = NULL;
	struct store_put **tail = &callbacks;
	struct store_put *put, *next;

	pthread_mutex_lock(&store->commit_lock);
	for (put = batch; put; put = next) {
		next = put->next;
		if (put->on_done) {
			put->next = NULL;
			*tail = put;
			tail = &put->next;
		} else {
			put->done = 1;
		}
	}
	store->committing = 0;
	pthread_cond_broadcast(&store->committed);
	pthread_cond_signal(&store->work);
	pthread_mutex_unlock(&store->commit_lock);

	for (put = callbacks; put; put = next) {
		next = put->next;
		put->on_done(put);
	}
}

/* Take every waiting report and the commit turn; call with commit_lock. */
static struct store_put *batch_take(struct store *store)
{
	struct store_put *batch = store->pending;

	store->pending = NULL;
	store->pending_tail = &store->pending;
	store->committing = 1;
	return batch;
}

int store_report_put(struct store *store, const char *host, const json_t *doc,
		     const char *body, time_t received)
{
	struct store_put job = { .host = host, .doc = doc, .body = body,
				 .received = received };
	sqlite3 *db = store_db(store);

	/*
	 * SQLite commits one transaction at a time, and committing fifty
	 * reports costs little more than one (docs/benchmarks/server.md).
	 * So whichever thread finds no commit running takes every waiting
	 * report and commits them together; the others wait for that commit
	 * and reply afterwards.
	 */
	pthread_mutex_lock(&store->commit_lock);
	*store->pending_tail = &job;
	store->pending_tail = &job.next;
	while (!job.done) {
		struct store_put *batch;

		if (store->committing) {
			pthread_cond_wait(&store->committed, &store->commit_lock);
			continue;
		}
		batch = batch_take(store);
		pthread_mutex_unlock(&store->commit_lock);

		batch_commit(store, db, batch);
		batch_finish(store, batch);
		pthread_mutex_lock(&store->commit_lock);
	}
	pthread_mutex_unlock(&store->commit_lock);
	return job.result;
}

void store_report_submit(struct store *store, struct store_put *put)
{
	put->next = NULL;
	put->done = 0;
	pthread_mutex_lock(&store->commit_lock);
	if (!store->writer_running || store->writer_stop) {
		pthread_mutex_unlock(&store->commit_lock);
		put->result = -1;
		put->on_done(put);
		return;
	}
	*store->pending_tail = put;
	store->pending_tail = &put->next;
	pthread_cond_signal(&store->work);
	pthread_mutex_unlock(&store->commit_lock);
}

static void *writer_main(void *arg)
{
	struct store *store = arg;
	sqlite3 *db = store_db(store);

	pthread_mutex_lock(&store->commit_lock);
	for (;;) {
		struct store_put *batch;

		if (!store->pending || store->committing) {
			if (store->writer_stop && !store->pending)
				break;
			pthread_cond_wait(&store->work, &store->commit_lock);
			continue;
		}
		batch = batch_take(store);
		pthread_mutex_unlock(&store->commit_lock);

		batch_commit(store, db, batch);
		batch_finish(store, batch);
		pthread_mutex_lock(&store->commit_lock);
	}
	pthread_mutex_unlock(&store->commit_lock);
	return NULL;
}

int store_writer_start(struct store *store)
{
	int rc = pthread_create(&store->writer, NULL, writer_main, store);

	if (rc != 0) {
		log_error("db", "unable to start the writer thread: %s",
			  strerror(rc));
		return -1;
	}
	store->writer_running = 1;
	return 0;
}

void store_writer_stop(struct store *store)
{
	if (!store || !store->writer_running)
		return;
	pthread_mutex_lock(&store->commit_lock);
	store->writer_stop = 1;
	pthread_cond_signal(&store->work);
	pthread_mutex_unlock(&store->commit_lock);
	pthread_join(store->writer, NULL);
	store->writer_running = 0;
}

/* Take the commit turn from the report writers, for maintenance. */
static void commit_turn_take(struct store *store)
{
	pthread_mutex_lock(&store->commit_lock);
	while (store->committing)
		pthread_cond_wait(&store->committed, &store->commit_lock);
	store->committing = 1;
	pthread_mutex_unlock(&store->commit_lock);
}

static void commit_turn_give(struct store *store)
{
	pthread_mutex_lock(&store->commit_lock);
	store->committing = 0;
	pthread_cond_broadcast(&store->committed);
	pthread_cond_signal(&store->work);
	pthread_mutex_unlock(&store->commit_lock);
}

/* Run one pruning statement with ?1 bound; returns rows deleted or -1. */
static long prune_run(struct store *store, sqlite3 *db, const char *sql,
		      sqlite3_int64 value)
{
	sqlite3_stmt *stmt = NULL;
	long ret = -1;

	commit_turn_take(store);
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 1, value) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_DONE) {
		log_error("db", "unable to prune the report history: %s",
			  sqlite3_errmsg(db));
		goto out;
	}
	ret = sqlite3_changes(db);
out:
	sqlite3_finalize(stmt);
	commit_turn_give(store);
	return ret;
}

long store_history_prune(struct store *store, time_t now)
{
	/* Row ids grow with arrival time, so the old rows are a prefix. */
	static const char age_sql[] =
		"DELETE FROM history WHERE id < (SELECT id FROM history"
		" WHERE received >= ?1 ORDER BY id LIMIT 1)";
	static const char count_sql[] =
		"DELETE FROM history WHERE id IN (SELECT id FROM"
		" (SELECT id, row_number() OVER"
		"   (PARTITION BY host ORDER BY id DESC) AS n FROM history)"
		" WHERE n > ?1)";
	sqlite3 *db = store_db(store);
	long by_age = 0, by_count;

	if (!db)
		return -1;
	if (store->opts.history_days > 0) {
		by_age = prune_run(store, db, age_sql,
				   (sqlite3_int64)now -
					   (sqlite3_int64)store->opts.history_days *
						   86400);
		if (by_age < 0)
			return -1;
	}
	by_count = prune_run(store, db, count_sql,
			     (sqlite3_int64)store->opts.history_per_host);
	return by_count < 0 ? -1 : by_age + by_count;
}

int store_checkpoint(struct store *store)
{
	sqlite3 *db = store_db(store);
	int frames = 0, copied = 0;
	int rc;

	if (!db)
		return -1;
	/* PASSIVE copies what it can while reports keep committing. */
	rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE,
				       &frames, &copied);
	if (rc == SQLITE_OK && frames > STORE_WAL_RESTART_FRAMES) {
		/* Under steady writes a passive checkpoint rarely catches up,
		 * so the WAL keeps growing. Holding the commit turn keeps our
		 * writers out, so this one completes and the next commit
		 * starts the WAL over. */
		commit_turn_take(store);
		rc = sqlite3_wal_checkpoint_v2(db, NULL,
					       SQLITE_CHECKPOINT_RESTART, NULL,
					       NULL);
		commit_turn_give(store);
	}
	if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
		log_error("db", "WAL checkpoint failed: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}
