#include "routes.h"

#include "log.h"
#include "report.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOSTS_PREFIX "/v1/hosts/"
#define HISTORY_SUFFIX "/history"
#define HISTORY_DEFAULT 20
#define HISTORY_MAX 1000

void route_error(struct route_response *res, const struct route_request *req,
		 unsigned status, enum metric_reject reason, const char *fmt,
		 ...)
{
	char message[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);

	if (reason < REJECT_COUNT)
		metrics_reject(reason);
	log_warning("http", "%s %s from '%s': %u: %s", req->method, req->url,
		    req->client, status, message);
	res->status = status;
	res->json = json_pack("{s:s}", "error", message);
	res->text = NULL;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

void route_report_stored(struct route_response *res,
			 const struct route_request *req, const char *host,
			 int result, const struct timespec *start)
{
	if (result != 0) {
		metrics_store_error();
		route_error(res, req, 503, REJECT_COUNT,
			    "unable to store the report of host '%s', retry later",
			    host);
		return;
	}
	metrics_report_stored(seconds_since(start));
	res->status = 201;
	res->json = json_pack("{s:s, s:s}", "status", "stored", "host", host);
}

static void report_post(struct server *server, const struct route_request *req,
			struct route_response *res)
{
	struct timespec start;
	json_error_t jerr;
	json_t *doc;
	char reason[256];
	const char *host;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (req->peer->role != PEER_HOST) {
		route_error(res, req, 403, REJECT_FORBIDDEN,
			    "only host certificates may send reports");
		return;
	}
	doc = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		route_error(res, req, 400, REJECT_BODY,
			    "invalid JSON at line %d column %d: %s", jerr.line,
			    jerr.column, jerr.text);
		return;
	}
	if (report_validate(doc, reason, sizeof(reason)) != 0) {
		route_error(res, req, 422, REJECT_BODY, "invalid report: %s",
			    reason);
		goto out;
	}
	host = json_string_value(json_object_get(doc, "host"));
	if (strcmp(host, req->peer->name) != 0) {
		route_error(res, req, 403, REJECT_FORBIDDEN,
			    "report for host '%s' sent with the certificate of "
			    "'%s': a host may send only its own reports",
			    host, req->peer->name);
		goto out;
	}
	if (server->cfg->verbose)
		log_info("http", "received a report of host '%s'", host);

	if (req->submit) {
		req->submit(req->submit_ctx, doc, host);
		res->status = 0;
		goto out;
	}
	route_report_stored(res, req, host,
			    store_report_put(server->store, host, doc,
					     req->body, time(NULL)),
			    &start);
out:
	json_decref(doc);
}

static int admin_check(const struct route_request *req,
		       struct route_response *res)
{
	if (req->peer->role == PEER_ADMIN)
		return 0;
	route_error(res, req, 403, REJECT_FORBIDDEN,
		    "reading reports needs an administrator certificate");
	return -1;
}

static void db_error(const struct route_request *req,
		     struct route_response *res)
{
	metrics_store_error();
	route_error(res, req, 500, REJECT_COUNT, "database error, see the "
						 "server log");
}

static void host_get(struct server *server, const struct route_request *req,
		     struct route_response *res, const char *host)
{
	int found = 0;
	json_t *doc = store_host_get(server->store, host, time(NULL), &found);

	if (found < 0) {
		db_error(req, res);
		return;
	}
	if (found == 0) {
		route_error(res, req, 404, REJECT_NOT_FOUND,
			    "no report from host '%s'", host);
		return;
	}
	res->status = 200;
	res->json = doc;
}

static void history_get(struct server *server, const struct route_request *req,
			struct route_response *res, const char *host)
{
	const char *limit_text = req->query(req->query_ctx, "limit");
	unsigned long long limit = HISTORY_DEFAULT;
	json_t *list;

	if (limit_text &&
	    number_parse(limit_text, 1, HISTORY_MAX, &limit) != 0) {
		route_error(res, req, 400, REJECT_BODY,
			    "invalid limit '%s': give 1 to %d", limit_text,
			    HISTORY_MAX);
		return;
	}
	list = store_host_history(server->store, host, (unsigned)limit);
	if (!list) {
		db_error(req, res);
		return;
	}
	res->status = 200;
	res->json = json_pack("{s:s, s:o}", "host", host, "reports", list);
}

