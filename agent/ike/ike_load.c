/* Loading the written configuration into charon through swanctl. */
#include "ike.h"
#include "ike_text.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define IKE_SWANCTL "/usr/sbin/swanctl"

/* The environment for swanctl: ours, with STRONGSWAN_CONF and SWANCTL_DIR
 * replaced by the daemon's. */
static char **ike_env_build(const struct ike_daemon *d, char *conf_var,
			    size_t conf_size, char *dir_var, size_t dir_size)
{
	size_t n = 0, i, j = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 3, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "STRONGSWAN_CONF=", 16) != 0 &&
		    strncmp(environ[i], "SWANCTL_DIR=", 12) != 0)
			env[j++] = environ[i];
	if (d->strongswan_conf) {
		snprintf(conf_var, conf_size, "STRONGSWAN_CONF=%s",
			 d->strongswan_conf);
		env[j++] = conf_var;
	}
	if (d->swanctl_dir) {
		snprintf(dir_var, dir_size, "SWANCTL_DIR=%s", d->swanctl_dir);
		env[j++] = dir_var;
	}
	return env;
}

/* Log swanctl's output line by line, as errors when failed is set and as
 * debug messages otherwise. swanctl names secrets, never their values. */
static void ike_output_log(char *output, bool failed)
{
	char *line = output, *end;

	for (; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		/* Plugins that Debian lists but does not ship are noise. */
		if (!*line || strncmp(line, "plugin '", 8) == 0)
			continue;
		if (failed)
			log_error("ike", "swanctl: %s", line);
		else
			log_debug("ike", "swanctl: %s", line);
	}
}

static void ike_output_read(int fd, struct ike_text *output)
{
	char buf[1024];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		ike_text_printf(output, "%.*s", (int)n, buf);
	}
}

/* Run one swanctl command. With capture, its standard output goes to
 * *capture and its errors are dropped; otherwise both are logged. */
static int ike_swanctl_spawn(const struct ike_daemon *d, const char *command,
			     bool creds, char **capture)
{
	char conf_var[4096], dir_var[4096];
	const char *program = d->swanctl ? d->swanctl : IKE_SWANCTL;
	char *argv[8];
	char **env = NULL;
	posix_spawn_file_actions_t actions;
	int pipe_fd[2] = { -1, -1 }, status = 0, ret = -EIO;
	bool actions_ready = false;
	struct ike_text output = { 0 };
	pid_t pid;
	size_t argc = 0;

	argv[argc++] = (char *)program;
	argv[argc++] = (char *)command;
	if (capture)
		argv[argc++] = (char *)"--pretty";
	if (creds) {
		/* No terminal to ask for passphrases; --clear drops keys that
		 * are no longer in the files. */
		argv[argc++] = (char *)"--noprompt";
		argv[argc++] = (char *)"--clear";
	}
	if (d->vici_uri) {
		argv[argc++] = (char *)"--uri";
		argv[argc++] = (char *)d->vici_uri;
	}
	argv[argc] = NULL;

	env = ike_env_build(d, conf_var, sizeof(conf_var), dir_var,
			    sizeof(dir_var));
	if (!env || pipe2(pipe_fd, O_CLOEXEC) < 0) {
		ret = -errno;
		goto out;
	}
	if (posix_spawn_file_actions_init(&actions) != 0)
		goto out;
	actions_ready = true;
	posix_spawn_file_actions_adddup2(&actions, pipe_fd[1], STDOUT_FILENO);
	if (capture)
		posix_spawn_file_actions_addopen(&actions, STDERR_FILENO,
						 "/dev/null", O_WRONLY, 0);
	else
		posix_spawn_file_actions_adddup2(&actions, pipe_fd[1],
						 STDERR_FILENO);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
					 O_RDONLY, 0);
	ret = posix_spawn(&pid, program, &actions, NULL, argv, env);
	if (ret != 0) {
		log_error("ike", "failed to run '%s': %s", program,
			  strerror(ret));
		ret = -EIO;
		goto out;
	}
	ret = -EIO;
	close(pipe_fd[1]);
	pipe_fd[1] = -1;

	ike_output_read(pipe_fd[0], &output);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (capture && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		*capture = ike_text_take(&output);
		ret = *capture ? 0 : -ENOMEM;
	} else if (capture) {
		log_debug("ike", "'swanctl %s' failed with status %d", command,
			  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		ike_output_log(output.data, false);
		ret = 0;
	} else {
		ike_output_log(output.data, true);
		log_error("ike", "'swanctl %s' failed with status %d; see the swanctl lines above",
			  command, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
out:
	if (actions_ready)
		posix_spawn_file_actions_destroy(&actions);
	ike_text_free(&output);
	if (pipe_fd[0] >= 0)
		close(pipe_fd[0]);
	if (pipe_fd[1] >= 0)
		close(pipe_fd[1]);
	free(env);
	return ret;
}

static int ike_swanctl_run(const struct ike_daemon *d, const char *command,
			   bool creds)
{
	return ike_swanctl_spawn(d, command, creds, NULL);
}

int ike_query(const struct ike_daemon *daemon, const char *command,
	      char **out)
{
	*out = NULL;
	return ike_swanctl_spawn(daemon, command, false, out);
}

int ike_config_load(const struct ike_daemon *daemon, unsigned changed)
{
	int ret;

	/* Credentials first: connections that reference new keys must find
	 * them when they are loaded. */
	if (changed & IKE_CHANGED_SECRETS) {
		ret = ike_swanctl_run(daemon, "--load-creds", true);
		if (ret < 0)
			return ret;
	}
	if (changed & IKE_CHANGED_CONNS) {
		ret = ike_swanctl_run(daemon, "--load-authorities", false);
		if (ret < 0)
			return ret;
		ret = ike_swanctl_run(daemon, "--load-conns", false);
		if (ret < 0)
			return ret;
	}
	return 0;
}
