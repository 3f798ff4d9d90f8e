#include "control.h"

#include "log.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static int address_set(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return -ENAMETOOLONG;
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

static int group_lookup(const char *name, gid_t *gid)
{
	struct group *gr;

	errno = 0;
	gr = getgrnam(name);
	if (!gr)
		return errno ? -errno : -ENOENT;
	*gid = gr->gr_gid;
	return 0;
}

int control_listen(const char *path, const char *group)
{
	struct sockaddr_un sun;
	mode_t old_mask;
	gid_t gid = 0;
	int fd = -1, ret;

	ret = address_set(&sun, path);
	if (ret < 0) {
		log_error("control", "socket path '%s' is too long: use at "
			  "most %zu bytes", path, sizeof(sun.sun_path) - 1);
		goto out;
	}
	if (group && *group) {
		ret = group_lookup(group, &gid);
		if (ret < 0) {
			log_error("control", "control_group '%s' not found: %s",
				  group, ret == -ENOENT ? "no such group"
							: strerror(-ret));
			goto out;
		}
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		ret = -errno;
		log_error("control", "unable to create socket: %s",
			  strerror(errno));
		goto out;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		ret = -errno;
		log_error("control", "unable to remove stale socket '%s': %s",
			  path, strerror(errno));
		goto out;
	}

	/* Bind with a closed umask so no client can connect before chmod. */
	old_mask = umask(0177);
	ret = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old_mask);
	if (ret < 0) {
		ret = -errno;
		log_error("control", "unable to bind '%s': %s", path,
			  strerror(errno));
		goto out;
	}
	if (group && *group &&
	    (chown(path, 0, gid) < 0 || chmod(path, 0660) < 0)) {
		ret = -errno;
		log_error("control", "unable to give '%s' to group '%s': %s",
			  path, group, strerror(errno));
		goto out;
	}
	if (listen(fd, 16) < 0) {
		ret = -errno;
		log_error("control", "unable to listen on '%s': %s", path,
			  strerror(errno));
		goto out;
	}
	ret = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

void control_close(int fd, const char *path)
{
	if (fd < 0)
		return;
	close(fd);
	unlink(path);
}

static void timeouts_set(int fd)
{
	struct timeval tv = { .tv_sec = CONTROL_IO_TIMEOUT };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Read up to the first newline; returns a malloc'd NUL-terminated line. */
static char *line_read(int fd, int *err)
{
	size_t have = 0, cap = 4096;
	char *buf = malloc(cap);

	*err = 0;
	if (!buf) {
		*err = ENOMEM;
		return NULL;
	}
	for (;;) {
		ssize_t n;

		if (have + 1 >= cap) {
			char *bigger;

			if (cap >= CONTROL_MAX_REQUEST) {
				*err = EMSGSIZE;
				break;
			}
			bigger = realloc(buf, cap * 2);
			if (!bigger) {
				*err = ENOMEM;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + have, cap - have - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = errno;
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		if (memchr(buf + have - (size_t)n, '\n', (size_t)n))
			break;
	}
	if (*err) {
		free(buf);
		return NULL;
	}
	buf[have] = '\0';
	return buf;
}

/* Send the message and its newline in one buffer. MSG_NOSIGNAL turns a
 * peer that already left into EPIPE instead of killing the process. */
static int line_write(int fd, const json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	char *line = NULL;
	size_t len, off = 0;
	int ret = -ENOMEM;

	if (!text || asprintf(&line, "%s\n", text) < 0) {
		line = NULL;
		goto out;
	}
	len = strlen(line);
	while (off < len) {
		ssize_t n = send(fd, line + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		off += (size_t)n;
	}
	ret = 0;
out:
	free(line);
	free(text);
	return ret;
}

static json_t *error_response(const char *message)
{
	return json_pack("{s:b, s:s}", "ok", 0, "error", message);
}

/*
 * NOTE: requests are served one at a time inside the agent's loop, so a
 * client that connects and sends nothing blocks the loop for up to
 * CONTROL_IO_TIMEOUT seconds, and a refresh that rolls back blocks it for
 * up to rollback_seconds. Only root and control_group can connect.
 */
int control_serve_one(int listen_fd, control_handler *handler, void *ctx)
{
	struct ucred cred = { .uid = (uid_t)-1 };
	socklen_t cred_len = sizeof(cred);
	json_t *request = NULL, *response = NULL;
	json_error_t jerr;
	char *line = NULL;
	int fd, err, ret = 0;

	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (errno != EAGAIN && errno != EINTR)
			log_warning("control", "accept failed: %s",
				    strerror(errno));
		goto out;
	}
	timeouts_set(fd);
	getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cred_len);

	line = line_read(fd, &err);
	if (!line) {
		ret = -err;
		log_warning("control", "request from uid %ld not read: %s",
			    (long)cred.uid, strerror(err));
		goto out;
	}
	request = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(request)) {
		log_warning("control", "invalid request from uid %ld: %s",
			    (long)cred.uid, request ? "not an object" : jerr.text);
		response = error_response("invalid request: send one JSON "
					  "object on one line");
	} else {
		response = handler(ctx, request, cred.uid);
	}
	if (!response)
		response = error_response("out of memory");
	if (response)
		ret = line_write(fd, response);
out:
	if (fd >= 0)
		close(fd);
	json_decref(request);
	json_decref(response);
	free(line);
	return ret;
}

json_t *control_call(const char *path, const json_t *request,
		     const char **error)
{
	struct sockaddr_un sun;
	json_t *response = NULL;
	json_error_t jerr;
	char *line = NULL;
	int fd = -1, err;

	*error = NULL;
	if (address_set(&sun, path) < 0) {
		*error = "socket path too long";
		goto out;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		*error = strerror(errno);
		goto out;
	}
	timeouts_set(fd);
	if (line_write(fd, request) < 0) {
		*error = strerror(errno);
		goto out;
	}
	shutdown(fd, SHUT_WR);
	line = line_read(fd, &err);
	if (!line) {
		*error = strerror(err);
		goto out;
	}
	response = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(response)) {
		json_decref(response);
		response = NULL;
		*error = "the agent sent an invalid response";
	}
out:
	if (fd >= 0)
		close(fd);
	free(line);
	return response;
}
