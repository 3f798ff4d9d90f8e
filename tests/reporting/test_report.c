/* Unit tests of lib/report: counters parser, SA and policy accounting,
 * document builder and validator, backoff, on-disk queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "backoff.h"
#include "charon.h"
#include "ipsec_dump.h"
#include "ipsec_stat.h"
#include "queue.h"
#include "report.h"
#include "show.h"
#include "stats.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_int_t member_int(const json_t *obj, const char *key)
{
	const json_t *value = json_object_get(obj, key);

	assert_non_null(value);
	assert_true(json_is_integer(value));
	return json_integer_value(value);
}

static void stat_parse_names(void **state)
{
	static const char text[] =
		"XfrmInError             \t0\n"
		"XfrmInNoStates          \t12\n"
		"XfrmOutPolBlock         \t18446744073709551615\n"
		"XfrmFutureCounter 7\n"
		"garbage line without number\n"
		"XfrmNegative -1\n"
		"\n"
		"XfrmOutStateDirError    3  \n";
	FILE *in = fmemopen((void *)text, sizeof(text) - 1, "r");
	json_t *counters;

	(void)state;
	assert_non_null(in);
	counters = ipsec_stat_parse(in);
	fclose(in);
	assert_non_null(counters);
	assert_int_equal(member_int(counters, "XfrmInError"), 0);
	assert_int_equal(member_int(counters, "XfrmInNoStates"), 12);
	assert_int_equal(member_int(counters, "XfrmFutureCounter"), 7);
	assert_int_equal(member_int(counters, "XfrmOutStateDirError"), 3);
	/* Beyond int64: skipped rather than wrapped. */
	assert_null(json_object_get(counters, "XfrmOutPolBlock"));
	assert_null(json_object_get(counters, "XfrmNegative"));
	assert_null(json_object_get(counters, "garbage"));
	assert_int_equal(json_object_size(counters), 4);
	json_decref(counters);
}

static void stat_read_missing(void **state)
{
	(void)state;
	assert_null(ipsec_stat_read("/nonexistent/xfrm_stat"));
}

/* Build an XFRM_MSG_NEWSA message with a crypt and an auth attribute. */
static size_t sa_message(char *buf, size_t size, const char *src,
			 const char *dst, uint8_t mode, uint64_t bytes)
{
	struct nlmsghdr *msg = (struct nlmsghdr *)(void *)buf;
	struct xfrm_usersa_info *info;
	struct rtattr *rta;
	struct xfrm_algo *alg;
	size_t len = NLMSG_LENGTH(sizeof(*info));

	memset(buf, 0, size);
	msg->nlmsg_type = XFRM_MSG_NEWSA;
	info = NLMSG_DATA(msg);
	info->family = AF_INET;
	inet_pton(AF_INET, src, &info->saddr);
	inet_pton(AF_INET, dst, &info->id.daddr);
	info->id.spi = htonl(0xc0ffee);
	info->id.proto = IPPROTO_ESP;
	info->mode = mode;
	info->reqid = 7;
	info->curlft.bytes = bytes;
	info->curlft.packets = 10;
	info->curlft.add_time = 1000;
	info->stats.replay = 2;
	info->stats.integrity_failed = 1;

	len = NLMSG_ALIGN(len);
	rta = (struct rtattr *)(void *)(buf + len);
	rta->rta_type = XFRMA_ALG_CRYPT;
	rta->rta_len = RTA_LENGTH(sizeof(*alg) + 16);
	alg = RTA_DATA(rta);
	snprintf(alg->alg_name, sizeof(alg->alg_name), "cbc(aes)");
	alg->alg_key_len = 128;
	len += RTA_ALIGN(rta->rta_len);

	rta = (struct rtattr *)(void *)(buf + len);
	rta->rta_type = XFRMA_ALG_AUTH;
	rta->rta_len = RTA_LENGTH(sizeof(*alg) + 20);
	alg = RTA_DATA(rta);
	snprintf(alg->alg_name, sizeof(alg->alg_name), "hmac(sha1)");
	len += RTA_ALIGN(rta->rta_len);

	msg->nlmsg_len = (uint32_t)len;
	return len;
}

