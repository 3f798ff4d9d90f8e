/*
 * XFRM apply benchmark. Run it through run.sh, which creates a network
 * namespace of its own: the benchmark flushes that namespace's SPD between
 * the reference runs.
 *
 *   bench_xfrm [FILTERS [CYCLES]]     defaults: 10000 filters, 1000 cycles
 *
 * For FILTERS mirrored block filters (2 x FILTERS policies) it prints:
 *   - policies per second of `ip -batch`, of a minimal raw-netlink loader
 *     and of spd_apply,
 *   - the time to change one rule,
 *   - resident memory after 10 and after CYCLES reconcile+apply cycles,
 *   - the cost of deleting /24 policies with the default and with adjusted
 *     hash thresholds,
 *   - the cost of FILTERS policies that differ only in their port.
 */
#include "compile.h"
#include "raw_loader.h"
#include "spd.h"
#include "weight.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 3
#define CHANGES 21

struct bench {
	size_t filter_count;
	struct filter_spec *filters;
	struct rule_spec *rules;
	struct spd_rule_ref *refs;
	char (*names)[32];
	struct spd_addr local;
	struct spd_iface iface;
	struct spd_host host;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_xfrm: %s failed\n", what);
	exit(1);
}

/* Filter i: 192.0.2.1 + one of 512 documentation addresses, TCP to port
 * 1000 + i / 512. The kernel does not hash ports, so all policies of one
 * address pair share a chain, and this layout keeps each chain at 20. */
static void bench_init(struct bench *b, size_t count)
{
	static struct qm_offer offer = { .has_esp = true };

	b->filter_count = count;
	b->filters = calloc(count, sizeof(*b->filters));
	b->rules = calloc(count, sizeof(*b->rules));
	b->refs = calloc(count, sizeof(*b->refs));
	b->names = calloc(count, sizeof(*b->names));
	if (!b->filters || !b->rules || !b->refs || !b->names)
		die("allocation");
	for (size_t i = 0; i < count; i++) {
		struct filter_spec *f = &b->filters[i];
		struct addr_spec *dst = &f->dst;
		size_t host = i % 512;

		f->mirrored = true;
		f->mark = FILTER_BLOCK;
		f->src.kind = ADDR_ME;
		dst->kind = ADDR_IP;
		dst->family = AF_INET;
		dst->prefix = 32;
		inet_pton(AF_INET, host < 256 ? "198.51.100.0" : "203.0.113.0",
			  dst->bytes);
		dst->bytes[3] = (uint8_t)(host % 256);
		f->protocol = IPPROTO_TCP;
		f->dst_port = (uint16_t)(1000 + i / 512);

		b->rules[i].filters.items = f;
		b->rules[i].filters.count = 1;
		b->rules[i].qm.offers = &offer;
		b->rules[i].qm.count = 1;
		snprintf(b->names[i], sizeof(b->names[i]), "rule-%zu", i);
		b->refs[i].name = b->names[i];
		b->refs[i].rule = &b->rules[i];
	}
	inet_pton(AF_INET, "192.0.2.1", b->local.bytes);
	b->local.family = AF_INET;
	b->iface = (struct spd_iface){ .ifindex = 0, .addrs = &b->local,
				       .addr_count = 1 };
	b->host = (struct spd_host){ .ifaces = &b->iface, .iface_count = 1 };
}

static void bench_compile(const struct bench *b, struct spd_set *out)
{
	memset(out, 0, sizeof(*out));
	if (spd_compile(b->refs, b->filter_count, &b->host, NULL, 0, out, NULL))
		die("compile");
}

static void flush_spd(void)
{
	if (system("ip xfrm policy flush"))
		die("ip xfrm policy flush");
}

static void write_side(FILE *f, const char *word, const uint8_t *bytes,
		       uint8_t prefix)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET, bytes, text, sizeof(text));
	fprintf(f, " %s %s/%u", word, text, prefix);
}

static void write_batch_file(const struct spd_set *set, const char *path)
{
	static const char *const dirs[] = { "in", "out", "fwd" };
	FILE *f = fopen(path, "w");

	if (!f)
		die("writing the ip -batch file");
	for (size_t i = 0; i < set->count; i++) {
		const struct spd_policy *p = &set->items[i];

		fprintf(f, "xfrm policy add");
		write_side(f, "src", p->sel.src, p->sel.src_prefix);
		write_side(f, "dst", p->sel.dst, p->sel.dst_prefix);
		fprintf(f, " proto tcp");
		if (p->sel.src_port)
			fprintf(f, " sport %u", p->sel.src_port);
		if (p->sel.dst_port)
			fprintf(f, " dport %u", p->sel.dst_port);
		fprintf(f, " dir %s priority %u action block\n", dirs[p->dir],
			p->priority);
	}
	fclose(f);
}

