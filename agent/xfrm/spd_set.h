/*
 * Kernel XFRM policies as the agent wants them or has installed them.
 *
 * A policy's identity in the kernel is its selector, its direction and its
 * mark, and priority, action and templates are its content. The agent
 * leaves the mark at 0/0, so struct spd_policy keys on selector and
 * direction alone, and a set contains at most one policy per key.
 */
#ifndef IPSECCMD_SPD_SET_H
#define IPSECCMD_SPD_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Directions as the kernel numbers them (XFRM_POLICY_IN, _OUT, _FWD). */
enum spd_dir { SPD_DIR_IN = 0, SPD_DIR_OUT = 1, SPD_DIR_FWD = 2 };

/* Actions as the kernel numbers them (XFRM_POLICY_ALLOW, _BLOCK). */
enum spd_action { SPD_ACTION_ALLOW = 0, SPD_ACTION_BLOCK = 1 };

/* An address with its family, bytes in network order (IPv4 in bytes[0..3]). */
struct spd_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t bytes[16];
};

/* The kernel's traffic selector, ports in host order (0: any port). */
struct spd_selector {
	int family;
	uint8_t src[16];
	uint8_t dst[16];
	uint8_t src_prefix;
	uint8_t dst_prefix;
	uint16_t src_port;
	uint16_t dst_port;
	uint8_t protocol;	/* 0: any protocol */
	int ifindex;		/* 0: any interface */
};

/* One IPsec transform the policy requires: ESP or AH, with its SA's ends
 * for tunnel mode. An all-zero tunnel source lets the kernel pick it from
 * the route. */
struct spd_tmpl {
	uint8_t protocol;	/* IPPROTO_ESP or IPPROTO_AH */
	bool tunnel;
	struct spd_addr tunnel_src;
	struct spd_addr tunnel_dst;
	uint32_t reqid;
	bool optional;		/* level use: clear traffic passes too */
};

#define SPD_TMPL_MAX 2		/* AH + ESP */
#define SPD_RULE_NAME_MAX 128

struct spd_policy {
	struct spd_selector sel;
	enum spd_dir dir;
	uint32_t priority;
	enum spd_action action;
	struct spd_tmpl tmpl[SPD_TMPL_MAX];
	size_t tmpl_count;
	/* Name of the rule the policy came from, for "show filters", cut to
	 * SPD_RULE_NAME_MAX - 1 bytes. It is not sent to the kernel, so a
	 * policy read back from it has an empty name. */
	char rule[SPD_RULE_NAME_MAX];
};

struct spd_set {
	struct spd_policy *items;
	size_t count;
	size_t capacity;
};

/* Append a copy of p; returns 0 or -ENOMEM. */
int spd_set_add(struct spd_set *set, const struct spd_policy *p);

/* Sort by key (selector, direction) so that sets can be merged and
 * searched; returns nothing and keeps duplicates next to each other. */
void spd_set_sort(struct spd_set *set);

/* Find the policy with p's key in a sorted set; NULL when absent. */
const struct spd_policy *spd_set_find(const struct spd_set *set,
				      const struct spd_policy *key);

/* Make dst a copy of src; returns 0 or -ENOMEM, leaving dst empty. */
int spd_set_copy(struct spd_set *dst, const struct spd_set *src);

/* Release the items and leave an empty set; NULL is a no-op. */
void spd_set_clear(struct spd_set *set);

/* Order two policies by key: <0, 0 or >0. */
int spd_policy_key_cmp(const struct spd_policy *a, const struct spd_policy *b);

/* Whether two policies with one key differ in what the kernel stores
 * (priority, action, templates). */
bool spd_policy_content_equal(const struct spd_policy *a,
			      const struct spd_policy *b);

/* Write a one-line description such as "out 192.0.2.1/32 -> any tcp/80"
 * into buf; returns buf. */
const char *spd_policy_describe(const struct spd_policy *p, char *buf,
				size_t size);

#endif
