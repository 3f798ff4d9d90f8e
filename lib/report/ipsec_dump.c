#include "ipsec_dump.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int local_addrs_add(struct local_addrs *addrs, int family, const void *addr)
{
	size_t n = addrs->count + 1;
	int *families = realloc(addrs->families, n * sizeof(*families));
	unsigned char(*bytes)[16];

	if (!families)
		return -1;
	addrs->families = families;
	bytes = realloc(addrs->bytes, n * sizeof(*bytes));
	if (!bytes)
		return -1;
	addrs->bytes = bytes;
	memset(bytes[addrs->count], 0, 16);
	memcpy(bytes[addrs->count], addr, family == AF_INET ? 4 : 16);
	families[addrs->count] = family;
	addrs->count = n;
	return 0;
}

int local_addrs_load(struct local_addrs *addrs)
{
	struct ifaddrs *list = NULL;
	int ret = -1;

	memset(addrs, 0, sizeof(*addrs));
	if (getifaddrs(&list) != 0)
		goto out;
	for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
		const void *addr;
		int family;

		if (!ifa->ifa_addr)
			continue;
		family = ifa->ifa_addr->sa_family;
		if (family == AF_INET)
			addr = &((const struct sockaddr_in *)(const void *)
					 ifa->ifa_addr)->sin_addr;
		else if (family == AF_INET6)
			addr = &((const struct sockaddr_in6 *)(const void *)
					 ifa->ifa_addr)->sin6_addr;
		else
			continue;
		if (local_addrs_add(addrs, family, addr) != 0)
			goto out;
	}
	ret = 0;
out:
	if (list)
		freeifaddrs(list);
	return ret;
}

bool local_addrs_contains(const struct local_addrs *addrs, int family,
			  const void *addr)
{
	size_t len = family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < addrs->count; i++)
		if (addrs->families[i] == family &&
		    memcmp(addrs->bytes[i], addr, len) == 0)
			return true;
	return false;
}

void local_addrs_free(struct local_addrs *addrs)
{
	if (!addrs)
		return;
	free(addrs->families);
	free(addrs->bytes);
	memset(addrs, 0, sizeof(*addrs));
}

/* Add `delta` to the integer member `key` of `obj`. */
static int counter_add(json_t *obj, const char *key, json_int_t delta)
{
	json_t *value = json_object_get(obj, key);

	if (!value)
		return json_object_set_new(obj, key, json_integer(delta));
	return json_integer_set(value, json_integer_value(value) + delta);
}

json_t *ipsec_dump_policies_new(void)
{
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:b, s:[]}",
			 "total", 0, "in", 0, "out", 0, "fwd", 0, "socket", 0,
			 "block", 0, "allow", 0, "ipsec", 0, "truncated", 0,
			 "items");
}

json_t *ipsec_dump_sas_new(void)
{
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:b, s:[]}",
			 "total", 0, "bytes_in", 0, "bytes_out", 0,
			 "packets_in", 0, "packets_out", 0, "replay", 0,
			 "integrity_failed", 0, "replay_window_failed", 0,
			 "truncated", 0, "items");
}

static json_t *addr_json(int family, const xfrm_address_t *addr);

/*
 * Copy the fixed header of a message. Netlink aligns messages to 4 bytes,
 * but xfrm_usersa_info and xfrm_userpolicy_info contain 64-bit lifetimes
 * and need 8, so reading them in place is a misaligned access. The caller
 * has checked that nlmsg_len covers len bytes.
 */
static void msg_header_copy(void *dst, const struct nlmsghdr *msg, size_t len)
{
	memcpy(dst, (const char *)msg + NLMSG_HDRLEN, len);
}

/* First attribute of type `type` after a fixed header of `hdr_len`. */
static const struct rtattr *attr_find(const struct nlmsghdr *msg,
				      size_t hdr_len, unsigned short type)
{
	size_t offset = NLMSG_HDRLEN + NLMSG_ALIGN(hdr_len);
	const struct rtattr *rta;
	int left;

	if (msg->nlmsg_len < offset)
		return NULL;
	left = (int)(msg->nlmsg_len - offset);
	rta = (const struct rtattr *)(const void *)((const char *)msg + offset);
	for (; RTA_OK(rta, left); rta = RTA_NEXT(rta, left))
		if (rta->rta_type == type)
			return rta;
	return NULL;
}

static json_t *selector_side(const struct xfrm_selector *sel, int source)
{
	const xfrm_address_t *addr = source ? &sel->saddr : &sel->daddr;
	unsigned prefix = source ? sel->prefixlen_s : sel->prefixlen_d;
	int family = sel->family ? sel->family : AF_INET;
	char text[INET6_ADDRSTRLEN + 8];
	json_t *host = addr_json(family, addr);

	snprintf(text, sizeof(text), "%s/%u",
		 json_is_string(host) ? json_string_value(host) : "?", prefix);
	json_decref(host);
	return json_string(text);
}