static void fleet_get(struct server *server, const struct route_request *req,
		      struct route_response *res)
{
	const char *stale_text = req->query(req->query_ctx, "stale-after");
	unsigned long long stale = server->cfg->stale_seconds;
	json_t *fleet;

	if (stale_text && number_parse(stale_text, 1, 100000000, &stale) != 0) {
		route_error(res, req, 400, REJECT_BODY,
			    "invalid stale-after '%s': give seconds", stale_text);
		return;
	}
	fleet = store_fleet(server->store, time(NULL), (unsigned)stale);
	if (!fleet) {
		db_error(req, res);
		return;
	}
	res->status = 200;
	res->json = fleet;
}

/* GET /v1/hosts/NAME and /v1/hosts/NAME/history. */
static void host_route(struct server *server, const struct route_request *req,
		       struct route_response *res)
{
	const char *rest = req->url + strlen(HOSTS_PREFIX);
	size_t len = strlen(rest);
	size_t suffix = strlen(HISTORY_SUFFIX);
	char host[REPORT_HOST_MAX + 1];
	int history = 0;

	if (len > suffix && strcmp(rest + len - suffix, HISTORY_SUFFIX) == 0) {
		len -= suffix;
		history = 1;
	}
	if (len == 0 || len > REPORT_HOST_MAX) {
		route_error(res, req, 404, REJECT_NOT_FOUND, "no such resource");
		return;
	}
	memcpy(host, rest, len);
	host[len] = '\0';
	if (!host_name_valid(host)) {
		route_error(res, req, 400, REJECT_BODY,
			    "invalid host name in '%s'", req->url);
		return;
	}
	if (history)
		history_get(server, req, res, host);
	else
		host_get(server, req, res, host);
}

static void metrics_get(struct server *server, struct route_response *res)
{
	res->status = 200;
	res->text = metrics_render(store_host_count(server->store));
	res->content_type = "text/plain; version=0.0.4";
	if (!res->text) {
		res->status = 500;
		res->json = json_pack("{s:s}", "error", "out of memory");
	}
}

void routes_dispatch(struct server *server, const struct route_request *req,
		     struct route_response *res)
{
	int is_get = strcmp(req->method, "GET") == 0;
	int is_post = strcmp(req->method, "POST") == 0;

	if (strcmp(req->url, "/healthz") == 0 && is_get) {
		res->status = 200;
		res->json = json_pack("{s:s}", "status", "ok");
		return;
	}
	/* Everything else needs a verified client certificate. */
	if (req->peer->role == PEER_NONE) {
		route_error(res, req, 401, REJECT_TLS, "%s", req->peer->reason);
		return;
	}

	if (strcmp(req->url, "/v1/reports") == 0) {
		if (!is_post)
			route_error(res, req, 405, REJECT_METHOD,
				    "use POST to send a report");
		else
			report_post(server, req, res);
		return;
	}
	if (!is_get) {
		route_error(res, req, 405, REJECT_METHOD,
			    "method '%s' is not allowed here", req->method);
		return;
	}
	if (strcmp(req->url, "/metrics") == 0) {
		metrics_get(server, res);
		return;
	}
	if (admin_check(req, res) != 0)
		return;
	if (strcmp(req->url, "/v1/hosts") == 0) {
		json_t *list = store_hosts_list(server->store, time(NULL));

		if (!list) {
			db_error(req, res);
			return;
		}
		res->status = 200;
		res->json = json_pack("{s:o}", "hosts", list);
	} else if (strcmp(req->url, "/v1/fleet") == 0) {
		fleet_get(server, req, res);
	} else if (strncmp(req->url, HOSTS_PREFIX, strlen(HOSTS_PREFIX)) == 0) {
		host_route(server, req, res);
	} else {
		route_error(res, req, 404, REJECT_NOT_FOUND,
			    "no such resource '%s'", req->url);
	}
}
