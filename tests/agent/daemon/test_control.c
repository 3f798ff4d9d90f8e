#include "control.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static char folder[] = "/tmp/daemon-control-XXXXXX";
static char path[64];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(folder))
		return -1;
	snprintf(path, sizeof(path), "%s/agent.sock", folder);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(folder);
	return 0;
}

static json_t *echo_handler(void *ctx, const json_t *request, uid_t peer)
{
	(*(int *)ctx)++;
	return json_pack("{s:b, s:O, s:I}", "ok", 1, "echo",
			 json_object_get(request, "command"), "peer",
			 (json_int_t)peer);
}

/* Run `client` in a child while the parent serves one request; returns
 * the child's exit status. */
static int serve_with_client(int fd, int (*client)(void), int *calls)
{
	int status = -1;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(client());
	/* The listening socket is non-blocking: wait until the child
	 * connects. */
	for (int i = 0; i < 500; i++) {
		if (control_serve_one(fd, echo_handler, calls) != -EAGAIN)
			break;
		usleep(10000);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

static int client_status(void)
{
	json_t *request = json_pack("{s:s}", "command", "status");
	const char *error;
	json_t *response = control_call(path, request, &error);
	const char *echo = json_string_value(json_object_get(response, "echo"));
	int ok = response && json_is_true(json_object_get(response, "ok")) &&
		 echo && strcmp(echo, "status") == 0 &&
		 json_integer_value(json_object_get(response, "peer")) ==
			 (json_int_t)getuid();
	json_decref(request);
	json_decref(response);
	return ok ? 0 : 1;
}

static int client_garbage(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char reply[256] = "";
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ssize_t n;

	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		return 2;
	if (write(fd, "not json\n", 9) != 9)
		return 3;
	n = read(fd, reply, sizeof(reply) - 1);
	close(fd);
	if (n <= 0)
		return 4;
	return strstr(reply, "\"ok\":false") && strstr(reply, "invalid request")
		       ? 0 : 5;
}

static void request_round_trip(void **state)
{
	int calls = 0;
	int fd = control_listen(path, NULL);
	struct stat st;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(serve_with_client(fd, client_status, &calls), 0);
	assert_int_equal(calls, 1);
	control_close(fd, path);
	assert_int_equal(access(path, F_OK), -1);
}

static void invalid_request_answered(void **state)
{
	int calls = 0;
	int fd = control_listen(path, NULL);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(serve_with_client(fd, client_garbage, &calls), 0);
	assert_int_equal(calls, 0);
	control_close(fd, path);
}

static void stale_socket_replaced(void **state)
{
	int first = control_listen(path, NULL);
	int second;

	(void)state;
	assert_true(first >= 0);
	close(first);
	second = control_listen(path, NULL);
	assert_true(second >= 0);
	control_close(second, path);
}

static void group_socket_mode(void **state)
{
	int fd = control_listen(path, "root");
	struct stat st;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660);
	assert_int_equal(st.st_gid, 0);
	control_close(fd, path);
}

static void unknown_group_rejected(void **state)
{
	(void)state;
	assert_true(control_listen(path, "no-such-group-ipseccmd") < 0);
}

static void no_agent_reported(void **state)
{
	json_t *request = json_pack("{s:s}", "command", "status");
	const char *error = NULL;

	(void)state;
	unlink(path);
	assert_null(control_call(path, request, &error));
	assert_non_null(error);
	json_decref(request);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_round_trip),
		cmocka_unit_test(invalid_request_answered),
		cmocka_unit_test(stale_socket_replaced),
		cmocka_unit_test(group_socket_mode),
		cmocka_unit_test(unknown_group_rejected),
		cmocka_unit_test(no_agent_reported),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
