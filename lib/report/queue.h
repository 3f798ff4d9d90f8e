/*
 * Bounded on-disk queue of report bodies: one file per report, named by a
 * sequence number that increases, written to a temporary name, synced and
 * renamed, so a crash leaves either the whole report or none. When the
 * bound is reached the oldest reports are deleted and counted; the count
 * survives restarts. One process uses a queue directory at a time (an
 * flock on its "lock" file enforces this).
 */
#ifndef IPSECCMD_REPORT_QUEUE_H
#define IPSECCMD_REPORT_QUEUE_H

#include <stddef.h>
#include <stdint.h>

struct report_queue;

/*
 * Open or create the queue in `dir` (mode 0700) holding at most
 * `max_reports` reports (at least 1). Returns NULL with one line in `err`.
 */
struct report_queue *report_queue_open(const char *dir, size_t max_reports,
				       char *err, size_t errlen);

void report_queue_free(struct report_queue *queue);

/* Append a body, deleting the oldest reports past the bound first.
 * Returns 0, or -1 with errno set. */
int report_queue_push(struct report_queue *queue, const char *body,
		      size_t len);

/*
 * Read the oldest report into a new buffer (NUL-terminated; free() it).
 * Returns 1 when one was read, 0 when the queue is empty, -1 with errno
 * set on a read error.
 */
int report_queue_peek(struct report_queue *queue, char **body, size_t *len,
		      uint64_t *seq);

/* Delete report `seq` once the server acknowledged it. Returns 0 or -1. */
int report_queue_remove(struct report_queue *queue, uint64_t seq);

size_t report_queue_count(const struct report_queue *queue);

/* Reports deleted unsent because the bound was reached, over all runs. */
uint64_t report_queue_dropped(const struct report_queue *queue);

#endif
