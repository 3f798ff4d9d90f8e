/* The shared "key = value" file reader: trimming, comments, lines
 * without '=', rejected lines and missing files. */
#include "conffile.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

struct seen {
	char keys[8][32];
	char values[8][32];	/* "(none)" for a line without '=' */
	unsigned lines[8];
	size_t count;
};

static int record(void *ctx, const char *key, const char *value,
		  unsigned lineno)
{
	struct seen *seen = ctx;

	if (seen->count == 8)
		return -1;
	snprintf(seen->keys[seen->count], 32, "%s", key);
	snprintf(seen->values[seen->count], 32, "%s", value ? value : "(none)");
	seen->lines[seen->count] = lineno;
	seen->count++;
	return strcmp(key, "bad") == 0 ? -1 : 0;
}

static char *write_temp(const char *text)
{
	static char path[] = "/tmp/ipseccmd-conffile-XXXXXX";
	int fd;

	memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void conffile_trims_and_skips(void **state)
{
	char *path = write_temp("# comment\n\n  key = value with spaces  \n"
				"\tflag\n   # indented comment\nempty =\n");
	struct seen seen = { 0 };

	(void)state;
	assert_int_equal(conffile_read(path, record, &seen), 0);
	unlink(path);
	assert_int_equal(seen.count, 3);
	assert_string_equal(seen.keys[0], "key");
	assert_string_equal(seen.values[0], "value with spaces");
	assert_int_equal(seen.lines[0], 3);
	assert_string_equal(seen.keys[1], "flag");
	assert_string_equal(seen.values[1], "(none)");
	assert_string_equal(seen.keys[2], "empty");
	assert_string_equal(seen.values[2], "");
	assert_int_equal(seen.lines[2], 6);
}

static void conffile_reads_past_rejected(void **state)
{
	char *path = write_temp("bad = 1\ngood = 2\n");
	struct seen seen = { 0 };

	(void)state;
	assert_int_equal(conffile_read(path, record, &seen), CONFFILE_REJECTED);
	unlink(path);
	assert_int_equal(seen.count, 2);
	assert_string_equal(seen.keys[1], "good");
}

static void conffile_missing_file(void **state)
{
	struct seen seen = { 0 };

	(void)state;
	assert_int_equal(conffile_read("/nonexistent/ipseccmd.conf", record,
				       &seen), -ENOENT);
	assert_int_equal(seen.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conffile_trims_and_skips),
		cmocka_unit_test(conffile_reads_past_rejected),
		cmocka_unit_test(conffile_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
