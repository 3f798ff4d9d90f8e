#include "statefile.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static char folder[] = "/tmp/daemon-statefile-XXXXXX";
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
	(void)state;
	unlink(path);
	rmdir(folder);
	return 0;
}

static void round_trip(void **state)
{
	const char text[] = "{\"policy\": null}";
	struct stat st;
	char *payload;
	size_t length;

	(void)state;
	assert_int_equal(statefile_write(path, text, strlen(text)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(statefile_read(path, &payload, &length), 0);
	assert_int_equal(length, strlen(text));
	assert_string_equal(payload, text);
	free(payload);
}

static void empty_payload(void **state)
{
	char *payload;
	size_t length;

	(void)state;
	assert_int_equal(statefile_write(path, "", 0), 0);
	assert_int_equal(statefile_read(path, &payload, &length), 0);
	assert_int_equal(length, 0);
	free(payload);
}

/* Change one byte at `offset` (from the end when negative). */
static void corrupt_byte(long offset)
{
	FILE *f = fopen(path, "r+");
	int c;

	assert_non_null(f);
	assert_int_equal(fseek(f, offset, offset < 0 ? SEEK_END : SEEK_SET), 0);
	c = fgetc(f);
	assert_int_equal(fseek(f, -1, SEEK_CUR), 0);
	fputc(c == 'x' ? 'y' : 'x', f);
	fclose(f);
}

static void flipped_payload_rejected(void **state)
{
	char *payload = (char *)1;
	size_t length = 1;

	(void)state;
	assert_int_equal(statefile_write(path, "hello world", 11), 0);
	corrupt_byte(-3);
	assert_int_equal(statefile_read(path, &payload, &length),
			 STATEFILE_ECHECKSUM);
	assert_null(payload);
	assert_int_equal(length, 0);
}

static void truncated_rejected(void **state)
{
	char *payload;
	size_t length;

	(void)state;
	assert_int_equal(statefile_write(path, "hello world", 11), 0);
	assert_int_equal(truncate(path, 100), 0);
	assert_int_equal(statefile_read(path, &payload, &length),
			 STATEFILE_ELENGTH);
	assert_int_equal(truncate(path, 10), 0);
	assert_int_equal(statefile_read(path, &payload, &length),
			 STATEFILE_EHEADER);
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(statefile_read(path, &payload, &length),
			 STATEFILE_EHEADER);
}

static void bad_header_rejected(void **state)
{
	char *payload;
	size_t length;

	(void)state;
	assert_int_equal(statefile_write(path, "hello world", 11), 0);
	corrupt_byte(2);
	assert_int_equal(statefile_read(path, &payload, &length),
			 STATEFILE_EHEADER);
}

static void open_mode_rejected(void **state)
{
	char *payload;
	size_t length;

	(void)state;
	assert_int_equal(statefile_write(path, "secret", 6), 0);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(statefile_read(path, &payload, &length),
			 STATEFILE_EMODE);
}

static void missing_reported(void **state)
{
	char *payload;
	size_t length;

	(void)state;
	unlink(path);
	assert_int_equal(statefile_read(path, &payload, &length),
			 STATEFILE_ENOENT);
}

static void no_temp_left(void **state)
{
	char tmp[96];

	(void)state;
	assert_int_equal(statefile_write(path, "a", 1), 0);
	assert_int_equal(statefile_write(path, "b", 1), 0);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	assert_int_equal(access(tmp, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(empty_payload),
		cmocka_unit_test(flipped_payload_rejected),
		cmocka_unit_test(truncated_rejected),
		cmocka_unit_test(bad_header_rejected),
		cmocka_unit_test(open_mode_rejected),
		cmocka_unit_test(missing_reported),
		cmocka_unit_test(no_temp_left),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