static void dump_sa_item(void **state)
{
	char buf[1024];
	struct local_addrs local = { 0 };
	struct in_addr me;
	json_t *sas = ipsec_dump_sas_new();
	json_t *item;

	(void)state;
	inet_pton(AF_INET, "192.0.2.1", &me);
	assert_int_equal(local_addrs_add(&local, AF_INET, &me), 0);

	sa_message(buf, sizeof(buf), "192.0.2.2", "192.0.2.1",
		   XFRM_MODE_TRANSPORT, 5000);
	assert_int_equal(ipsec_dump_add_sa(sas, (struct nlmsghdr *)(void *)buf,
					   1060, &local),
			 0);
	sa_message(buf, sizeof(buf), "192.0.2.1", "192.0.2.2",
		   XFRM_MODE_TUNNEL, 300);
	assert_int_equal(ipsec_dump_add_sa(sas, (struct nlmsghdr *)(void *)buf,
					   1060, &local),
			 0);

	assert_int_equal(member_int(sas, "total"), 2);
	assert_int_equal(member_int(sas, "bytes_in"), 5000);
	assert_int_equal(member_int(sas, "bytes_out"), 300);
	assert_int_equal(member_int(sas, "packets_in"), 10);
	assert_int_equal(member_int(sas, "replay"), 4);
	assert_int_equal(member_int(sas, "integrity_failed"), 2);
	item = json_array_get(json_object_get(sas, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(item, "spi")),
			    "0x00c0ffee");
	assert_string_equal(json_string_value(json_object_get(item, "proto")),
			    "esp");
	assert_string_equal(
		json_string_value(json_object_get(item, "direction")), "in");
	assert_string_equal(json_string_value(json_object_get(item, "enc")),
			    "cbc(aes)");
	assert_string_equal(json_string_value(json_object_get(item, "auth")),
			    "hmac(sha1)");
	assert_int_equal(member_int(item, "age_seconds"), 60);
	item = json_array_get(json_object_get(sas, "items"), 1);
	assert_string_equal(json_string_value(json_object_get(item, "mode")),
			    "tunnel");
	assert_string_equal(
		json_string_value(json_object_get(item, "direction")), "out");

	/* A truncated message is rejected, not read past its end. */
	((struct nlmsghdr *)(void *)buf)->nlmsg_len = NLMSG_LENGTH(8);
	assert_int_equal(ipsec_dump_add_sa(sas, (struct nlmsghdr *)(void *)buf,
					   1060, &local),
			 -1);
	json_decref(sas);
	local_addrs_free(&local);
}

/* The kernel aligns netlink messages to 4 bytes, but the SA and policy
 * headers contain 64-bit counters. A message at an offset of 4 modulo 8
 * must be read without a misaligned access, because UndefinedBehavior-
 * Sanitizer aborts on one. */
static void dump_misaligned(void **state)
{
	_Alignas(8) char staged[1024];
	_Alignas(8) char buf[1024 + 4];
	struct nlmsghdr *msg = (struct nlmsghdr *)(void *)(buf + 4);
	struct xfrm_userpolicy_info policy;
	json_t *sas = ipsec_dump_sas_new();
	json_t *policies = ipsec_dump_policies_new();
	size_t len;

	(void)state;
	len = sa_message(staged, sizeof(staged), "192.0.2.1", "192.0.2.2",
			 XFRM_MODE_TRANSPORT, 4242);
	memcpy(buf + 4, staged, len);
	assert_int_equal(ipsec_dump_add_sa(sas, msg, 1060, NULL), 0);
	assert_int_equal(member_int(sas, "bytes_out"), 4242);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(sas, "items"), 0), "enc")),
		"cbc(aes)");

	memset(staged, 0, sizeof(staged));
	memset(&policy, 0, sizeof(policy));
	policy.dir = XFRM_POLICY_OUT;
	policy.action = XFRM_POLICY_BLOCK;
	policy.priority = 9;
	((struct nlmsghdr *)(void *)staged)->nlmsg_type = XFRM_MSG_NEWPOLICY;
	((struct nlmsghdr *)(void *)staged)->nlmsg_len =
		NLMSG_LENGTH(sizeof(policy));
	memcpy(staged + NLMSG_HDRLEN, &policy, sizeof(policy));
	memcpy(buf + 4, staged, NLMSG_LENGTH(sizeof(policy)));
	assert_int_equal(ipsec_dump_add_policy(policies, msg), 0);
	assert_int_equal(member_int(policies, "block"), 1);
	assert_int_equal(member_int(json_array_get(json_object_get(policies,
								   "items"),
						   0),
				    "priority"),
			 9);
	json_decref(sas);
	json_decref(policies);
}

