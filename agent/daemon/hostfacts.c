#include "hostfacts.h"

#include "log.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Largest number of addresses taken from one DNS answer. */
#define NAME_ADDRS_MAX 16

static int addr_from_sockaddr(const struct sockaddr *sa, struct spd_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (!sa)
		return -1;
	if (sa->sa_family == AF_INET) {
		out->family = AF_INET;
		memcpy(out->bytes, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		out->family = AF_INET6;
		memcpy(out->bytes, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		       16);
		return 0;
	}
	return -1;
}

static size_t iface_slot(const struct hostfacts *facts, size_t count,
			 int index)
{
	size_t slot = 0;

	while (slot < count && facts->ifaces[slot].ifindex != index)
		slot++;
	return slot;
}

/*
 * Two passes over getifaddrs(): the first finds the interfaces and counts
 * their addresses, the second copies each address into its interface's
 * run, so facts->addrs never moves once the pointers are set.
 */
static int collect_ifaces(struct hostfacts *facts, struct ifaddrs *list,
			  size_t *iface_count, size_t *addr_total)
{
	size_t *fill = NULL;
	size_t count = 0, total = 0, offset = 0;
	int ret = -ENOMEM;

	for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
		struct spd_addr a;
		int index = (int)if_nametoindex(ifa->ifa_name);
		size_t slot = iface_slot(facts, count, index);

		if (addr_from_sockaddr(ifa->ifa_addr, &a) < 0)
			continue;
		if (slot == count) {
			struct spd_iface *grown = realloc(facts->ifaces,
				(count + 1) * sizeof(*grown));

			if (!grown)
				goto out;
			facts->ifaces = grown;
			memset(&grown[slot], 0, sizeof(*grown));
			grown[slot].ifindex = index;
			grown[slot].dialup =
				(ifa->ifa_flags & IFF_POINTOPOINT) != 0;
			count++;
		}
		facts->ifaces[slot].addr_count++;
		total++;
	}

	facts->addrs = calloc(total + facts->name_count * NAME_ADDRS_MAX + 1,
			      sizeof(*facts->addrs));
	fill = calloc(count + 1, sizeof(*fill));
	if (!facts->addrs || !fill)
		goto out;
	for (size_t i = 0; i < count; i++) {
		facts->ifaces[i].addrs = facts->addrs + offset;
		offset += facts->ifaces[i].addr_count;
	}
	for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
		struct spd_addr a;
		size_t slot;

		if (addr_from_sockaddr(ifa->ifa_addr, &a) < 0)
			continue;
		slot = iface_slot(facts, count,
				  (int)if_nametoindex(ifa->ifa_name));
		((struct spd_addr *)facts->ifaces[slot].addrs)[fill[slot]++] = a;
	}
	*iface_count = count;
	*addr_total = total;
	ret = 0;
out:
	free(fill);
	return ret;
}

static int names_push(struct hostfacts *facts, const char *name)
{
	char **grown;

	for (size_t i = 0; i < facts->name_count; i++)
		if (strcasecmp(facts->name_text[i], name) == 0)
			return 0;
	grown = realloc(facts->name_text,
			(facts->name_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	facts->name_text = grown;
	grown[facts->name_count] = strdup(name);
	if (!grown[facts->name_count])
		return -ENOMEM;
	facts->name_count++;
	return 0;
}

static int filter_names(struct hostfacts *facts, const struct filter_list *list)
{
	int ret = 0;

	for (size_t i = 0; i < list->count && !ret; i++) {
		const struct filter_spec *f = &list->items[i];

		if (f->src.kind == ADDR_DNS)
			ret = names_push(facts, f->src.name);
		if (!ret && f->dst.kind == ADDR_DNS)
			ret = names_push(facts, f->dst.name);
	}
	return ret;
}

/* Resolve one name into at most NAME_ADDRS_MAX slots at `out`. */
static size_t resolve(const char *name, struct spd_addr *out)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res = NULL;
	size_t found = 0;
	int gai;

	gai = getaddrinfo(name, NULL, &hints, &res);
	if (gai != 0) {
		log_warning("xfrm", "unable to resolve '%s': %s; its filters "
			    "are skipped until it resolves", name,
			    gai_strerror(gai));
		return 0;
	}
	for (struct addrinfo *ai = res; ai && found < NAME_ADDRS_MAX;
	     ai = ai->ai_next)
		if (addr_from_sockaddr(ai->ai_addr, &out[found]) == 0)
			found++;
	freeaddrinfo(res);
	return found;
}

int hostfacts_collect(struct hostfacts *facts, const struct spd_rule_ref *rules,
		      size_t rule_count)
{
	struct ifaddrs *list = NULL;
	size_t iface_count = 0, next = 0;
	int ret = 0;

	memset(facts, 0, sizeof(*facts));
	for (size_t i = 0; i < rule_count && !ret; i++) {
		ret = filter_names(facts, &rules[i].rule->filters);
		if (!ret)
			ret = filter_names(facts, &rules[i].rule->mm_filters);
	}
	if (ret)
		goto out;

	if (getifaddrs(&list) < 0) {
		ret = -errno;
		log_error("xfrm", "unable to list interfaces: %s",
			  strerror(errno));
		goto out;
	}
	ret = collect_ifaces(facts, list, &iface_count, &next);
	if (ret)
		goto out;

	facts->names = calloc(facts->name_count + 1, sizeof(*facts->names));
	if (!facts->names) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < facts->name_count; i++) {
		facts->names[i].name = facts->name_text[i];
		facts->names[i].addrs = facts->addrs + next;
		facts->names[i].addr_count = resolve(facts->name_text[i],
						     facts->addrs + next);
		next += facts->names[i].addr_count;
	}

	facts->host.ifaces = facts->ifaces;
	facts->host.iface_count = iface_count;
	facts->host.names = facts->names;
	facts->host.name_count = facts->name_count;
out:
	if (list)
		freeifaddrs(list);
	if (ret)
		hostfacts_free(facts);
	return ret;
}

void hostfacts_free(struct hostfacts *facts)
{
	if (!facts)
		return;
	for (size_t i = 0; i < facts->name_count; i++)
		free(facts->name_text[i]);
	free(facts->name_text);
	free(facts->names);
	free(facts->ifaces);
	free(facts->addrs);
	memset(facts, 0, sizeof(*facts));
}
