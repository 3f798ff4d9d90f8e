/*
 * The agent's control socket: a UNIX stream socket where each connection
 * carries one JSON request line and gets one JSON response line.
 *
 * Requests:  {"command": "refresh"}            full poll now (assignment too)
 *            {"command": "poll"}               the periodic poll, run now
 *            {"command": "status"}             state of the agent
 *            {"command": "add", "rules": [R]}  add dynamic rules
 *            {"command": "delete-all"}         remove every dynamic rule
 *            {"command": "list"}               the dynamic rules
 * Responses: {"ok": true, ...} or {"ok": false, "error": "one line"}.
 * R is a rule in the policy library's JSON form.
 *
 * Access is the socket file's mode: 0600 root, or 0660 with the group
 * named by control_group.
 */
#ifndef IPSECCMD_AGENT_CONTROL_H
#define IPSECCMD_AGENT_CONTROL_H

#include <jansson.h>
#include <sys/types.h>

/* Maximum request line length, in bytes. */
#define CONTROL_MAX_REQUEST (16u * 1024 * 1024)

/* Seconds a client may take to send its request or read the response. */
#define CONTROL_IO_TIMEOUT 5

/*
 * Create the listening socket at `path`, replacing a stale socket file.
 * `group` empty or NULL gives mode 0600; a group name gives 0660 owned by
 * that group. Returns the descriptor or -errno; errors are logged.
 */
int control_listen(const char *path, const char *group);

/* Remove the socket file and close the descriptor. */
void control_close(int fd, const char *path);

/*
 * Handle one request from an accepted connection: read the line, call
 * handler, write its response. The handler returns a new reference; the
 * request is borrowed. Returns 0 or -errno; errors are logged.
 */
typedef json_t *control_handler(void *ctx, const json_t *request, uid_t peer);
int control_serve_one(int listen_fd, control_handler *handler, void *ctx);

/*
 * Send `request` to the agent at `path` and return its response (a new
 * reference) or NULL with *error set to a static phrase or strerror text.
 */
json_t *control_call(const char *path, const json_t *request,
		     const char **error);

#endif
