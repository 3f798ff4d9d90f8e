/*
 * Files the agent keeps across restarts (the last applied policy, the
 * dynamic rules): written atomically, checked on read.
 *
 * On disk a file is one header line, "ipseccmd-state 1 sha256 HEX LENGTH",
 * followed by exactly LENGTH bytes of payload whose SHA-256 is HEX.
 */
#ifndef IPSECCMD_AGENT_STATEFILE_H
#define IPSECCMD_AGENT_STATEFILE_H

#include <jansson.h>
#include <stddef.h>

/* Maximum payload accepted on read, so a damaged length field cannot make
 * the agent allocate without bound. */
#define STATEFILE_MAX_PAYLOAD (256u * 1024 * 1024)

enum statefile_error {
	STATEFILE_OK = 0,
	STATEFILE_EIO = -1,		/* errno holds the reason */
	STATEFILE_ENOENT = -2,		/* no such file */
	STATEFILE_EHEADER = -3,		/* header line missing or malformed */
	STATEFILE_ELENGTH = -4,		/* payload shorter or longer */
	STATEFILE_ECHECKSUM = -5,	/* SHA-256 does not match */
	STATEFILE_EMODE = -6,		/* not a regular file, or readable
					 * by others than its owner */
	STATEFILE_ENOMEM = -7,
};

/* Phrase for an enum statefile_error code. */
const char *statefile_strerror(int code);

/*
 * Replace `path` with `payload`: write a temporary file in the same
 * folder with mode 0600, fsync it, rename it over `path` and fsync the
 * folder, so a crash leaves either the old file or the new one. Returns
 * STATEFILE_OK or STATEFILE_EIO with errno set.
 */
int statefile_write(const char *path, const void *payload, size_t length);

/*
 * Read and check `path`. On success *payload is a malloc'd buffer with a
 * terminating NUL after *length bytes. Nothing is returned on any error.
 */
int statefile_read(const char *path, char **payload, size_t *length);

/* Read and check `path` and parse its payload as JSON. Returns a new
 * reference, or NULL when the file is missing, damaged or not JSON. */
json_t *statefile_read_json(const char *path);

#endif
