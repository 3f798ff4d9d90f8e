/*
 * Query mode: `ipseccmd show TOPIC...` reads this host's kernel XFRM state
 * and the agent's status; `ipseccmd \\HOST show TOPIC...` reads HOST's
 * latest report from ipseccmd-server and prints how old it is. --fleet
 * prints the server's fleet summary. Options:
 *   --server=URL --cert=FILE --key=FILE --ca=FILE  the report server and
 *       the administrator certificate (defaults from /etc/ipseccmd/cli.conf
 *       or --config=FILE, "name = value" lines with the same names)
 *   --agent-socket=PATH  the agent's control socket
 *   --fleet  --stale-after=SECONDS  --json
 */
#include "cli.h"

#include "conffile.h"
#include "fetch.h"
#include "report.h"
#include "show.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define QUERY_CONFIG_DEFAULT "/etc/ipseccmd/cli.conf"
#define QUERY_CONTROL_DEFAULT "/run/ipseccmd/agent.sock"

struct query_request {
	char *server;
	char *cert;
	char *key;
	char *ca;
	const char *control;
	const char *stale_after;
	bool fleet;
	bool json;
};

static const char *const config_names[] = { "server", "cert", "key", "ca" };

static char **request_slot(struct query_request *r, size_t i)
{
	char **slots[] = { &r->server, &r->cert, &r->key, &r->ca };

	return slots[i];
}

static void request_free(struct query_request *r)
{
	for (size_t i = 0; i < 4; i++)
		free(*request_slot(r, i));
}

struct load_ctx {
	struct query_request *request;
	const char *path;
};

/* Take one setting of the file unless the command line gave it. */
static int config_apply_line(void *ctx, const char *key, const char *value,
			     unsigned lineno)
{
	struct load_ctx *load = ctx;
	char **slot;
	size_t i;

	for (i = 0; i < 4 && strcmp(key, config_names[i]) != 0; i++)
		;
	if (!value || i == 4) {
		fprintf(stderr, "ipseccmd: %s:%u: unknown setting '%s': "
				"use server, cert, key or ca = VALUE\n",
			load->path, lineno, key);
		return -1;
	}
	slot = request_slot(load->request, i);
	if (!*slot && !(*slot = strdup(value)))
		return -1;
	return 0;
}

/* Fill settings not given on the command line from the config file. */
static int config_read(struct query_request *r, const char *path,
		       bool must_exist)
{
	struct load_ctx load = { r, path };
	int ret = conffile_read(path, config_apply_line, &load);

	if (ret == -ENOENT && !must_exist)
		return 0;
	if (ret < 0) {
		fprintf(stderr, "ipseccmd: unable to read '%s': %s\n", path,
			strerror(-ret));
		return -1;
	}
	return ret == CONFFILE_REJECTED ? -1 : 0;
}

static int request_read(struct cli_options *opts, struct query_request *r)
{
	struct cli_option *config = cli_option_take(opts, "config");
	struct cli_option *o;
	const char *unused;

	for (size_t i = 0; i < 4; i++) {
		bool missing = false;
		const char *value = cli_option_value(opts, config_names[i],
						     &missing);

		if (missing)
			return CLI_EXIT_USAGE;
		if (value)
			*request_slot(r, i) = strdup(value);
	}
	o = cli_option_take(opts, "agent-socket");
	r->control = o && o->value ? o->value : QUERY_CONTROL_DEFAULT;
	o = cli_option_take(opts, "stale-after");
	r->stale_after = o ? o->value : NULL;
	r->fleet = cli_option_take(opts, "fleet") != NULL;
	r->json = cli_option_take(opts, "json") != NULL;
	unused = cli_options_unused(opts);
	if (unused) {
		fprintf(stderr, "ipseccmd: unknown option '--%s' in query mode; "
				"see ipseccmd show /?\n",
			unused);
		return CLI_EXIT_USAGE;
	}
	if (r->stale_after && strspn(r->stale_after, "0123456789") !=
				      strlen(r->stale_after)) {
		fprintf(stderr, "ipseccmd: invalid --stale-after '%s': give "
				"seconds\n",
			r->stale_after);
		return CLI_EXIT_USAGE;
	}
	if (config_read(r, config && config->value ? config->value
						   : QUERY_CONFIG_DEFAULT,
			config != NULL) != 0)
		return CLI_EXIT_FAILURE;
	return CLI_EXIT_OK;
}

