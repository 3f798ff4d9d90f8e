/*
 * ipseccmd-agent: applies the host's IPsec policy from the directory, the
 * local store and dynamic rules to the kernel, and keeps it applied.
 */
#include "agent.h"
#include "config.h"
#include "control.h"
#include "log.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_CONFIG = 1000,
	OPT_FOREGROUND,
	OPT_CHECK_CONFIG,
	OPT_REFRESH,
	OPT_STATUS,
	OPT_HELP,
	OPT_VERSION,
	OPT_KEY_BASE = 2000,	/* + index of a configuration key */
};

struct cli_options {
	const char *config_path;
	bool config_given;
	bool foreground;
	int argc;
	char **argv;
};

static const struct option fixed_options[] = {
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "foreground", no_argument, NULL, OPT_FOREGROUND },
	{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
	{ "refresh", no_argument, NULL, OPT_REFRESH },
	{ "status", no_argument, NULL, OPT_STATUS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
};

#define FIXED_COUNT (sizeof(fixed_options) / sizeof(fixed_options[0]))

static void usage(FILE *out)
{
	fprintf(out,
"Usage: ipseccmd-agent [OPTION]...\n"
"Apply this host's IPsec policy (directory assignment, local policy and\n"
"dynamic rules) to the kernel and keep it applied.\n"
"\n"
"  --config=FILE      read settings from FILE (default " AGENT_CONFIG_PATH ")\n"
"  --foreground       stay in the foreground and add timestamps to the log\n"
"  --check-config     print the settings in effect and exit\n"
"  --refresh          ask the running agent to poll the directory now\n"
"  --status           print the running agent's state as JSON\n"
"  --help             print this help and exit\n"
"  --version          print the version and exit\n"
"  --KEY=VALUE        set any configuration KEY, with '-' for '_'\n"
"                     (for example --poll-seconds=60); see docs/agent.md\n"
"\n"
"Signals: SIGHUP reloads the configuration, SIGUSR1 polls now, SIGTERM\n"
"stops the agent and leaves the applied policy in the kernel.\n");
}

/* Long option names for configuration keys, with '-' for '_'. */
static struct option *options_build(char ***names)
{
	size_t n = config_key_count();
	struct option *opts = calloc(FIXED_COUNT + n + 1, sizeof(*opts));
	char **key_names = calloc(n, sizeof(*key_names));

	if (!opts || !key_names)
		goto fail;
	memcpy(opts, fixed_options, sizeof(fixed_options));
	for (size_t i = 0; i < n; i++) {
		key_names[i] = strdup(config_key_name(i));
		if (!key_names[i])
			goto fail;
		for (char *p = key_names[i]; *p; p++)
			if (*p == '_')
				*p = '-';
		opts[FIXED_COUNT + i] = (struct option){
			key_names[i], required_argument, NULL,
			OPT_KEY_BASE + (int)i };
	}
	*names = key_names;
	return opts;
fail:
	for (size_t i = 0; key_names && i < n; i++)
		free(key_names[i]);
	free(key_names);
	free(opts);
	return NULL;
}

static void options_free(struct option *opts, char **names)
{
	for (size_t i = 0; names && i < config_key_count(); i++)
		free(names[i]);
	free(names);
	free(opts);
}

/*
 * Defaults, then the file, then every --KEY=VALUE. The agent calls this
 * at start and on SIGHUP, so command-line settings survive a reload.
 */
static int config_build(struct agent_config *cfg, void *ctx)
{
	struct cli_options *cli = ctx;
	struct option *opts = NULL;
	char **names = NULL;
	int ret, opt, failed = 0;

	ret = config_set_defaults(cfg);
	if (ret < 0)
		return ret;
	ret = config_load(cfg, cli->config_path, !cli->config_given);
	if (ret < 0)
		failed = 1;

	opts = options_build(&names);
	if (!opts) {
		ret = -ENOMEM;
		goto out;
	}
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(cli->argc, cli->argv, "", opts, NULL)) != -1) {
		const char *why;
		size_t i;

		if (opt < OPT_KEY_BASE)
			continue;
		i = (size_t)(opt - OPT_KEY_BASE);
		if (config_set(cfg, config_key_name(i), optarg, &why) < 0) {
			log_error("config", "invalid value '%s' for --%s: %s",
				  optarg, names[i], why ? why : "out of memory");
			failed = 1;
		}
	}
	ret = failed ? -EINVAL : 0;
