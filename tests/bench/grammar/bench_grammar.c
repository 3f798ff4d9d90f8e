/*
 * Parse a -f list of N filters and print the time and the peak memory it
 * takes, for N = 1,000, 10,000 and 100,000, to show parsing is linear.
 * Each size runs in a child process so its peak RSS is its own. The
 * floor row converts the same addresses with inet_pton only: no parser can
 * read the list faster than that.
 *
 * Usage: bench_grammar [runs]   (median of `runs`, default 7)
 */
#include "grammar.h"
#include "policy_json.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static long max_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* argv: -f, then n distinct filters such as 10.1.2.3+*:443:TCP. */
static char **argv_build(size_t n, char ***addrs)
{
	char **argv = calloc(n + 2, sizeof(*argv));

	*addrs = calloc(n, sizeof(**addrs));
	if (!argv || !*addrs)
		exit(1);
	argv[0] = "-f";
	for (size_t i = 0; i < n; i++) {
		char buf[64];

		snprintf(buf, sizeof(buf), "10.%zu.%zu.%zu", (i >> 16) & 255,
			 (i >> 8) & 255, i & 255);
		(*addrs)[i] = strdup(buf);
		snprintf(buf, sizeof(buf), "%s+*:%zu:TCP", (*addrs)[i],
			 1 + i % 65535);
		argv[i + 1] = strdup(buf);
		if (!argv[i + 1] || !(*addrs)[i])
			exit(1);
	}
	return argv;
}

static void size_run(size_t n, int runs)
{
	double parse[64], print[64], json[64], floor_ms[64];
	char **addrs, **argv = argv_build(n, &addrs);
	long rss_before = max_rss_kb(), rss_parsed = 0, rss_after;

	for (int r = 0; r < runs; r++) {
		struct command cmd;
		unsigned char bytes[4];
		double t0 = now_ms();
		json_t *j;
		char *line;

		for (size_t i = 0; i < n; i++)
			if (inet_pton(AF_INET, addrs[i], bytes) != 1)
				exit(1);
		floor_ms[r] = now_ms() - t0;

		t0 = now_ms();
		if (grammar_parse((int)n + 1, argv, &cmd, NULL) != 0)
			exit(1);
		parse[r] = now_ms() - t0;
		if (r == 0)
			rss_parsed = max_rss_kb();

		t0 = now_ms();
		line = command_format(&cmd, PRINT_GIVEN_ONLY);
		print[r] = now_ms() - t0;

		t0 = now_ms();
		j = rule_to_json(&cmd.rule, 0);
		json[r] = now_ms() - t0;

		if (!line || !j)
			exit(1);
		free(line);
		json_decref(j);
		command_free(&cmd);
	}
	rss_after = max_rss_kb();

	qsort(parse, (size_t)runs, sizeof(double), compare_double);
	qsort(print, (size_t)runs, sizeof(double), compare_double);
	qsort(json, (size_t)runs, sizeof(double), compare_double);
	qsort(floor_ms, (size_t)runs, sizeof(double), compare_double);
	printf("%8zu  %9.2f  %9.3f  %9.2f  %9.2f  %9.2f  %9ld  %9ld\n", n,
	       parse[runs / 2], parse[runs / 2] * 1e3 / (double)n,
	       print[runs / 2], json[runs / 2], floor_ms[runs / 2],
	       rss_parsed - rss_before, rss_after - rss_before);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 1000, 10000, 100000 };
	int runs = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 7;

	if (runs < 1 || runs > 64)
		runs = 7;
	printf("median of %d runs; peak columns are the growth of the peak "
	       "RSS after parsing, and after printing and JSON too\n", runs);
	printf("%8s  %9s  %9s  %9s  %9s  %9s  %9s  %9s\n", "filters",
	       "parse ms", "us/filter", "print ms", "json ms", "floor ms",
	       "parse KB", "all KB");
	fflush(stdout);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			return 1;
		if (pid == 0) {
			size_run(sizes[i], runs);
			fflush(stdout);
			_exit(0);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench_grammar: run for %zu filters "
				"failed\n", sizes[i]);
			return 1;
		}
	}
	return 0;
}