static void bench_load(const struct bench *b)
{
	double t_ip[ROUNDS], t_raw[ROUNDS], t_agent[ROUNDS], t_compile[ROUNDS];
	char path[] = "/tmp/bench-xfrm-XXXXXX";
	char cmd[128];
	struct spd_set set;
	int fd = mkstemp(path);

	if (fd < 0)
		die("mkstemp");
	close(fd);
	bench_compile(b, &set);
	write_batch_file(&set, path);
	snprintf(cmd, sizeof(cmd), "ip -batch %s", path);

	for (int r = 0; r < ROUNDS; r++) {
		struct spd_set wanted, empty = { 0 };
		struct spd_handle *h;
		double t0;

		t0 = now();
		if (system(cmd))
			die("ip -batch");
		t_ip[r] = now() - t0;
		flush_spd();

		t0 = now();
		if (raw_load(&set, false) != 0)
			die("raw loader");
		t_raw[r] = now() - t0;
		flush_spd();

		h = spd_open();
		if (!h)
			die("spd_open");
		t0 = now();
		bench_compile(b, &wanted);
		t_compile[r] = now() - t0;
		t0 = now();
		if (spd_apply(h, &wanted, NULL, NULL))
			die("spd_apply");
		t_agent[r] = now() - t0;
		if (spd_apply(h, &empty, NULL, NULL))
			die("spd_apply (remove)");
		spd_close(h);
		spd_set_clear(&wanted);
	}
	unlink(path);

	{
		double ip = median(t_ip, ROUNDS), raw = median(t_raw, ROUNDS);
		double agent = median(t_agent, ROUNDS);
		double comp = median(t_compile, ROUNDS);
		double n = (double)set.count;

		printf("load %zu mirrored filters = %zu policies (median of %d)\n",
		       b->filter_count, set.count, ROUNDS);
		printf("  ip -batch      %8.1f ms %10.0f policies/s\n",
		       ip * 1e3, n / ip);
		printf("  raw netlink    %8.1f ms %10.0f policies/s\n",
		       raw * 1e3, n / raw);
		printf("  spd_apply      %8.1f ms %10.0f policies/s  "
		       "(%.2fx raw, %.2fx ip -batch)\n", agent * 1e3, n / agent,
		       agent / raw, agent / ip);
		printf("  spd_compile    %8.1f ms\n", comp * 1e3);
		printf("  spd_compile+apply %5.1f ms  (%.2fx raw)\n",
		       (comp + agent) * 1e3, (comp + agent) / raw);
	}
	spd_set_clear(&set);
}

/* Toggle rule `index` between block and permit. */
static void toggle_rule(struct bench *b, size_t index)
{
	struct filter_spec *f = &b->filters[index];

	f->mark = f->mark == FILTER_BLOCK ? FILTER_PERMIT : FILTER_BLOCK;
}

static void bench_change(struct bench *b)
{
	double t_compile[CHANGES], t_apply[CHANGES];
	struct spd_handle *h = spd_open();
	struct spd_set set, empty = { 0 };

	if (!h)
		die("spd_open");
	bench_compile(b, &set);
	if (spd_apply(h, &set, NULL, NULL))
		die("spd_apply");
	spd_set_clear(&set);

	for (int i = 0; i < CHANGES; i++) {
		struct spd_apply_stats stats;
		double t0;

		toggle_rule(b, b->filter_count / 2);
		t0 = now();
		bench_compile(b, &set);
		t_compile[i] = now() - t0;
		t0 = now();
		if (spd_apply(h, &set, &stats, NULL) || stats.updated != 2)
			die("spd_apply of one changed rule");
		t_apply[i] = now() - t0;
		spd_set_clear(&set);
	}
	printf("change one rule among %zu (median of %d)\n", b->filter_count,
	       CHANGES);
	printf("  spd_compile    %8.2f ms\n", median(t_compile, CHANGES) * 1e3);
	printf("  spd_apply      %8.2f ms  (2 policies updated)\n",
	       median(t_apply, CHANGES) * 1e3);
	if (spd_apply(h, &empty, NULL, NULL))
		die("spd_apply (remove)");
	spd_close(h);
}

/* Each cycle dumps the SPD (spd_reconcile), recompiles with one rule
 * changed and applies. */
static void bench_memory(struct bench *b, size_t cycles)
{
	struct spd_handle *h = spd_open();
	struct spd_set set, empty = { 0 };
	long rss_10 = 0, rss_end = 0;
	double t0 = now();

	if (!h)
		die("spd_open");
	for (size_t i = 1; i <= cycles; i++) {
		if (spd_reconcile(h))
			die("spd_reconcile");
		toggle_rule(b, i % b->filter_count);
		bench_compile(b, &set);
		if (spd_apply(h, &set, NULL, NULL))
			die("spd_apply");
		spd_set_clear(&set);
		if (i == 10)
			rss_10 = rss_kib();
	}
	rss_end = rss_kib();
	printf("reconcile+compile+apply cycles over %zu filters\n",
	       b->filter_count);
	printf("  RSS after 10 cycles   %ld KiB\n", rss_10);
	printf("  RSS after %zu cycles %ld KiB  (%.1f ms per cycle)\n", cycles,
	       rss_end, (now() - t0) * 1e3 / (double)cycles);
	if (spd_apply(h, &empty, NULL, NULL))
		die("spd_apply (remove)");
	spd_close(h);
}