/* swanctl --pretty output of --list-sas, --stats and --counters: one IKE
 * SA with an installed CHILD_SA, and one half-open IKE SA. */
static const char charon_sas[] =
	"list-sa event {\n"
	"  rule-1a2b3c4d {\n"
	"    uniqueid = 1\n"
	"    version = 2\n"
	"    state = ESTABLISHED\n"
	"    local-host = 192.0.2.1\n"
	"    remote-host = 192.0.2.2\n"
	"    local-id = C=CH, O=Example, CN=host a\n"
	"    child-sas {\n"
	"      rule-1a2b3c4d-1 {\n"
	"        name = rule-1a2b3c4d\n"
	"        reqid = 439041101\n"
	"        state = INSTALLED\n"
	"        mode = TRANSPORT\n"
	"        protocol = ESP\n"
	"        encr-alg = AES_GCM_16\n"
	"        bytes-in = 840\n"
	"        packets-in = 10\n"
	"        bytes-out = 1000\n"
	"        packets-out = 12\n"
	"        local-ts = [\n"
	"          192.0.2.1/32\n"
	"        ]\n"
	"      }\n"
	"    }\n"
	"  }\n"
	"}\n"
	"list-sa event {\n"
	"  rule-00000002 {\n"
	"    version = 2\n"
	"    state = CONNECTING\n"
	"    child-sas {\n"
	"    }\n"
	"  }\n"
	"}\n";

static void charon_counters(void **state)
{
	static const char stats[] =
		"stats reply {\n  ikesas {\n    total = 2\n    half-open = 1\n"
		"  }\n}\n";
	static const char counters[] =
		"counters reply {\n  counters {\n    ike-rekey-init = 2\n"
		"    ike-rekey-resp = 1\n    child-rekey = 4\n  }\n"
		"  success = yes\n}\n";
	json_t *ike = charon_ike_build(charon_sas, stats, counters);
	json_t *sa, *child;

	(void)state;
	assert_non_null(ike);
	assert_int_equal(member_int(ike, "ike_sas"), 2);
	assert_int_equal(member_int(ike, "main_mode_sas"), 1);
	assert_int_equal(member_int(ike, "child_sas"), 1);
	assert_int_equal(member_int(ike, "quick_mode_sas"), 1);
	assert_int_equal(member_int(ike, "bytes_in"), 840);
	assert_int_equal(member_int(ike, "bytes_out"), 1000);
	assert_int_equal(member_int(ike, "packets_in"), 10);
	assert_int_equal(member_int(ike, "packets_out"), 12);
	assert_int_equal(member_int(ike, "rekeys"), 7);
	assert_int_equal(member_int(ike, "pending_key_operations"), 1);
	sa = json_array_get(json_object_get(ike, "sas"), 0);
	assert_string_equal(json_string_value(json_object_get(sa, "name")),
			    "rule-1a2b3c4d");
	child = json_array_get(json_object_get(sa, "child_sas"), 0);
	assert_int_equal(member_int(child, "reqid"), 439041101);
	assert_string_equal(
		json_string_value(json_object_get(child, "encr_alg")),
		"AES_GCM_16");
	json_decref(ike);

	/* Without --counters (plugin not loaded) rekeys stay unknown. */
	ike = charon_ike_build(charon_sas, NULL, NULL);
	assert_non_null(ike);
	assert_null(json_object_get(ike, "rekeys"));
	json_decref(ike);
	assert_null(charon_ike_build(NULL, stats, counters));
}

