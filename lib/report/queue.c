#include "queue.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define QUEUE_SUFFIX ".json"
#define QUEUE_DROPPED_FILE "dropped"

struct report_queue {
	int dir_fd;
	int lock_fd;
	size_t max_reports;
	uint64_t *seqs;		/* sorted, oldest first */
	size_t count;
	size_t cap;
	uint64_t next_seq;
	uint64_t dropped;
};

static int seq_compare(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void seq_name(uint64_t seq, char *name, size_t size)
{
	snprintf(name, size, "%020" PRIu64 QUEUE_SUFFIX, seq);
}

/* Sequence number of a queue file name, or -1 for any other name. */
static int seq_parse(const char *name, uint64_t *seq)
{
	char *end = NULL;
	unsigned long long value;

	if (strlen(name) != 20 + strlen(QUEUE_SUFFIX) || name[0] < '0' ||
	    name[0] > '9')
		return -1;
	errno = 0;
	value = strtoull(name, &end, 10);
	if (errno || strcmp(end, QUEUE_SUFFIX) != 0)
		return -1;
	*seq = value;
	return 0;
}

static int seq_append(struct report_queue *queue, uint64_t seq)
{
	if (queue->count == queue->cap) {
		size_t cap = queue->cap ? queue->cap * 2 : 64;
		uint64_t *seqs = realloc(queue->seqs, cap * sizeof(*seqs));

		if (!seqs)
			return -1;
		queue->seqs = seqs;
		queue->cap = cap;
	}
	queue->seqs[queue->count++] = seq;
	return 0;
}

/* Write `len` bytes to `name` inside the queue atomically. */
static int file_write_atomic(int dir_fd, const char *name, const void *data,
			     size_t len)
{
	char tmp[64];
	const char *p = data;
	int fd = -1;
	int ret = -1;

	snprintf(tmp, sizeof(tmp), ".tmp-%s", name);
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600);
	if (fd < 0)
		goto out;
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0)
		goto out;
	if (renameat(dir_fd, tmp, dir_fd, name) != 0)
		goto out;
	/* The rename itself is durable only once the directory is synced. */
	if (fsync(dir_fd) != 0)
		goto out;
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (ret != 0)
		unlinkat(dir_fd, tmp, 0);
	return ret;
}

static int dropped_load(struct report_queue *queue)
{
	char text[32] = "";
	char *end = NULL;
	ssize_t n;
	int fd = openat(queue->dir_fd, QUEUE_DROPPED_FILE, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return -1;
	text[n] = '\0';
	queue->dropped = strtoull(text, &end, 10);
	return 0;
}

static int dropped_store(struct report_queue *queue)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%" PRIu64 "\n", queue->dropped);

	return file_write_atomic(queue->dir_fd, QUEUE_DROPPED_FILE, text,
				 (size_t)n);
}

/* Load the sequence numbers present and remove leftovers of a crash. */
static int queue_scan(struct report_queue *queue)
{
	int fd = dup(queue->dir_fd);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *entry;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((entry = readdir(dir))) {
		uint64_t seq;

		if (strncmp(entry->d_name, ".tmp-", 5) == 0) {
			unlinkat(queue->dir_fd, entry->d_name, 0);
			continue;
		}
		if (seq_parse(entry->d_name, &seq) != 0)
			continue;
		if (seq_append(queue, seq) != 0) {
			closedir(dir);
			return -1;
		}
	}
	closedir(dir);
	if (queue->count > 0)
		qsort(queue->seqs, queue->count, sizeof(*queue->seqs),
		      seq_compare);
	queue->next_seq = queue->count ? queue->seqs[queue->count - 1] + 1 : 1;
	return 0;
}

struct report_queue *report_queue_open(const char *dir, size_t max_reports,
				       char *err, size_t errlen)
{
	struct report_queue *queue = calloc(1, sizeof(*queue));

	if (!queue) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	queue->dir_fd = -1;
	queue->lock_fd = -1;
	queue->max_reports = max_reports ? max_reports : 1;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "unable to create queue directory '%s': %s",
			 dir, strerror(errno));
		goto fail;
	}
	queue->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (queue->dir_fd < 0) {
		snprintf(err, errlen, "unable to open queue directory '%s': %s",
			 dir, strerror(errno));
		goto fail;
	}
	queue->lock_fd = openat(queue->dir_fd, "lock",
				O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (queue->lock_fd < 0 || flock(queue->lock_fd, LOCK_EX | LOCK_NB)) {
		snprintf(err, errlen,
			 "queue directory '%s' is in use by another process: %s",
			 dir, strerror(errno));
		goto fail;
	}
	if (queue_scan(queue) != 0 || dropped_load(queue) != 0) {
		snprintf(err, errlen, "unable to read queue directory '%s': %s",
			 dir, strerror(errno));
		goto fail;
	}
	return queue;
fail:
	report_queue_free(queue);
	return NULL;
}

void report_queue_free(struct report_queue *queue)
{
	if (!queue)
		return;
	if (queue->lock_fd >= 0)
		close(queue->lock_fd);
	if (queue->dir_fd >= 0)
		close(queue->dir_fd);
	free(queue->seqs);
	free(queue);
}

int report_queue_remove(struct report_queue *queue, uint64_t seq)
{
	char name[64];
	size_t i;

	for (i = 0; i < queue->count && queue->seqs[i] != seq; i++)
		;
	if (i == queue->count) {
		errno = ENOENT;
		return -1;
	}
	seq_name(seq, name, sizeof(name));
	if (unlinkat(queue->dir_fd, name, 0) != 0 && errno != ENOENT)
		return -1;
	memmove(&queue->seqs[i], &queue->seqs[i + 1],
		(queue->count - i - 1) * sizeof(*queue->seqs));
	queue->count--;
	return 0;
}

int report_queue_push(struct report_queue *queue, const char *body,
		      size_t len)
{
	char name[64];
	uint64_t dropped_before = queue->dropped;

	while (queue->count >= queue->max_reports) {
		if (report_queue_remove(queue, queue->seqs[0]) != 0)
			return -1;
		queue->dropped++;
	}
	if (queue->dropped != dropped_before && dropped_store(queue) != 0)
		return -1;

	seq_name(queue->next_seq, name, sizeof(name));
	if (file_write_atomic(queue->dir_fd, name, body, len) != 0)
		return -1;
	if (seq_append(queue, queue->next_seq) != 0)
		return -1;
	queue->next_seq++;
	return 0;
}

int report_queue_peek(struct report_queue *queue, char **body, size_t *len,
		      uint64_t *seq)
{
	char name[64];
	struct stat st;
	char *data = NULL;
	size_t got = 0;
	int fd = -1;
	int ret = -1;

	if (queue->count == 0)
		return 0;
	seq_name(queue->seqs[0], name, sizeof(name));
	fd = openat(queue->dir_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0)
		goto out;
	data = malloc((size_t)st.st_size + 1);
	if (!data)
		goto out;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		got += (size_t)n;
	}
	data[got] = '\0';
	*body = data;
	*len = got;
	*seq = queue->seqs[0];
	data = NULL;
	ret = 1;
out:
	if (fd >= 0)
		close(fd);
	free(data);
	return ret;
}

size_t report_queue_count(const struct report_queue *queue)
{
	return queue->count;
}

uint64_t report_queue_dropped(const struct report_queue *queue)
{
	return queue->dropped;
}
