/*
 * daemon-dirtool: writes test fixtures to the directory through
 * lib/directory, the same calls `ipseccmd -w ds` makes.
 *
 *   daemon-dirtool --ldap-uri=URI [--host=H] [--group=G] static ARGS...
 *   daemon-dirtool --ldap-uri=URI host-add HOST
 *   daemon-dirtool --ldap-uri=URI group-member HOST GROUP
 *   daemon-dirtool --ldap-uri=URI dynamic HOST ARGS...   (empty ARGS: clear)
 *
 * It binds with SASL EXTERNAL, so it runs as root over ldapi://. ARGS is
 * an ipseccmd command line without the program name.
 */
#include "directory.h"
#include "grammar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse(int argc, char **argv, struct command *cmd)
{
	struct diag_list diags = { 0 };
	int ret = grammar_parse(argc, argv, cmd, &diags);

	for (size_t i = 0; i < diags.count; i++)
		fprintf(stderr, "daemon-dirtool: %s\n", diags.items[i].message);
	diag_list_free(&diags);
	return ret;
}

static int run(struct dir_conn *conn, const char *host, const char *group,
	       int argc, char **argv)
{
	struct dir_assign_target target = { host, group };
	struct command cmd;
	int ret;

	if (strcmp(argv[0], "host-add") == 0 && argc == 2)
		return dir_host_add(conn, argv[1]);
	if (strcmp(argv[0], "group-member") == 0 && argc == 3) {
		ret = dir_group_add(conn, argv[2]);
		return ret ? ret : dir_group_member(conn, argv[1], argv[2], true);
	}
	if (strcmp(argv[0], "dynamic") == 0 && argc >= 2) {
		if (argc == 2)
			return dir_host_dynamic_write(conn, argv[1], NULL, 0);
		if (parse(argc - 2, argv + 2, &cmd) != 0)
			return DIR_ERR_USAGE;
		ret = dir_host_dynamic_write(conn, argv[1], &cmd.rule, 1);
		command_free(&cmd);
		return ret;
	}
	if (strcmp(argv[0], "static") == 0 && argc >= 2) {
		if (parse(argc - 1, argv + 1, &cmd) != 0)
			return DIR_ERR_USAGE;
		ret = dir_static_apply(conn, &cmd, &target);
		command_free(&cmd);
		return ret;
	}
	fprintf(stderr, "daemon-dirtool: unknown command '%s'\n", argv[0]);
	return DIR_ERR_USAGE;
}

int main(int argc, char **argv)
{
	struct dir_options opts = { .sasl_external = true };
	const char *host = NULL, *group = NULL;
	struct dir_conn *conn = NULL;
	char msg[512] = "";
	int i = 1, ret;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strncmp(argv[i], "--ldap-uri=", 11) == 0)
			opts.uri = argv[i] + 11;
		else if (strncmp(argv[i], "--host=", 7) == 0)
			host = argv[i] + 7;
		else if (strncmp(argv[i], "--group=", 8) == 0)
			group = argv[i] + 8;
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: daemon-dirtool --ldap-uri=URI COMMAND\n");
		return 2;
	}
	ret = dir_connect(&opts, &conn, msg, sizeof(msg));
	if (ret != DIR_OK) {
		fprintf(stderr, "daemon-dirtool: %s\n", msg);
		return 1;
	}
	ret = run(conn, host, group, argc - i, argv + i);
	if (ret != DIR_OK)
		fprintf(stderr, "daemon-dirtool: %s: %s\n", dir_strerror(ret),
			dir_message(conn));
	dir_close(conn);
	return ret == DIR_OK ? 0 : 1;
}