static void charon_parse_rejects(void **state)
{
	json_t *empty = charon_pretty_parse("");

	(void)state;
	assert_non_null(empty);
	assert_int_equal(json_array_size(empty), 0);
	json_decref(empty);
	assert_null(charon_pretty_parse("a {\n  b = 1\n"));
	assert_null(charon_pretty_parse("}\n"));
	assert_null(charon_pretty_parse("no structure here\n"));
}

static void dump_policy_kinds(void **state)
{
	char buf[512];
	struct nlmsghdr *msg = (struct nlmsghdr *)(void *)buf;
	struct xfrm_userpolicy_info *info = NLMSG_DATA(msg);
	json_t *policies = ipsec_dump_policies_new();
	struct rtattr *rta;

	(void)state;
	memset(buf, 0, sizeof(buf));
	msg->nlmsg_type = XFRM_MSG_NEWPOLICY;
	msg->nlmsg_len = NLMSG_LENGTH(sizeof(*info));
	info->dir = XFRM_POLICY_OUT;
	info->action = XFRM_POLICY_BLOCK;
	assert_int_equal(ipsec_dump_add_policy(policies, msg), 0);
	info->dir = XFRM_POLICY_IN;
	info->action = XFRM_POLICY_ALLOW;
	assert_int_equal(ipsec_dump_add_policy(policies, msg), 0);
	rta = (struct rtattr *)(void *)(buf + NLMSG_ALIGN(msg->nlmsg_len));
	rta->rta_type = XFRMA_TMPL;
	rta->rta_len = RTA_LENGTH(sizeof(struct xfrm_user_tmpl));
	msg->nlmsg_len = NLMSG_ALIGN(msg->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	info->dir = XFRM_POLICY_MAX + 1;
	assert_int_equal(ipsec_dump_add_policy(policies, msg), 0);

	assert_int_equal(member_int(policies, "total"), 3);
	assert_int_equal(member_int(policies, "out"), 1);
	assert_int_equal(member_int(policies, "in"), 1);
	assert_int_equal(member_int(policies, "socket"), 1);
	assert_int_equal(member_int(policies, "block"), 1);
	assert_int_equal(member_int(policies, "allow"), 1);
	assert_int_equal(member_int(policies, "ipsec"), 1);
	assert_int_equal(json_array_size(json_object_get(policies, "items")), 3);
	{
		json_t *item = json_array_get(json_object_get(policies, "items"),
					      2);

		assert_string_equal(
			json_string_value(json_object_get(item, "dir")),
			"socket");
		assert_int_equal(member_int(item, "templates"), 1);
	}
	json_decref(policies);
}

/* Per-rule key exchange results reach the report's rules and `show`. */
static void build_rule_ike(void **state)
{
	static const struct report_rule rules[] = {
		{ "web", REPORT_RULE_APPLIED, NULL },
		{ "legacy", REPORT_RULE_APPLIED, NULL },
	};
	static const struct report_rule_ike rule_ike[] = {
		{ "rule-1a2b3c4d", "established", NULL, false },
		{ NULL, NULL, "AH+ESP bundle: enforced by the kernel policies",
		  true },
	};
	struct report_sources sources = { .stat_path = "/nonexistent",
					  .skip_dump = 1 };
	struct report_input in = {
		.host = "web1", .event = REPORT_EVENT_APPLY, .rules = rules,
		.rule_count = 2, .rule_ike = rule_ike,
	};
	char err[256] = "";
	char *text = NULL;
	size_t size = 0;
	FILE *out;
	json_t *doc, *rule;

	(void)state;
	doc = report_build(&in, &sources, err, sizeof(err));
	assert_non_null(doc);
	assert_int_equal(report_validate(doc, err, sizeof(err)), 0);
	rule = json_array_get(json_object_get(doc, "rules"), 0);
	assert_string_equal(
		json_string_value(json_object_get(rule, "connection")),
		"rule-1a2b3c4d");
	assert_string_equal(json_string_value(json_object_get(rule, "ike_sa")),
			    "established");
	assert_null(json_object_get(rule, "weak"));
	rule = json_array_get(json_object_get(doc, "rules"), 1);
	assert_true(json_is_true(json_object_get(rule, "weak")));
	assert_null(json_object_get(rule, "connection"));

	out = open_memstream(&text, &size);
	assert_non_null(out);
	report_show_print(out, doc, REPORT_SHOW_POLICIES, -1);
	fclose(out);
	assert_non_null(strstr(text, "keyed by charon as rule-1a2b3c4d, SA "
				     "established"));
	assert_non_null(strstr(text, "on Linux: AH+ESP bundle"));
	free(text);
	json_decref(doc);
}

static void build_fields(void **state)
{
	static const struct report_rule rules[] = {
		{ "web", REPORT_RULE_APPLIED, NULL },
		{ "legacy", REPORT_RULE_SKIPPED, "needs AH+ESP in one SA" },
		{ "db", REPORT_RULE_FAILED, "kernel rejected the template" },
	};
	static const char *const exemptions[] = { "udp/500 to any" };
	char path[] = "/tmp/report-stat-XXXXXX";
	int fd = mkstemp(path);
	struct report_sources sources = { .stat_path = path, .skip_dump = 1 };
	struct report_input in = {
		.host = "web1", .event = REPORT_EVENT_APPLY, .policy = "Web",
		.policy_version = 42, .rules = rules, .rule_count = 3,
		.exemptions = exemptions, .exemption_count = 1,
		.agent_version = "0.1.0", .agent_uptime_seconds = 99,
	};
	char err[256] = "";
	json_t *doc;
	json_t *rule;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "XfrmInNoPols 5\n", 15), 15);
	close(fd);

	doc = report_build(&in, &sources, err, sizeof(err));
	unlink(path);
	assert_non_null(doc);
	assert_int_equal(report_validate(doc, err, sizeof(err)), 0);
	assert_int_equal(member_int(doc, "schema_version"), 1);
	assert_string_equal(json_string_value(json_object_get(doc, "result")),
			    "partial");
	assert_int_equal(member_int(json_object_get(doc, "policy"), "version"),
			 42);
	rule = json_array_get(json_object_get(doc, "rules"), 1);
	assert_string_equal(json_string_value(json_object_get(rule, "result")),
			    "skipped");
	assert_string_equal(json_string_value(json_object_get(rule, "reason")),
			    "needs AH+ESP in one SA");
	assert_int_equal(
		member_int(json_object_get(json_object_get(doc, "xfrm"), "stat"),
			   "XfrmInNoPols"),
		5);
	assert_true(json_is_null(json_object_get(doc, "ike")));
	assert_int_equal(
		member_int(json_object_get(doc, "agent"), "uptime_seconds"), 99);
	json_decref(doc);
}