/* count /24 -> /24 policies: 192.0.2.0/24 to 127.X.Y.0/24. */
static void short_prefix_set(struct spd_set *set, size_t count)
{
	memset(set, 0, sizeof(*set));
	for (size_t i = 0; i < count; i++) {
		struct spd_policy p;

		memset(&p, 0, sizeof(p));
		p.sel.family = AF_INET;
		inet_pton(AF_INET, "192.0.2.0", p.sel.src);
		p.sel.dst[0] = 127;
		p.sel.dst[1] = (uint8_t)(i / 256);
		p.sel.dst[2] = (uint8_t)(i % 256);
		p.sel.src_prefix = 24;
		p.sel.dst_prefix = 24;
		p.dir = SPD_DIR_OUT;
		p.action = SPD_ACTION_BLOCK;
		p.priority = spd_weight_priority(spd_weight(&p.sel, SPD_RANK_BLOCK));
		if (spd_set_add(set, &p))
			die("allocation");
	}
	spd_set_sort(set);
}

static void bench_hthresh(size_t count)
{
	struct spd_set set, empty = { 0 };
	struct spd_handle *h = spd_open();

	if (!h)
		die("spd_open");
	short_prefix_set(&set, count);
	printf("%zu policies 192.0.2.0/24 -> 127.X.Y.0/24: add and delete all\n",
	       count);
	for (int tuned = 0; tuned < 2; tuned++) {
		double t0, t_add, t_del;

		if (spd_tune_hthresh(h, tuned ? &set : &empty))
			die("spd_tune_hthresh");
		t0 = now();
		if (spd_apply(h, &set, NULL, NULL))
			die("spd_apply");
		t_add = now() - t0;
		t0 = now();
		if (spd_apply(h, &empty, NULL, NULL))
			die("spd_apply (remove)");
		t_del = now() - t0;
		printf("  hthresh4 %s  add %7.1f us each, delete %7.1f us each\n",
		       tuned ? "24 24 (tuned)  " : "32 32 (default)",
		       t_add * 1e6 / (double)count, t_del * 1e6 / (double)count);
	}
	if (spd_tune_hthresh(h, &empty))
		die("spd_tune_hthresh");
	spd_set_clear(&set);
	spd_close(h);
}

/* count policies on one address pair, one per TCP port: the kernel does
 * not hash ports, so they all share one hash chain. */
static void bench_same_pair(size_t count)
{
	struct spd_set set = { 0 }, empty = { 0 };
	struct spd_handle *h = spd_open();
	double t0, t_add, t_del;

	if (!h)
		die("spd_open");
	if (count > 65535)
		count = 65535;
	for (size_t i = 0; i < count; i++) {
		struct spd_policy p;

		memset(&p, 0, sizeof(p));
		p.sel.family = AF_INET;
		inet_pton(AF_INET, "192.0.2.1", p.sel.src);
		inet_pton(AF_INET, "198.51.100.1", p.sel.dst);
		p.sel.src_prefix = 32;
		p.sel.dst_prefix = 32;
		p.sel.protocol = IPPROTO_TCP;
		p.sel.dst_port = (uint16_t)(i + 1);
		p.dir = SPD_DIR_OUT;
		p.action = SPD_ACTION_BLOCK;
		p.priority = spd_weight_priority(spd_weight(&p.sel, SPD_RANK_BLOCK));
		if (spd_set_add(&set, &p))
			die("allocation");
	}
	spd_set_sort(&set);
	t0 = now();
	if (spd_apply(h, &set, NULL, NULL))
		die("spd_apply");
	t_add = now() - t0;
	t0 = now();
	if (spd_apply(h, &empty, NULL, NULL))
		die("spd_apply (remove)");
	t_del = now() - t0;
	printf("%zu policies 192.0.2.1 -> 198.51.100.1, one per TCP port\n",
	       count);
	printf("  add all %8.1f ms (%.1f us each), delete all %8.1f ms\n",
	       t_add * 1e3, t_add * 1e6 / (double)count, t_del * 1e3);
	spd_set_clear(&set);
	spd_close(h);
}

static size_t arg_count(const char *text, size_t fallback)
{
	char *end;
	unsigned long v;

	if (!text)
		return fallback;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || v == 0 || v > 1000000) {
		fprintf(stderr, "bench_xfrm: invalid count '%s'; write a number "
			"from 1 to 1000000\n", text);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	size_t filters = arg_count(argc > 1 ? argv[1] : NULL, 10000);
	size_t cycles = arg_count(argc > 2 ? argv[2] : NULL, 1000);
	struct bench b;

	bench_init(&b, filters);
	bench_load(&b);
	bench_change(&b);
	bench_memory(&b, cycles);
	bench_hthresh(filters);
	bench_same_pair(filters);
	return 0;
}
