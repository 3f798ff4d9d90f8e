#include "exempt.h"

#include "log.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <ldap.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int exempt_push(struct exempt_list *list, const struct spd_addr *addr,
		       uint16_t port, const char *label)
{
	struct spd_exemption *items;
	char **labels;

	items = realloc(list->items, (list->count + 1) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	list->items = items;
	labels = realloc(list->labels, (list->count + 1) * sizeof(*labels));
	if (!labels)
		return -ENOMEM;
	list->labels = labels;
	labels[list->count] = strdup(label);
	if (!labels[list->count])
		return -ENOMEM;
	memset(&items[list->count], 0, sizeof(items[0]));
	items[list->count].addr = *addr;
	items[list->count].protocol = IPPROTO_TCP;
	items[list->count].port = port;
	list->count++;
	return 0;
}

/* Add every address of host:port; one label names the peer. */
static int exempt_host(struct exempt_list *list, const char *host,
		       uint16_t port, const char *label)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int gai, ret = 0;

	gai = getaddrinfo(host, NULL, &hints, &res);
	if (gai != 0) {
		log_warning("lockout", "unable to resolve '%s' for %s: %s; "
			    "its traffic is not exempt", host, label,
			    gai_strerror(gai));
		return 0;
	}
	for (struct addrinfo *ai = res; ai && !ret; ai = ai->ai_next) {
		struct spd_addr a = { .family = ai->ai_family };

		if (ai->ai_family == AF_INET)
			memcpy(a.bytes, &((struct sockaddr_in *)ai->ai_addr)
					->sin_addr, 4);
		else if (ai->ai_family == AF_INET6)
			memcpy(a.bytes, &((struct sockaddr_in6 *)ai->ai_addr)
					->sin6_addr, 16);
		else
			continue;
		ret = exempt_push(list, &a, port, label);
	}
	freeaddrinfo(res);
	return ret;
}

/* One LDAP URI; ldapi:// is a local socket and needs nothing. */
static int exempt_ldap_uri(struct exempt_list *list, const char *uri)
{
	LDAPURLDesc *lud = NULL;
	char label[512];
	int port, ret = 0;

	if (ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS) {
		log_warning("lockout", "invalid directory URI '%s': its "
			    "traffic is not exempt", uri);
		return 0;
	}
	if (strcasecmp(lud->lud_scheme, "ldapi") == 0 || !lud->lud_host ||
	    !*lud->lud_host)
		goto out;
	port = lud->lud_port ? lud->lud_port
	       : strcasecmp(lud->lud_scheme, "ldaps") == 0 ? 636 : 389;
	snprintf(label, sizeof(label), "directory %s", uri);
	ret = exempt_host(list, lud->lud_host, (uint16_t)port, label);
out:
	ldap_free_urldesc(lud);
	return ret;
}

/* directory_uri may list several servers separated by spaces or commas,
 * as libldap accepts them. */
static int exempt_directory(struct exempt_list *list,
			    const struct agent_config *cfg)
{
	char *uris = NULL, *copy = NULL, *p;
	int ret = 0;

	if (cfg->directory_uri[0])
		copy = strdup(cfg->directory_uri);
	else if (ldap_get_option(NULL, LDAP_OPT_URI, &uris) ==
		 LDAP_OPT_SUCCESS && uris)
		copy = strdup(uris);
	ldap_memfree(uris);
	if (!copy)
		return 0;
	p = copy;
	while (*p && !ret) {
		size_t len;

		p += strspn(p, " ,\t");
		len = strcspn(p, " ,\t");
		if (len == 0)
			break;
		if (p[len] != '\0')
			p[len++] = '\0';
		ret = exempt_ldap_uri(list, p);
		p += len;
	}
	free(copy);
	return ret;
}

static int exempt_report(struct exempt_list *list, const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, label[512];
	unsigned long n;
	int ret = 0;

	if (!u)
		return -ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
		    CURLUE_OK) {
		log_warning("lockout", "invalid report_url '%s': its traffic "
			    "is not exempt", url);
		goto out;
	}
	n = strtoul(port, NULL, 10);
	/* curl returns IPv6 literals in brackets; getaddrinfo wants them
	 * bare. */
	if (host[0] == '[') {
		size_t len = strlen(host);

		memmove(host, host + 1, len - 1);
		host[len - 2] = '\0';
	}
	snprintf(label, sizeof(label), "report server %s", url);
	ret = exempt_host(list, host, (uint16_t)n, label);
out:
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ret;
}

int exempt_collect(const struct agent_config *cfg, struct exempt_list *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	if (!cfg->lockout_protection)
		return 0;
	ret = exempt_directory(out, cfg);
	if (!ret && cfg->report_url[0])
		ret = exempt_report(out, cfg->report_url);
	if (ret)
		exempt_free(out);
	return ret;
}

void exempt_free(struct exempt_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; list->labels && i < list->count; i++)
		free(list->labels[i]);
	free(list->labels);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

json_t *exempt_to_json(const struct exempt_list *list)
{
	json_t *array = json_array();

	for (size_t i = 0; array && i < list->count; i++) {
		const struct spd_exemption *e = &list->items[i];
		char text[INET6_ADDRSTRLEN] = "";

		inet_ntop(e->addr.family, e->addr.bytes, text, sizeof(text));
		if (json_array_append_new(array, json_pack(
			    "{s:s, s:s, s:s, s:i}", "peer", list->labels[i],
			    "address", text, "protocol", "tcp", "port",
			    (int)e->port)) < 0) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}
