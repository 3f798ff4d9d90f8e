/* Small file and text helpers of the server. */
#ifndef IPSECCMD_SERVER_UTIL_H
#define IPSECCMD_SERVER_UTIL_H

#include <stddef.h>

/*
 * Read a whole file into a new NUL-terminated buffer. When `private_key`
 * is set, a file that the group or others can read is rejected.
 * Returns NULL with one line in `err`.
 */
char *file_read_all(const char *path, int private_key, size_t *len, char *err,
		    size_t errlen);

/* Parse an unsigned decimal in [min, max]. Returns 0 or -1. */
int number_parse(const char *text, unsigned long long min,
		 unsigned long long max, unsigned long long *out);

/* True for a host name of 1..253 letters, digits, '-', '_' and '.'. */
int host_name_valid(const char *name);

#endif
