#include "expand.h"

#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static int net_list_push(struct spd_net_list *list, int family,
			 const uint8_t *bytes, uint8_t prefix)
{
	struct spd_net *net;

	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 8;
		struct spd_net *items;

		items = realloc(list->items, capacity * sizeof(*items));
		if (!items)
			return -ENOMEM;
		list->items = items;
		list->capacity = capacity;
	}
	net = &list->items[list->count++];
	memset(net, 0, sizeof(*net));
	net->family = family;
	if (bytes)
		memcpy(net->bytes, bytes, family == AF_INET ? 4 : 16);
	net->prefix = prefix;
	return 0;
}

static uint8_t host_prefix(int family)
{
	return family == AF_INET ? 32 : 128;
}

static int push_addrs(struct spd_net_list *out, const struct spd_addr *addrs,
		      size_t count)
{
	for (size_t i = 0; i < count; i++) {
		int ret = net_list_push(out, addrs[i].family, addrs[i].bytes,
					host_prefix(addrs[i].family));
		if (ret)
			return ret;
	}
	return 0;
}

static bool is_loopback(const struct spd_addr *a)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->bytes[0] == 127;
	return !memcmp(a->bytes, v6_loopback, sizeof(v6_loopback));
}

/*
 * `0` is every address of this host except loopback ones: loopback
 * traffic never passes the XFRM policy lookup (seen on Linux 6.18), so policies for it would only cost kernel memory.
 */
static int expand_local(const struct spd_host *host, struct spd_net_list *out)
{
	size_t before = out->count;

	for (size_t i = 0; i < host->iface_count; i++) {
		const struct spd_iface *iface = &host->ifaces[i];

		for (size_t j = 0; j < iface->addr_count; j++) {
			const struct spd_addr *a = &iface->addrs[j];
			int ret;

			if (is_loopback(a))
				continue;
			ret = net_list_push(out, a->family, a->bytes,
					    host_prefix(a->family));
			if (ret)
				return ret;
		}
	}
	return out->count == before ? 1 : 0;
}

static int expand_dns(const char *name, const struct spd_host *host,
		      struct spd_net_list *out)
{
	for (size_t i = 0; i < host->name_count; i++) {
		const struct spd_resolved *r = &host->names[i];

		if (!strcasecmp(r->name, name)) {
			if (!r->addr_count)
				return 1;
			return push_addrs(out, r->addrs, r->addr_count);
		}
	}
	return 1;
}

static int expand_guid(const char *guid, const struct spd_host *host,
		       struct spd_net_list *out)
{
	for (size_t i = 0; i < host->iface_count; i++) {
		const struct spd_iface *iface = &host->ifaces[i];

		if (iface->guid && !strcasecmp(iface->guid, guid)) {
			if (!iface->addr_count)
				return 1;
			return push_addrs(out, iface->addrs, iface->addr_count);
		}
	}
	return 1;
}

int spd_expand_addr(const struct addr_spec *a, const struct spd_host *host,
		    struct spd_net_list *out)
{
	int ret;

	switch (a->kind) {
	case ADDR_ANY:
		ret = net_list_push(out, AF_INET, NULL, 0);
		if (!ret)
			ret = net_list_push(out, AF_INET6, NULL, 0);
		return ret;
	case ADDR_ME:
		return expand_local(host, out);
	case ADDR_IP:
		return net_list_push(out, a->family, a->bytes, a->prefix);
	case ADDR_DNS:
		return a->name ? expand_dns(a->name, host, out) : 1;
	case ADDR_GUID:
		return a->name ? expand_guid(a->name, host, out) : 1;
	}
	return 1;
}

bool spd_host_has_addr(const struct spd_host *host, const struct spd_addr *addr)
{
	size_t len = addr->family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < host->iface_count; i++) {
		const struct spd_iface *iface = &host->ifaces[i];

		for (size_t j = 0; j < iface->addr_count; j++)
			if (iface->addrs[j].family == addr->family &&
			    !memcmp(iface->addrs[j].bytes, addr->bytes, len))
				return true;
	}
	return false;
}

void spd_net_list_free(struct spd_net_list *list)
{
	if (!list)
		return;
	free(list->items);
	list->items = NULL;
	list->count = 0;
	list->capacity = 0;
}