static json_t *policy_item_new(const struct nlmsghdr *msg,
			       const struct xfrm_userpolicy_info *info,
			       const char *dir, const char *kind)
{
	const struct xfrm_selector *sel = &info->sel;
	const struct rtattr *tmpl = attr_find(msg, sizeof(*info), XFRMA_TMPL);
	json_int_t templates = 0;

	if (tmpl)
		templates = (json_int_t)(RTA_PAYLOAD(tmpl) /
					 sizeof(struct xfrm_user_tmpl));
	return json_pack("{s:s, s:s, s:I, s:I, s:o, s:o, s:i, s:i, s:i, s:I}",
			 "dir", dir, "action", kind, "priority",
			 (json_int_t)info->priority, "index",
			 (json_int_t)info->index, "src", selector_side(sel, 1),
			 "dst", selector_side(sel, 0), "proto", sel->proto,
			 "src_port", ntohs(sel->sport), "dst_port",
			 ntohs(sel->dport), "templates", templates);
}

int ipsec_dump_add_policy(json_t *policies, const struct nlmsghdr *msg)
{
	static const char *const dir_names[] = { "in", "out", "fwd" };
	struct xfrm_userpolicy_info copy;
	const struct xfrm_userpolicy_info *info = &copy;
	json_t *items = json_object_get(policies, "items");
	const char *dir;
	const char *kind;
	int ret = 0;

	if (msg->nlmsg_len < NLMSG_LENGTH(sizeof(*info)))
		return -1;
	msg_header_copy(&copy, msg, sizeof(copy));
	dir = info->dir < XFRM_POLICY_MAX ? dir_names[info->dir] : "socket";

	ret |= counter_add(policies, "total", 1);
	ret |= counter_add(policies, dir, 1);
	if (info->action == XFRM_POLICY_BLOCK)
		kind = "block";
	else if (attr_find(msg, sizeof(*info), XFRMA_TMPL))
		kind = "ipsec";
	else
		kind = "allow";
	ret |= counter_add(policies, kind, 1);
	if (!items)
		return -1;
	if (json_array_size(items) >= IPSEC_DUMP_MAX_POLICY_ITEMS)
		ret |= json_object_set_new(policies, "truncated", json_true());
	else
		ret |= json_array_append_new(items,
					     policy_item_new(msg, info, dir, kind));
	return ret ? -1 : 0;
}

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_ESP:
		return "esp";
	case IPPROTO_AH:
		return "ah";
	case IPPROTO_COMP:
		return "comp";
	default:
		return "other";
	}
}

static const char *mode_name(uint8_t mode)
{
	switch (mode) {
	case XFRM_MODE_TRANSPORT:
		return "transport";
	case XFRM_MODE_TUNNEL:
		return "tunnel";
	case XFRM_MODE_BEET:
		return "beet";
	default:
		return "other";
	}
}

/* Algorithm name of an xfrm_algo, xfrm_algo_auth or xfrm_algo_aead
 * attribute: all three start with alg_name[64]. */
static json_t *alg_json(const struct nlmsghdr *msg, unsigned short type)
{
	const struct rtattr *rta = attr_find(
		msg, sizeof(struct xfrm_usersa_info), type);
	char name[sizeof(((struct xfrm_algo *)0)->alg_name) + 1];

	if (!rta || (size_t)RTA_PAYLOAD(rta) < sizeof(name) - 1)
		return NULL;
	memcpy(name, RTA_DATA(rta), sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	return json_string(name);
}

static json_t *addr_json(int family, const xfrm_address_t *addr)
{
	char text[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, text, sizeof(text)))
		return json_null();
	return json_string(text);
}

static json_t *sa_item_new(const struct nlmsghdr *msg,
			   const struct xfrm_usersa_info *info, const char *dir,
			   time_t now)
{
	json_t *enc = alg_json(msg, XFRMA_ALG_AEAD);
	json_t *auth = NULL;
	char spi[11];
	json_int_t age = 0;

	if (!enc)
		enc = alg_json(msg, XFRMA_ALG_CRYPT);
	auth = alg_json(msg, XFRMA_ALG_AUTH_TRUNC);
	if (!auth)
		auth = alg_json(msg, XFRMA_ALG_AUTH);
	snprintf(spi, sizeof(spi), "0x%08x", ntohl(info->id.spi));
	if (info->curlft.add_time && now > (time_t)info->curlft.add_time)
		age = (json_int_t)(now - (time_t)info->curlft.add_time);

	return json_pack(
		"{s:s, s:s, s:s, s:o, s:o, s:I, s:s, s:o, s:o, s:I, s:I, s:I,"
		" s:I, s:I, s:I, s:I}",
		"spi", spi, "proto", proto_name(info->id.proto), "mode",
		mode_name(info->mode), "src", addr_json(info->family, &info->saddr),
		"dst", addr_json(info->family, &info->id.daddr), "reqid",
		(json_int_t)info->reqid, "direction", dir, "enc",
		enc ? enc : json_null(), "auth", auth ? auth : json_null(),
		"bytes", (json_int_t)info->curlft.bytes, "packets",
		(json_int_t)info->curlft.packets, "add_time",
		(json_int_t)info->curlft.add_time, "age_seconds", age,
		"replay", (json_int_t)info->stats.replay, "integrity_failed",
		(json_int_t)info->stats.integrity_failed, "replay_window_failed",
		(json_int_t)info->stats.replay_window);
}

