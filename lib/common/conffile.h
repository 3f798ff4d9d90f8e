/*
 * Reader of "key = value" configuration files, shared by the agent, the
 * report server and the CLI. Each line sets one key. A line whose first
 * non-blank character is '#' is a comment, blank lines are skipped, and
 * blanks around the key and the value are trimmed.
 */
#ifndef IPSECCMD_CONFFILE_H
#define IPSECCMD_CONFFILE_H

/*
 * Called once per setting with the trimmed key and value; value is NULL
 * when the line has no '='. The callback reports its own errors and
 * returns 0 to accept the line or a negative number to reject it.
 */
typedef int conffile_setting_fn(void *ctx, const char *key,
				const char *value, unsigned lineno);

/* conffile_read's result when the callback rejected at least one line. */
#define CONFFILE_REJECTED 1

/*
 * Read path and pass every setting to set, also after a rejected line,
 * so one run reports every bad line. Returns 0, CONFFILE_REJECTED, or
 * -errno when the file could not be opened or read (not reported here:
 * -ENOENT lets a caller treat a missing file as empty).
 */
int conffile_read(const char *path, conffile_setting_fn *set, void *ctx);

#endif