/* Request the agent's status; NULL when no agent responds. */
static json_t *agent_status_read(const char *path)
{
	static const char request[] = "{\"command\": \"status\"}\n";
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval timeout = { .tv_sec = 5 };
	char reply[65536];
	size_t got = 0;
	json_t *status = NULL;
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return NULL;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    write(fd, request, sizeof(request) - 1) !=
		    (ssize_t)(sizeof(request) - 1))
		goto out;
	while (got < sizeof(reply) - 1) {
		ssize_t n = read(fd, reply + got, sizeof(reply) - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(reply, '\n', got))
			break;
	}
	status = json_loadb(reply, got, JSON_DISABLE_EOF_CHECK, NULL);
	if (status && !json_is_true(json_object_get(status, "ok"))) {
		json_decref(status);
		status = NULL;
	}
out:
	close(fd);
	return status;
}

/* Copy the status reply's rules and exemptions into in; the strings stay
 * owned by status. Returns -1 when memory runs out. */
static int status_lists_fill(const json_t *status, struct report_input *in,
			     struct report_rule **rules,
			     struct report_rule_ike **rule_ike,
			     const char ***exempt)
{
	const json_t *list = json_object_get(status, "rules");
	const json_t *ex = json_object_get(status, "exemptions");
	const json_t *item;
	size_t i;

	*rules = calloc(json_array_size(list) + 1, sizeof(**rules));
	*rule_ike = calloc(json_array_size(list) + 1, sizeof(**rule_ike));
	*exempt = calloc(json_array_size(ex) + 1, sizeof(**exempt));
	if (!*rules || !*rule_ike || !*exempt)
		return -1;
	json_array_foreach (list, i, item) {
		struct report_rule *rule = &(*rules)[in->rule_count];
		struct report_rule_ike *ike = &(*rule_ike)[in->rule_count];

		rule->name = json_string_value(json_object_get(item, "name"));
		if (!rule->name)
			continue;
		rule->status = REPORT_RULE_APPLIED;
		ike->connection = json_string_value(json_object_get(
			item, "connection"));
		ike->ike_sa = json_string_value(json_object_get(item,
								"ike_sa"));
		ike->note = json_string_value(json_object_get(item, "note"));
		ike->weak = json_is_true(json_object_get(item, "weak"));
		in->rule_count++;
	}
	/* The status lists exemptions as objects, reports as one line each,
	 * "PEER ADDRESS tcp/PORT", which the caller frees. */
	json_array_foreach (ex, i, item) {
		char *line;

		if (asprintf(&line, "%s %s %s/%lld",
			     json_string_value(json_object_get(item, "peer")),
			     json_string_value(json_object_get(item, "address")),
			     json_string_value(json_object_get(item, "protocol")),
			     (long long)json_integer_value(
				     json_object_get(item, "port"))) < 0)
			return -1;
		(*exempt)[in->exemption_count++] = line;
	}
	in->rules = *rules;
	in->rule_ike = *rule_ike;
	in->exemptions = *exempt;
	return 0;
}

/* Build a report of this host from the kernel and the agent's status. */
static json_t *local_report(const struct query_request *r)
{
	struct report_input in = { .event = REPORT_EVENT_POLL };
	struct report_sources sources;
	json_t *status = agent_status_read(r->control);
	struct report_rule *rules = NULL;
	struct report_rule_ike *rule_ike = NULL;
	const char **exempt = NULL;
	char host[256] = "localhost";
	char err[256];
	json_t *doc = NULL;

	gethostname(host, sizeof(host) - 1);
	in.host = host;
	if (status) {
		in.policy = json_string_value(json_object_get(status, "policy"));
		in.policy_version = (uint64_t)json_integer_value(
			json_object_get(status, "version"));
		if (json_is_true(json_object_get(status, "rolled_back")))
			in.apply_error = "the last policy was rolled back";
		if (status_lists_fill(status, &in, &rules, &rule_ike,
				      &exempt) < 0) {
			fprintf(stderr, "ipseccmd: out of memory\n");
			goto out;
		}
		in.ike = json_is_object(json_object_get(status, "ike"))
				 ? json_object_get(status, "ike") : NULL;
		/* The status carries no version or uptime, so the report's
		 * agent member stays empty rather than showing a made-up
		 * uptime. */
	} else {
		fprintf(stderr, "ipseccmd: no agent responds on '%s', so only "
				"the kernel's state is shown\n",
			r->control);
	}
	report_sources_default(&sources);
	doc = report_build(&in, &sources, err, sizeof(err));
	if (!doc)
		fprintf(stderr, "ipseccmd: %s\n", err);
out:
	for (size_t i = 0; exempt && i < in.exemption_count; i++)
		free((char *)exempt[i]);
	free(rules);
	free(rule_ike);
	free(exempt);
	json_decref(status);
	return doc;
}