int ipsec_dump_add_sa(json_t *sas, const struct nlmsghdr *msg, time_t now,
		      const struct local_addrs *local)
{
	struct xfrm_usersa_info copy;
	const struct xfrm_usersa_info *info = &copy;
	json_t *items = json_object_get(sas, "items");
	const char *dir = "unknown";
	json_int_t bytes, packets;
	int ret = 0;

	if (msg->nlmsg_len < NLMSG_LENGTH(sizeof(*info)) || !items)
		return -1;
	msg_header_copy(&copy, msg, sizeof(copy));
	if (local && local_addrs_contains(local, info->family, &info->id.daddr))
		dir = "in";
	else if (local && local_addrs_contains(local, info->family, &info->saddr))
		dir = "out";

	bytes = (json_int_t)info->curlft.bytes;
	packets = (json_int_t)info->curlft.packets;
	ret |= counter_add(sas, "total", 1);
	if (strcmp(dir, "in") == 0) {
		ret |= counter_add(sas, "bytes_in", bytes);
		ret |= counter_add(sas, "packets_in", packets);
	} else {
		ret |= counter_add(sas, "bytes_out", bytes);
		ret |= counter_add(sas, "packets_out", packets);
	}
	ret |= counter_add(sas, "replay", (json_int_t)info->stats.replay);
	ret |= counter_add(sas, "integrity_failed",
			   (json_int_t)info->stats.integrity_failed);
	ret |= counter_add(sas, "replay_window_failed",
			   (json_int_t)info->stats.replay_window);

	if (json_array_size(items) >= IPSEC_DUMP_MAX_SA_ITEMS)
		ret |= json_object_set_new(sas, "truncated", json_true());
	else
		ret |= json_array_append_new(items, sa_item_new(msg, info, dir, now));
	return ret ? -1 : 0;
}

struct dump_target {
	json_t *acc;
	time_t now;
	const struct local_addrs *local;
};

/* Send one dump request and add every message received to the accumulator. */
static int dump_run(int fd, uint16_t type, struct dump_target *target,
		    char *err, size_t errlen)
{
	struct nlmsghdr req;
	_Alignas(8) char buf[32768];
	int ret = -1;

	memset(&req, 0, sizeof(req));
	req.nlmsg_type = type;
	req.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlmsg_seq = type;
	req.nlmsg_len = NLMSG_HDRLEN;
	if (send(fd, &req, req.nlmsg_len, 0) < 0) {
		snprintf(err, errlen, "unable to request the XFRM dump: %s",
			 strerror(errno));
		goto out;
	}

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "unable to read the XFRM dump: %s",
				 strerror(errno));
			goto out;
		}
		left = (int)n;
		for (struct nlmsghdr *msg = (struct nlmsghdr *)(void *)buf;
		     NLMSG_OK(msg, left); msg = NLMSG_NEXT(msg, left)) {
			int failed = 0;

			if (msg->nlmsg_type == NLMSG_DONE) {
				ret = 0;
				goto out;
			}
			if (msg->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(msg);

				snprintf(err, errlen,
					 "the kernel rejected the XFRM dump: %s",
					 strerror(-e->error));
				goto out;
			}
			if (msg->nlmsg_type == XFRM_MSG_NEWPOLICY)
				failed = ipsec_dump_add_policy(target->acc, msg);
			else if (msg->nlmsg_type == XFRM_MSG_NEWSA)
				failed = ipsec_dump_add_sa(target->acc, msg,
							   target->now,
							   target->local);
			if (failed) {
				snprintf(err, errlen,
					 "invalid XFRM dump message of type %u",
					 msg->nlmsg_type);
				goto out;
			}
		}
	}
out:
	return ret;
}

json_t *ipsec_dump_collect(char *err, size_t errlen)
{
	struct local_addrs local = { 0 };
	struct dump_target target = { 0 };
	json_t *policies = ipsec_dump_policies_new();
	json_t *sas = ipsec_dump_sas_new();
	json_t *result = NULL;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM);
	if (fd < 0) {
		snprintf(err, errlen, "unable to open an XFRM netlink socket: %s",
			 strerror(errno));
		goto out;
	}
	if (!policies || !sas || local_addrs_load(&local) != 0) {
		snprintf(err, errlen, "unable to list local addresses: %s",
			 strerror(errno));
		goto out;
	}

	target.now = time(NULL);
	target.local = &local;
	target.acc = policies;
	if (dump_run(fd, XFRM_MSG_GETPOLICY, &target, err, errlen) != 0)
		goto out;
	target.acc = sas;
	if (dump_run(fd, XFRM_MSG_GETSA, &target, err, errlen) != 0)
		goto out;

	result = json_pack("{s:O, s:O}", "policies", policies, "sas", sas);
	if (!result)
		snprintf(err, errlen, "out of memory");
out:
	if (fd >= 0)
		close(fd);
	local_addrs_free(&local);
	json_decref(policies);
	json_decref(sas);
	return result;
}
