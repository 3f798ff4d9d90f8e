/*
 * Hand-built rules for the XFRM tests: the parser's output shape, without
 * the parser. Everything points into static storage or the caller's
 * arrays, so nothing here is freed.
 */
#ifndef IPSECCMD_TEST_RULES_H
#define IPSECCMD_TEST_RULES_H

#include "compile.h"

struct addr_spec test_any(void);
struct addr_spec test_me(void);
/* "192.0.2.1", "192.0.2.0/24", "2001:db8::1/128"; aborts on a typo. */
struct addr_spec test_net(const char *text);
struct addr_spec test_dns(const char *name);

struct spd_addr test_addr(const char *text);

struct filter_spec test_filter(struct addr_spec src, struct addr_spec dst,
			       bool mirrored, enum filter_mark mark);

/* A filter with protocol and ports; protocol PROTO_ANY for any. */
struct filter_spec test_filter_ports(struct addr_spec src,
				     struct addr_spec dst, bool mirrored,
				     enum filter_mark mark, int protocol,
				     uint16_t src_port, uint16_t dst_port);

/* A rule over filters with the given action; negotiating rules offer
 * esp[3des,sha1], or ah[sha1]+esp[3des,sha1] when ah is true. */
struct rule_spec test_rule(struct filter_spec *filters, size_t count,
			   enum rule_action action, bool ah);

/* A host with one LAN interface (ifindex 2) with addrs. The interface is
 * static storage, so each call also changes hosts returned earlier. */
struct spd_host test_host(const struct spd_addr *addrs, size_t count);

#endif