static int server_settings_check(const struct query_request *r)
{
	for (size_t i = 0; i < 4; i++)
		if (!*request_slot((struct query_request *)r, i)) {
			fprintf(stderr, "ipseccmd: missing --%s=VALUE for the "
					"report server; give it or set '%s = "
					"VALUE' in " QUERY_CONFIG_DEFAULT "\n",
				config_names[i], config_names[i]);
			return -1;
		}
	return 0;
}

static json_t *server_get(const struct query_request *r, const char *path)
{
	struct report_fetch_config cfg = { .url = r->server, .cert = r->cert,
					   .key = r->key, .ca = r->ca };
	json_t *doc = NULL;
	char err[512];

	if (report_fetch(&cfg, path, &doc, err, sizeof(err)) < 0 || !doc)
		fprintf(stderr, "ipseccmd: %s\n", err);
	return doc;
}

static int json_out(json_t *doc)
{
	int ret = json_dumpf(doc, stdout, JSON_INDENT(2)) == 0
			  ? CLI_EXIT_OK
			  : CLI_EXIT_FAILURE;

	fputc('\n', stdout);
	json_decref(doc);
	return ret;
}

static int fleet_show(const struct query_request *r)
{
	char path[64] = "/v1/fleet";
	json_t *fleet;

	if (r->stale_after)
		snprintf(path, sizeof(path), "/v1/fleet?stale-after=%s",
			 r->stale_after);
	fleet = server_get(r, path);
	if (!fleet)
		return CLI_EXIT_FAILURE;
	if (r->json)
		return json_out(fleet);
	report_fleet_print(stdout, fleet);
	json_decref(fleet);
	return CLI_EXIT_OK;
}

static int host_show(const struct command *cmd, const struct query_request *r)
{
	json_t *response = NULL;
	const json_t *report;
	long long age = -1;
	int ret = CLI_EXIT_FAILURE;

	if (cmd->computer) {
		char *escaped = curl_easy_escape(NULL, cmd->computer, 0);
		char path[600];

		if (!escaped)
			return CLI_EXIT_FAILURE;
		snprintf(path, sizeof(path), "/v1/hosts/%s", escaped);
		curl_free(escaped);
		response = server_get(r, path);
		report = json_object_get(response, "report");
		age = json_integer_value(json_object_get(response, "age_seconds"));
	} else {
		response = local_report(r);
		report = response;
	}
	if (!report)
		goto out;

	if (r->json) {
		ret = json_out(report_show_json(report, cmd->show, age));
	} else {
		report_show_print(stdout, report, cmd->show, age);
		ret = CLI_EXIT_OK;
	}
out:
	json_decref(response);
	return ret;
}

int cli_run_query(const struct command *cmd, const struct cli_options *opts)
{
	struct query_request r = { 0 };
	int ret;

	ret = request_read((struct cli_options *)opts, &r);
	if (ret != CLI_EXIT_OK)
		goto out;
	if ((r.fleet || cmd->computer) && server_settings_check(&r) != 0) {
		ret = CLI_EXIT_USAGE;
		goto out;
	}

	curl_global_init(CURL_GLOBAL_DEFAULT);
	ret = r.fleet ? fleet_show(&r) : host_show(cmd, &r);
	curl_global_cleanup();
out:
	request_free(&r);
	return ret;
}
