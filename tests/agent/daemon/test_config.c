#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/daemon-config-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void defaults_complete(void **state)
{
	struct agent_config cfg;

	(void)state;
	assert_int_equal(config_set_defaults(&cfg), 0);
	assert_string_equal(cfg.state_dir, "/var/lib/ipseccmd");
	assert_string_equal(cfg.control_socket, "/run/ipseccmd/agent.sock");
	assert_int_equal(cfg.bind_method, BIND_EXTERNAL);
	assert_int_equal(cfg.poll_seconds, 0);
	assert_int_equal(cfg.poll_jitter_percent, 10);
	assert_true(cfg.lockout_protection);
	assert_int_equal(cfg.rollback_seconds, 30);
	assert_int_equal(cfg.log_level, 2);
	assert_false(cfg.ike);
	assert_string_equal(cfg.ike_swanctl_dir, "/var/lib/ipseccmd/swanctl");
	assert_string_equal(cfg.ike_vici_uri, "unix:///var/run/charon.vici");
	assert_string_equal(cfg.ike_host_key, "");
	config_free(&cfg);
}

static void file_sets_keys(void **state)
{
	struct agent_config cfg;
	char *path = write_temp(
		"# comment\n"
		"\n"
		"  directory_uri =  ldap://192.0.2.1:389  \n"
		"bind_method=simple\n"
		"poll_seconds = 60\n"
		"lockout_protection = no\n"
		"log_level = debug\n");

	(void)state;
	assert_int_equal(config_set_defaults(&cfg), 0);
	assert_int_equal(config_load(&cfg, path, false), 0);
	assert_string_equal(cfg.directory_uri, "ldap://192.0.2.1:389");
	assert_int_equal(cfg.bind_method, BIND_SIMPLE);
	assert_int_equal(cfg.poll_seconds, 60);
	assert_false(cfg.lockout_protection);
	assert_int_equal(cfg.log_level, 3);
	assert_string_equal(cfg.config_path, path);
	config_free(&cfg);
	unlink(path);
	free(path);
}

struct bad_case {
	const char *text;
	int expected;
};

static void bad_values_rejected(void **state)
{
	static const struct bad_case cases[] = {
		{ "poll_seconds = -1\n", -EINVAL },
		{ "poll_seconds = 12x\n", -EINVAL },
		{ "poll_seconds = 99999999999\n", -EINVAL },
		{ "poll_jitter_percent = 51\n", -EINVAL },
		{ "lockout_protection = maybe\n", -EINVAL },
		{ "bind_method = kerberos\n", -EINVAL },
		{ "log_level = loud\n", -EINVAL },
		{ "no_such_key = 1\n", -EINVAL },
		{ "just words\n", -EINVAL },
		{ "retry_min_seconds = 60\nretry_max_seconds = 10\n", -EINVAL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct agent_config cfg;
		char *path = write_temp(cases[i].text);

		assert_int_equal(config_set_defaults(&cfg), 0);
		assert_int_equal(config_load(&cfg, path, false),
				 cases[i].expected);
		config_free(&cfg);
		unlink(path);
		free(path);
	}
}

static void missing_file(void **state)
{
	struct agent_config cfg;

	(void)state;
	assert_int_equal(config_set_defaults(&cfg), 0);
	assert_int_equal(config_load(&cfg, "/nonexistent/agent.conf", true), 0);
	assert_int_equal(config_load(&cfg, "/nonexistent/agent.conf", false),
			 -ENOENT);
	config_free(&cfg);
}

static void print_reads_back(void **state)
{
	struct agent_config a, b;
	char *text = NULL, *path;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	const char *why;

	(void)state;
	assert_int_equal(config_set_defaults(&a), 0);
	assert_int_equal(config_set(&a, "poll_seconds", "77", &why), 0);
	assert_int_equal(config_set(&a, "control_group", "ipsec", &why), 0);
	config_print(&a, out);
	fclose(out);
	path = write_temp(text);

	assert_int_equal(config_set_defaults(&b), 0);
	assert_int_equal(config_load(&b, path, false), 0);
	assert_int_equal(b.poll_seconds, 77);
	assert_string_equal(b.control_group, "ipsec");
	assert_int_equal(config_key_count() > 20, 1);
	config_free(&a);
	config_free(&b);
	unlink(path);
	free(path);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_complete),
		cmocka_unit_test(file_sets_keys),
		cmocka_unit_test(bad_values_rejected),
		cmocka_unit_test(missing_file),
		cmocka_unit_test(print_reads_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