out:
	options_free(opts, names);
	if (ret < 0)
		config_free(cfg);
	return ret;
}

/* --refresh and --status: one request to the running agent. */
static int client_request(struct cli_options *cli, const char *command)
{
	struct agent_config cfg;
	const char *error;
	json_t *request = NULL, *response = NULL;
	char *text = NULL;
	int ret = 1;

	if (config_build(&cfg, cli) < 0)
		return 1;
	request = json_pack("{s:s}", "command", command);
	response = request ? control_call(cfg.control_socket, request, &error)
			   : NULL;
	if (!response) {
		fprintf(stderr, "ipseccmd-agent: unable to reach the agent at "
			"'%s': %s; is ipseccmd-agent running?\n",
			cfg.control_socket, request ? error : "out of memory");
		goto out;
	}
	text = json_dumps(response, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (json_is_true(json_object_get(response, "ok"))) {
		printf("%s\n", text ? text : "{}");
		ret = 0;
	} else {
		fprintf(stderr, "ipseccmd-agent: %s\n", json_string_value(
				json_object_get(response, "error")));
	}
out:
	free(text);
	json_decref(request);
	json_decref(response);
	config_free(&cfg);
	return ret;
}

static int daemonize(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	struct cli_options cli = { .config_path = AGENT_CONFIG_PATH,
				   .argc = argc, .argv = argv };
	struct option *opts;
	char **names = NULL;
	const char *client_command = NULL;
	bool check_only = false;
	struct agent agent;
	int opt, ret;

	log_set_ident("ipseccmd-agent");
	opts = options_build(&names);
	if (!opts) {
		fprintf(stderr, "ipseccmd-agent: out of memory\n");
		return 1;
	}
	opterr = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_CONFIG:
			cli.config_path = optarg;
			cli.config_given = true;
			break;
		case OPT_FOREGROUND:
			cli.foreground = true;
			break;
		case OPT_CHECK_CONFIG:
			check_only = true;
			break;
		case OPT_REFRESH:
			client_command = "refresh";
			break;
		case OPT_STATUS:
			client_command = "status";
			break;
		case OPT_HELP:
			usage(stdout);
			options_free(opts, names);
			return 0;
		case OPT_VERSION:
			printf("ipseccmd-agent %s\n", IPSECCMD_VERSION);
			options_free(opts, names);
			return 0;
		case '?':
			usage(stderr);
			options_free(opts, names);
			return 2;
		default:
			break;
		}
	}
	options_free(opts, names);
	if (optind < argc) {
		fprintf(stderr, "ipseccmd-agent: unexpected argument '%s': "
			"settings are written --KEY=VALUE\n", argv[optind]);
		usage(stderr);
		return 2;
	}

	if (client_command)
		return client_request(&cli, client_command);
	if (check_only) {
		struct agent_config cfg;

		if (config_build(&cfg, &cli) < 0)
			return 1;
		config_print(&cfg, stdout);
		config_free(&cfg);
		return 0;
	}

	if (cli.foreground)
		log_set_timestamps(1);
	else if ((ret = daemonize()) < 0) {
		log_error("agent", "unable to detach: %s", strerror(-ret));
		return 1;
	}

	ret = agent_start(&agent, config_build, &cli);
	if (ret == 0)
		ret = agent_run(&agent);
	agent_free(&agent);
	return ret < 0 ? 1 : 0;
}
