/*
 * Dynamic mode: rules for the running agent (ipseccmd without -w).
 *
 *   ipseccmd -f ...            add a rule through the agent's control socket
 *   ipseccmd -u                remove every dynamic rule
 *   ipseccmd -confirm -f ...   show the rule and ask before adding it
 *   ipseccmd \\HOST -f ...      store the rule in HOST's directory entry,
 *                              where HOST's agent reads it at its next full
 *                              poll (`ipseccmd-agent --refresh` on HOST)
 *
 * The control socket protocol is described in docs/agent.md: one JSON
 * request line, one JSON response line. The agent persists the rules, so
 * they survive its restarts; -u removes them.
 */
#include "cli.h"

#include "directory.h"
#include "grammar.h"
#include "policy_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define AGENT_SOCKET_DEFAULT "/run/ipseccmd/agent.sock"

/* The agent applies the rule before it sends its response, including a
 * reachability check of up to its rollback_seconds (30 by default). */
#define AGENT_REPLY_TIMEOUT_SECONDS 120

/* Maximum response length read from the agent, in bytes. */
#define AGENT_REPLY_MAX (16 * 1024 * 1024)

struct dynamic_request {
	const char *socket_path;
	struct dir_options dir;
};

static int request_read(struct cli_options *opts, struct dynamic_request *r)
{
	bool missing = false;
	const char *unused;

	memset(r, 0, sizeof(*r));
	r->socket_path = cli_option_value(opts, "agent-socket", &missing);
	if (!r->socket_path)
		r->socket_path = AGENT_SOCKET_DEFAULT;
	r->dir.uri = cli_option_value(opts, "ldap-uri", &missing);
	r->dir.base = cli_option_value(opts, "ldap-base", &missing);
	r->dir.bind_dn = cli_option_value(opts, "bind-dn", &missing);
	r->dir.password_file = cli_option_value(opts, "password-file", &missing);
	r->dir.sasl_external = cli_option_take(opts, "sasl-external") != NULL;
	r->dir.starttls = cli_option_take(opts, "starttls") != NULL;
	r->dir.tls_cert = cli_option_value(opts, "tls-cert", &missing);
	r->dir.tls_key = cli_option_value(opts, "tls-key", &missing);
	r->dir.tls_ca = cli_option_value(opts, "tls-ca", &missing);
	if (missing)
		return CLI_EXIT_USAGE;
	unused = cli_options_unused(opts);
	if (unused) {
		fprintf(stderr, "ipseccmd: unknown option '--%s' in dynamic mode; see ipseccmd /?\n",
			unused);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* Send one request line and read one response line from the agent. */
static json_t *agent_call(const char *path, const json_t *request)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = AGENT_REPLY_TIMEOUT_SECONDS };
	json_t *response = NULL;
	json_error_t jerr;
	char *text = NULL, *line = NULL, *buf = NULL;
	size_t have = 0, cap = 0, len, off = 0;
	int fd = -1;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "ipseccmd: agent socket path '%s' is too long\n",
			path);
		goto out;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	text = json_dumps(request, JSON_COMPACT);
	if (!text || asprintf(&line, "%s\n", text) < 0) {
		line = NULL;
		fputs("ipseccmd: out of memory\n", stderr);
		goto out;
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "ipseccmd: unable to reach the agent at '%s': %s; is ipseccmd-agent running, and are you root or in its control_group?\n",
			path, strerror(errno));
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	len = strlen(line);
	while (off < len) {
		ssize_t n = send(fd, line + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "ipseccmd: unable to send to the agent at '%s': %s\n",
				path, strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	shutdown(fd, SHUT_WR);

	for (;;) {
		ssize_t n;

		if (have + 4096 > cap) {
			char *grown;

			if (cap >= AGENT_REPLY_MAX) {
				fputs("ipseccmd: the agent's response is too long\n",
				      stderr);
				goto out;
			}
			grown = realloc(buf, cap + 65536);
			if (!grown) {
				fputs("ipseccmd: out of memory\n", stderr);
				goto out;
			}
			buf = grown;
			cap += 65536;
		}
		n = read(fd, buf + have, cap - have - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "ipseccmd: no response from the agent at '%s': %s\n",
				path, errno == EAGAIN ? "timed out" : strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	if (!buf) {
		fprintf(stderr, "ipseccmd: the agent at '%s' closed the connection without a response\n",
			path);
		goto out;
	}
	buf[have] = '\0';
	response = json_loads(buf, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(response)) {
		fprintf(stderr, "ipseccmd: invalid response from the agent: %s\n",
			response ? "not an object" : jerr.text);
		json_decref(response);
		response = NULL;
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(line);
	free(text);
	return response;
}

/* Run one request; prints the agent's error and returns an exit code. */
static int agent_request(const char *path, json_t *request, json_t **reply)
{
	json_t *response = agent_call(path, request);

	json_decref(request);
	if (!response)
		return CLI_EXIT_FAILURE;
	if (!json_is_true(json_object_get(response, "ok"))) {
		const char *why = json_string_value(json_object_get(response,
								    "error"));

		fprintf(stderr, "ipseccmd: the agent rejected the request: %s\n",
			why ? why : "no reason given");
		json_decref(response);
		return CLI_EXIT_FAILURE;
	}
	if (reply)
		*reply = response;
	else
		json_decref(response);
	return CLI_EXIT_OK;
}

/* Show the rule and read y or yes from the terminal. */
static bool confirm_ask(const struct command *cmd)
{
	char *text = command_format(cmd, PRINT_GIVEN_ONLY);
	char answer[16] = "";
	FILE *tty = fopen("/dev/tty", "r+e");
	bool yes = false;

	if (!tty) {
		fputs("ipseccmd: -confirm needs a terminal to ask on; run without -confirm to add the rule unasked\n",
		      stderr);
		goto out;
	}
	fprintf(tty, "Add this dynamic rule%s%s?\n  ipseccmd %s\n[y/N] ",
		cmd->computer ? " to " : "", cmd->computer ? cmd->computer : "",
		text ? text : "(rule)");
	fflush(tty);
	if (fgets(answer, sizeof(answer), tty)) {
		answer[strcspn(answer, "\r\n")] = '\0';
		yes = strcasecmp(answer, "y") == 0 ||
		      strcasecmp(answer, "yes") == 0;
	}
	if (!yes)
		fputs("ipseccmd: nothing added\n", stderr);
out:
	if (tty)
		fclose(tty);
	free(text);
	return yes;
}

static int local_run(const struct command *cmd, const char *socket_path)
{
	json_t *rule, *reply = NULL;
	int ret;

	if (cmd->mode == MODE_DYNAMIC_DELETE) {
		ret = agent_request(socket_path, json_pack("{s:s}", "command",
							   "delete-all"),
				    &reply);
		if (ret == CLI_EXIT_OK)
			printf("removed %lld dynamic rules\n", (long long)
			       json_integer_value(json_object_get(reply,
								  "removed")));
		json_decref(reply);
		return ret;
	}

	rule = rule_to_json(&cmd->rule, PRINT_SECRETS);
	if (!rule) {
		fputs("ipseccmd: out of memory\n", stderr);
		return CLI_EXIT_FAILURE;
	}
	ret = agent_request(socket_path, json_pack("{s:s, s:[o]}", "command",
						   "add", "rules", rule),
			    &reply);
	if (ret == CLI_EXIT_OK)
		printf("added; the agent has %lld dynamic rules\n", (long long)
		       json_integer_value(json_object_get(reply,
							  "dynamic_rules")));
	json_decref(reply);
	return ret;
}

/* \\HOST: read the entry's rules, append or clear, write them back. */
static int remote_run(const struct command *cmd, const struct dir_options *dir)
{
	struct dir_conn *conn = NULL;
	struct rule_spec *rules = NULL, *all = NULL;
	size_t count = 0;
	char msg[512] = "";
	int code, ret = CLI_EXIT_FAILURE;

	code = dir_connect(dir, &conn, msg, sizeof(msg));
	if (code != DIR_OK) {
		fprintf(stderr, "ipseccmd: %s\n", msg);
		goto out;
	}
	if (cmd->mode == MODE_DYNAMIC_DELETE) {
		code = dir_host_dynamic_write(conn, cmd->computer, NULL, 0);
		goto done;
	}

	code = dir_host_dynamic_read(conn, cmd->computer, &rules, &count);
	if (code != DIR_OK)
		goto done;
	all = calloc(count + 1, sizeof(*all));
	if (!all) {
		fputs("ipseccmd: out of memory\n", stderr);
		goto out;
	}
	/* Shallow copies: the write only reads them, and the originals are
	 * freed once below. */
	if (count > 0)
		memcpy(all, rules, count * sizeof(*all));
	all[count] = cmd->rule;
	code = dir_host_dynamic_write(conn, cmd->computer, all, count + 1);
done:
	if (code != DIR_OK) {
		fprintf(stderr, "ipseccmd: unable to change the dynamic rules of '%s': %s\n",
			cmd->computer, dir_message(conn));
		goto out;
	}
	if (cmd->mode == MODE_DYNAMIC_DELETE)
		printf("removed the dynamic rules of '%s'\n", cmd->computer);
	else
		printf("stored; '%s' has %zu dynamic rules in the directory\n",
		       cmd->computer, count + 1);
	ret = CLI_EXIT_OK;
out:
	free(all);
	dir_rules_free(rules, count);
	dir_close(conn);
	return ret;
}

int cli_run_dynamic(const struct command *cmd, const struct cli_options *opts)
{
	struct dynamic_request r;
	int ret;

	/* cli_option_take marks options as used; the list itself is ours
	 * to mark. */
	ret = request_read((struct cli_options *)opts, &r);
	if (ret != 0)
		return ret;
	if (cmd->mode == MODE_DYNAMIC && cmd->confirm && !confirm_ask(cmd))
		return CLI_EXIT_FAILURE;
	if (cmd->computer)
		return remote_run(cmd, &r.dir);
	return local_run(cmd, r.socket_path);
}

/* `ipseccmd --refresh`: ask the local agent to poll the directory now and
 * print what it applies; returns an enum cli_exit value. */
int cli_run_refresh(struct cli_options *opts)
{
	struct dynamic_request r;
	json_t *reply = NULL;
	const char *policy, *origin;
	int ret;

	ret = request_read(opts, &r);
	if (ret != 0)
		return ret;
	ret = agent_request(r.socket_path, json_pack("{s:s}", "command",
						     "refresh"), &reply);
	if (ret != CLI_EXIT_OK)
		return ret;

	policy = json_string_value(json_object_get(reply, "policy"));
	origin = json_string_value(json_object_get(reply, "origin"));
	printf("applied policy '%s' version %lld (origin %s); directory %s\n",
	       policy ? policy : "(none)",
	       (long long)json_integer_value(json_object_get(reply, "version")),
	       origin ? origin : "none",
	       json_is_true(json_object_get(reply, "connected"))
		       ? "connected" : "not connected");
	json_decref(reply);
	return CLI_EXIT_OK;
}
