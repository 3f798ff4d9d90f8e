/*
 * One small logger for the daemons and the CLI. Messages go to stderr
 * (systemd's journal takes stderr of its services), one line each, with a
 * level and an optional subsystem tag: "warning: ldap: bind failed: ...".
 * Every call preserves errno.
 */
#ifndef IPSECCMD_LOG_H
#define IPSECCMD_LOG_H

#include <stdarg.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_INFO,
		 LOG_LEVEL_DEBUG };

/* Messages above this level are dropped; the default is LOG_LEVEL_INFO. */
void log_set_level(enum log_level level);

/* Prefix each line with the program name, e.g. "ipseccmd-agent". */
void log_set_ident(const char *ident);

/* Add an ISO 8601 UTC timestamp to each line (for daemons in the
 * foreground without a journal). */
void log_set_timestamps(int enabled);

void log_msg(enum log_level level, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vmsg(enum log_level level, const char *tag, const char *fmt,
	      va_list ap) __attribute__((format(printf, 3, 0)));

#define log_error(tag, ...) log_msg(LOG_LEVEL_ERROR, tag, __VA_ARGS__)
#define log_warning(tag, ...) log_msg(LOG_LEVEL_WARNING, tag, __VA_ARGS__)
#define log_info(tag, ...) log_msg(LOG_LEVEL_INFO, tag, __VA_ARGS__)
#define log_debug(tag, ...) log_msg(LOG_LEVEL_DEBUG, tag, __VA_ARGS__)

#endif
