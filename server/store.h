/*
 * Report storage in SQLite: the latest report per host plus a history
 * pruned by age and by count per host. WAL mode, busy_timeout and BEGIN
 * IMMEDIATE let every worker thread write through its own connection
 * without SQLITE_BUSY errors. A report is acknowledged only after its
 * transaction commits: with synchronous=NORMAL a committed report
 * survives a server crash or restart, with FULL also a power loss.
 */
#ifndef IPSECCMD_SERVER_STORE_H
#define IPSECCMD_SERVER_STORE_H

#include <jansson.h>
#include <stdint.h>
#include <time.h>

struct store;

struct store_options {
	const char *path;
	int sync_full;
	unsigned history_days;		/* 0: no age limit */
	unsigned history_per_host;	/* 0: keep no history */
};

/* Open (creating the schema when new). Returns NULL with one line in
 * `err`. */
struct store *store_open(const struct store_options *opts, char *err,
			 size_t errlen);

/* Close every connection; call after the worker threads stopped. */
void store_close(struct store *store);

/*
 * Store `doc` (already validated, `body` its text) as the latest report of
 * `host` and append it to the history. Returns 0 once committed, or -1.
 * Concurrent calls are committed together in one transaction.
 */
int store_report_put(struct store *store, const char *host, const json_t *doc,
		     const char *body, time_t received);

/*
 * Copy committed pages from the WAL into the database without stopping
 * writers. Once the WAL has grown past a bound, writers wait until it is
 * copied and starts over. Automatic checkpoints are off, so the
 * server calls this about once a second. Returns 0 or -1.
 */
int store_checkpoint(struct store *store);

/*
 * A report handed to the writer thread. The caller fills host, doc, body,
 * received and on_done, and keeps all of them alive until on_done(put)
 * runs on the writer thread with `result` 0 (committed) or -1.
 */
struct store_put {
	const char *host;
	const json_t *doc;
	const char *body;
	time_t received;
	void (*on_done)(struct store_put *put);
	int result;
	int done;			/* private */
	struct store_put *next;		/* private */
};

/* Start the thread that commits submitted reports in batches. Returns 0
 * or -1. */
int store_writer_start(struct store *store);

/*
 * Queue a report for the writer thread, which commits every report
 * waiting at once in one transaction. Without a running writer, on_done
 * runs at once with result -1.
 */
void store_report_submit(struct store *store, struct store_put *put);

/* Commit what is queued, then stop the writer thread; NULL-safe. */
void store_writer_stop(struct store *store);

/* Delete history older than history_days and past history_per_host per
 * host. Returns rows deleted or -1. */
long store_history_prune(struct store *store, time_t now);

/* [{"host", "received", "age_seconds", "policy", "version", "result"}]. */
json_t *store_hosts_list(struct store *store, time_t now);

/* {"host", "received", "age_seconds", "report"}; NULL when unknown (and
 * *found = 0) or on a database error (*found = -1). */
json_t *store_host_get(struct store *store, const char *host, time_t now,
		       int *found);

/* [{"id", "received", "policy", "version", "result"}], newest first. */
json_t *store_host_history(struct store *store, const char *host,
			   unsigned limit);

/*
 * Fleet summary: per policy and version, hosts that applied it, that
 * failed (result failed or partial), and that were not heard from within
 * `stale_seconds`, with the names of the failed and silent hosts.
 */
json_t *store_fleet(struct store *store, time_t now, unsigned stale_seconds);

/* Number of hosts stored, or -1. */
long long store_host_count(struct store *store);

#endif
