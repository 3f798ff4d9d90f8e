#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level max_level = LOG_LEVEL_INFO;
static const char *ident;
static int timestamps;

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARNING] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void log_set_level(enum log_level level)
{
	max_level = level;
}

void log_set_ident(const char *name)
{
	ident = name;
}

void log_set_timestamps(int enabled)
{
	timestamps = enabled;
}

void log_vmsg(enum log_level level, const char *tag, const char *fmt,
	      va_list ap)
{
	int saved_errno = errno;
	char line[2048];
	size_t used = 0;
	int n;

	if (level > max_level)
		goto out;

	if (timestamps) {
		struct timespec now;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &now);
		gmtime_r(&now.tv_sec, &tm);
		used += strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	}
	n = snprintf(line + used, sizeof(line) - used, "%s%s%s: %s%s",
		     ident ? ident : "", ident ? ": " : "", level_names[level],
		     tag ? tag : "", tag ? ": " : "");
	if (n > 0)
		used += (size_t)n < sizeof(line) - used ? (size_t)n
							: sizeof(line) - used - 1;
	vsnprintf(line + used, sizeof(line) - used, fmt, ap);

	/* One write per line keeps lines whole when threads log at once. */
	fprintf(stderr, "%s\n", line);
out:
	errno = saved_errno;
}

void log_msg(enum log_level level, const char *tag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, tag, fmt, ap);
	va_end(ap);
}