static void result_counts_incomplete_rules(void **state)
{
	struct report_rule rules[2] = {
		{ .name = "a", .status = REPORT_RULE_APPLIED },
		{ .name = "b", .status = REPORT_RULE_APPLIED },
	};
	struct report_input in = { .host = "h", .policy = "P",
				   .rules = rules, .rule_count = 2 };

	(void)state;
	assert_string_equal(report_result_name(&in), "applied");

	rules[1].reason = "1 of 2 filters installed nothing";
	assert_string_equal(report_result_name(&in), "partial");

	rules[1].reason = NULL;
	rules[1].status = REPORT_RULE_SKIPPED;
	assert_string_equal(report_result_name(&in), "partial");

	rules[0].status = REPORT_RULE_FAILED;
	rules[1].status = REPORT_RULE_FAILED;
	assert_string_equal(report_result_name(&in), "failed");

	in.policy = NULL;
	assert_string_equal(report_result_name(&in), "none");
}

static void build_rejects_bad_host(void **state)
{
	struct report_sources sources = { .stat_path = "/nonexistent",
					  .skip_dump = 1 };
	struct report_input in = { .host = "" };
	char err[256] = "";

	(void)state;
	assert_null(report_build(&in, &sources, err, sizeof(err)));
	assert_non_null(strstr(err, "invalid host name"));
}

