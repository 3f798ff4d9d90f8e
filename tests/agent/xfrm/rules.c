#include "rules.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct qm_offer offer_esp = {
	.has_esp = true, .esp_enc = ENC_3DES, .esp_auth = HASH_SHA1,
};
static struct qm_offer offer_ah_esp = {
	.has_ah = true, .ah_hash = HASH_SHA1,
	.has_esp = true, .esp_enc = ENC_3DES, .esp_auth = HASH_SHA1,
};

struct addr_spec test_any(void)
{
	return (struct addr_spec){ .kind = ADDR_ANY };
}

struct addr_spec test_me(void)
{
	return (struct addr_spec){ .kind = ADDR_ME };
}

struct spd_addr test_addr(const char *text)
{
	struct spd_addr a;

	memset(&a, 0, sizeof(a));
	a.family = strchr(text, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(a.family, text, a.bytes) != 1) {
		fprintf(stderr, "test: invalid address '%s'\n", text);
		abort();
	}
	return a;
}

struct addr_spec test_net(const char *text)
{
	struct addr_spec a = { .kind = ADDR_IP };
	char host[64];
	const char *slash = strchr(text, '/');
	struct spd_addr parsed;

	snprintf(host, sizeof(host), "%.*s",
		 slash ? (int)(slash - text) : (int)strlen(text), text);
	parsed = test_addr(host);
	a.family = parsed.family;
	memcpy(a.bytes, parsed.bytes, sizeof(a.bytes));
	a.prefix = a.family == AF_INET ? 32 : 128;
	if (slash)
		a.prefix = (uint8_t)strtoul(slash + 1, NULL, 10);
	return a;
}

struct addr_spec test_dns(const char *name)
{
	return (struct addr_spec){ .kind = ADDR_DNS, .name = (char *)name };
}

struct filter_spec test_filter_ports(struct addr_spec src,
				     struct addr_spec dst, bool mirrored,
				     enum filter_mark mark, int protocol,
				     uint16_t src_port, uint16_t dst_port)
{
	return (struct filter_spec){
		.mirrored = mirrored, .mark = mark, .src = src, .dst = dst,
		.src_port = src_port, .dst_port = dst_port,
		.protocol = protocol,
	};
}

struct filter_spec test_filter(struct addr_spec src, struct addr_spec dst,
			       bool mirrored, enum filter_mark mark)
{
	return test_filter_ports(src, dst, mirrored, mark, PROTO_ANY, 0, 0);
}

struct rule_spec test_rule(struct filter_spec *filters, size_t count,
			   enum rule_action action, bool ah)
{
	struct rule_spec r;

	memset(&r, 0, sizeof(r));
	r.filters.items = filters;
	r.filters.count = count;
	r.qm.action = action;
	r.qm.offers = ah ? &offer_ah_esp : &offer_esp;
	r.qm.count = 1;
	r.mm_rekey_seconds = 28800;
	r.soft_expiry_seconds = 300;
	r.conn = CONN_ALL;
	return r;
}

struct spd_host test_host(const struct spd_addr *addrs, size_t count)
{
	static struct spd_iface iface;

	iface = (struct spd_iface){
		.ifindex = 2, .addrs = addrs, .addr_count = count,
	};
	return (struct spd_host){ .ifaces = &iface, .iface_count = 1 };
}