static void build_unreadable_stat(void **state)
{
	struct report_sources sources = { .stat_path = "/nonexistent",
					  .skip_dump = 1 };
	struct report_input in = { .host = "h" };
	char err[256] = "";
	json_t *doc = report_build(&in, &sources, err, sizeof(err));
	json_t *xfrm;

	(void)state;
	assert_non_null(doc);
	xfrm = json_object_get(doc, "xfrm");
	assert_true(json_is_null(json_object_get(xfrm, "stat")));
	assert_int_equal(json_array_size(json_object_get(xfrm, "errors")), 1);
	assert_string_equal(json_string_value(json_object_get(doc, "result")),
			    "none");
	json_decref(doc);
}

struct validate_case {
	const char *json;
	int expected;
	const char *error_part;
};

static void validate_table(void **state)
{
	static const struct validate_case cases[] = {
		{ "{\"schema_version\":1,\"host\":\"a\",\"result\":\"none\","
		  "\"policy\":null,\"rules\":[],\"exemptions\":[]}",
		  0, NULL },
		{ "[]", -1, "JSON object" },
		{ "{\"schema_version\":2,\"host\":\"a\",\"result\":\"none\","
		  "\"policy\":null,\"rules\":[],\"exemptions\":[]}",
		  -1, "schema_version 2" },
		{ "{\"schema_version\":1,\"host\":5,\"result\":\"none\","
		  "\"policy\":null,\"rules\":[],\"exemptions\":[]}",
		  -1, "'host' has the wrong type" },
		{ "{\"schema_version\":1,\"host\":\"a\",\"result\":\"great\","
		  "\"policy\":null,\"rules\":[],\"exemptions\":[]}",
		  -1, "invalid result" },
		{ "{\"schema_version\":1,\"host\":\"a\",\"result\":\"none\","
		  "\"policy\":{\"name\":\"P\"},\"rules\":[],\"exemptions\":[]}",
		  -1, "missing member 'version'" },
		{ "{\"schema_version\":1,\"host\":\"a\",\"result\":\"none\","
		  "\"policy\":null,\"rules\":{},\"exemptions\":[]}",
		  -1, "'rules' has the wrong type" },
		{ "{\"schema_version\":1,\"host\":\"a\",\"result\":\"none\","
		  "\"policy\":null,\"rules\":[]}",
		  -1, "missing member 'exemptions'" },
		{ "{\"schema_version\":1,\"host\":\"\",\"result\":\"none\","
		  "\"policy\":null,\"rules\":[],\"exemptions\":[]}",
		  -1, "invalid host name" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		json_t *doc = json_loads(cases[i].json, 0, NULL);
		char err[256] = "";

		assert_non_null(doc);
		assert_int_equal(report_validate(doc, err, sizeof(err)),
				 cases[i].expected);
		if (cases[i].error_part)
			assert_non_null(strstr(err, cases[i].error_part));
		json_decref(doc);
	}
}

static void backoff_grows_and_caps(void **state)
{
	(void)state;
	assert_int_equal(backoff_delay_ms(0, 1000, 60000, 0), 500);
	assert_int_equal(backoff_delay_ms(0, 1000, 60000, 0.999), 999);
	assert_int_equal(backoff_delay_ms(1, 1000, 60000, 0), 1000);
	assert_int_equal(backoff_delay_ms(3, 1000, 60000, 0), 4000);
	assert_int_equal(backoff_delay_ms(10, 1000, 60000, 0), 30000);
	assert_int_equal(backoff_delay_ms(100, 1000, 60000, 0.5), 45000);
	/* An out-of-range random value falls back to the fixed half. */
	assert_int_equal(backoff_delay_ms(0, 1000, 60000, 1.5), 500);
}

static char *queue_dir_new(void)
{
	char *dir = strdup("/tmp/report-queue-XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void queue_dir_remove(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void queue_order_and_bound(void **state)
{
	char *dir = queue_dir_new();
	char err[256] = "";
	struct report_queue *queue = report_queue_open(dir, 3, err, sizeof(err));
	char *body = NULL;
	size_t len = 0;
	uint64_t seq = 0;

	(void)state;
	assert_non_null(queue);
	for (int i = 1; i <= 5; i++) {
		char text[16];

		snprintf(text, sizeof(text), "r%d", i);
		assert_int_equal(report_queue_push(queue, text, strlen(text)), 0);
	}
	assert_int_equal(report_queue_count(queue), 3);
	assert_int_equal(report_queue_dropped(queue), 2);

	assert_int_equal(report_queue_peek(queue, &body, &len, &seq), 1);
	assert_string_equal(body, "r3");
	free(body);
	assert_int_equal(report_queue_remove(queue, seq), 0);
	report_queue_free(queue);

	/* Reopened: order, count and the dropped count survive. */
	queue = report_queue_open(dir, 3, err, sizeof(err));
	assert_non_null(queue);
	assert_int_equal(report_queue_count(queue), 2);
	assert_int_equal(report_queue_dropped(queue), 2);
	assert_int_equal(report_queue_peek(queue, &body, &len, &seq), 1);
	assert_string_equal(body, "r4");
	assert_int_equal(len, 2);
	free(body);
	assert_int_equal(report_queue_push(queue, "r6", 2), 0);
	assert_int_equal(report_queue_remove(queue, seq), 0);
	assert_int_equal(report_queue_peek(queue, &body, &len, &seq), 1);
	assert_string_equal(body, "r5");
	free(body);
	assert_int_equal(report_queue_remove(queue, seq), 0);
	assert_int_equal(report_queue_peek(queue, &body, &len, &seq), 1);
	assert_string_equal(body, "r6");
	free(body);
	assert_int_equal(report_queue_remove(queue, seq), 0);
	assert_int_equal(report_queue_peek(queue, &body, &len, &seq), 0);
	report_queue_free(queue);
	queue_dir_remove(dir);
	free(dir);
}

static void queue_single_user(void **state)
{
	char *dir = queue_dir_new();
	char err[256] = "";
	struct report_queue *first = report_queue_open(dir, 3, err, sizeof(err));
	struct report_queue *second;

	(void)state;
	assert_non_null(first);
	second = report_queue_open(dir, 3, err, sizeof(err));
	assert_null(second);
	assert_non_null(strstr(err, "in use"));
	report_queue_free(first);
	queue_dir_remove(dir);
	free(dir);
}

/* Value of the statistic `name` in a report_stats() list; -1 for null. */
static json_int_t stat_value(const json_t *stats, const char *name)
{
	const json_t *item;
	size_t i;

	json_array_foreach (stats, i, item)
		if (strcmp(json_string_value(json_object_get(item, "name")),
			   name) == 0)
			return json_is_integer(json_object_get(item, "value"))
				       ? json_integer_value(
						 json_object_get(item, "value"))
				       : -1;
	fail_msg("statistic '%s' missing", name);
	return -2;
}

static void stats_windows_names(void **state)
{
	static const char text[] =
		"{\"host\":\"h\",\"ike\":{\"rekeys\":4},"
		"\"xfrm\":{\"stat\":{\"XfrmInNoStates\":3,"
		"\"XfrmInStateProtoError\":5,\"XfrmInStateSeqError\":6,"
		"\"XfrmNewCounter\":8},"
		"\"policies\":{\"total\":9},"
		"\"sas\":{\"total\":4,\"integrity_failed\":2,\"items\":["
		"{\"direction\":\"out\",\"mode\":\"transport\","
		"\"proto\":\"esp\",\"enc\":\"cbc(aes)\","
		"\"auth\":\"hmac(sha1)\",\"bytes\":100},"
		"{\"direction\":\"in\",\"mode\":\"tunnel\","
		"\"proto\":\"esp\",\"enc\":\"rfc4106(gcm(aes))\","
		"\"auth\":null,\"bytes\":200},"
		"{\"direction\":\"in\",\"mode\":\"transport\","
		"\"proto\":\"ah\",\"enc\":null,"
		"\"auth\":\"hmac(sha256)\",\"bytes\":40},"
		"{\"direction\":\"out\",\"mode\":\"transport\","
		"\"proto\":\"esp\",\"enc\":\"ecb(cipher_null)\","
		"\"auth\":\"hmac(sha1)\",\"bytes\":7}]}}}";
	json_t *report = json_loads(text, 0, NULL);
	json_t *stats;

	(void)state;
	assert_non_null(report);
	stats = report_stats(report);
	assert_non_null(stats);
	assert_int_equal(stat_value(stats, "Active Associations"), 4);
	assert_int_equal(stat_value(stats, "Bad SPI Packets"), 3);
	assert_int_equal(stat_value(stats, "Packets Not Decrypted"), 5);
	assert_int_equal(stat_value(stats, "Packets Not Authenticated"), 2);
	assert_int_equal(stat_value(stats, "Packets With Replay Detection"), 6);
	assert_int_equal(stat_value(stats, "Confidential Bytes Sent"), 100);
	assert_int_equal(stat_value(stats, "Confidential Bytes Received"), 200);
	assert_int_equal(stat_value(stats, "Authenticated Bytes Sent"), 107);
	assert_int_equal(stat_value(stats, "Authenticated Bytes Received"), 240);
	assert_int_equal(stat_value(stats, "Transport Bytes Sent"), 107);
	assert_int_equal(stat_value(stats, "Transport Bytes Received"), 40);
	assert_int_equal(stat_value(stats, "Bytes Received In Tunnels"), 200);
	assert_int_equal(stat_value(stats, "Bytes Sent In Tunnels"), 0);
	assert_int_equal(stat_value(stats, "Rekeys"), 4);
	assert_int_equal(stat_value(stats, "Key Additions"), -1);
	assert_int_equal(stat_value(stats, "XFRM Policies"), 9);
	/* Counters without a Windows name keep their Linux name. */
	assert_int_equal(stat_value(stats, "XfrmNewCounter"), 8);
	json_decref(stats);
	json_decref(report);
}

static void show_json_topics(void **state)
{
	json_t *report = json_pack("{s:s, s:{s:{s:i}, s:{s:i}}, s:n}", "host",
				   "h", "xfrm", "sas", "total", 1, "policies",
				   "total", 2, "ike");
	json_t *shown;

	(void)state;
	assert_non_null(report);
	shown = report_show_json(report, REPORT_SHOW_SAS | REPORT_SHOW_STATS,
				 42);
	assert_non_null(shown);
	assert_int_equal(member_int(shown, "age_seconds"), 42);
	assert_non_null(json_object_get(shown, "sas"));
	assert_non_null(json_object_get(shown, "stats"));
	assert_null(json_object_get(shown, "filters"));
	assert_null(json_object_get(shown, "policies"));
	json_decref(shown);
	shown = report_show_json(report, REPORT_SHOW_FILTERS, -1);
	assert_true(json_is_null(json_object_get(shown, "age_seconds")));
	assert_int_equal(member_int(json_object_get(shown, "filters"), "total"),
			 2);
	json_decref(shown);
	json_decref(report);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stat_parse_names),
		cmocka_unit_test(stat_read_missing),
		cmocka_unit_test(dump_sa_item),
		cmocka_unit_test(dump_policy_kinds),
		cmocka_unit_test(dump_misaligned),
		cmocka_unit_test(charon_counters),
		cmocka_unit_test(charon_parse_rejects),
		cmocka_unit_test(build_fields),
		cmocka_unit_test(build_rule_ike),
		cmocka_unit_test(result_counts_incomplete_rules),
		cmocka_unit_test(build_rejects_bad_host),
		cmocka_unit_test(build_unreadable_stat),
		cmocka_unit_test(validate_table),
		cmocka_unit_test(backoff_grows_and_caps),
		cmocka_unit_test(queue_order_and_bound),
		cmocka_unit_test(queue_single_user),
		cmocka_unit_test(stats_windows_names),
		cmocka_unit_test(show_json_topics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
