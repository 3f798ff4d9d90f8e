#include "http.h"

#include "log.h"
#include "routes.h"
#include "util.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Per-connection state: the peer is verified once per TLS session. */
struct conn_state {
	bool checked;
	struct peer peer;
	char address[INET6_ADDRSTRLEN + 8];
};

/* Per-request state: the collected body and, once submitted, the
 * report waiting for its commit on a suspended connection. */
struct request_state {
	char *body;
	size_t len;
	size_t cap;
	bool too_large;
	struct timespec start;
	struct server *server;
	struct MHD_Connection *conn;
	json_t *doc;		/* submitted report; NULL before */
	struct store_put put;
};

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t len;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	len = strlen(line);
	while (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	log_warning("http", "%s", line);
}

static void address_text(struct MHD_Connection *conn, char *buf, size_t size)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = info ? info->client_addr : NULL;

	snprintf(buf, size, "unknown");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET,
			  &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			  buf, (socklen_t)size);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)(const void *)sa)
				   ->sin6_addr,
			  buf, (socklen_t)size);
}

static void connection_notify(void *cls, struct MHD_Connection *conn,
			      void **socket_context,
			      enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		struct conn_state *state = calloc(1, sizeof(*state));

		if (state)
			address_text(conn, state->address,
				     sizeof(state->address));
		*socket_context = state;
	} else {
		free(*socket_context);
		*socket_context = NULL;
	}
}

static void request_completed(void *cls, struct MHD_Connection *conn,
			      void **req_cls,
			      enum MHD_RequestTerminationCode toe)
{
	struct request_state *state = *req_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (state) {
		json_decref(state->doc);
		free(state->body);
		free(state);
	}
	*req_cls = NULL;
}

static struct conn_state *conn_state_get(struct server *server,
					 struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn_state *state = info ? info->socket_context : NULL;

	if (!state || state->checked)
		return state;
	info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (info && info->tls_session)
		peer_identify(server->verifier, info->tls_session, &state->peer);
	else
		snprintf(state->peer.reason, sizeof(state->peer.reason),
			 "no TLS session");
	state->checked = true;
	return state;
}

static int body_append(struct request_state *state, const char *data,
		       size_t len, size_t max)
{
	if (state->too_large || state->len + len > max) {
		state->too_large = true;
		return 0;
	}
	if (state->len + len + 1 > state->cap) {
		size_t cap = state->cap ? state->cap : 4096;
		char *body;

		while (cap < state->len + len + 1)
			cap *= 2;
		body = realloc(state->body, cap);
		if (!body)
			return -1;
		state->body = body;
		state->cap = cap;
	}
	memcpy(state->body + state->len, data, len);
	state->len += len;
	state->body[state->len] = '\0';
	return 0;
}

static enum MHD_Result response_send(struct MHD_Connection *conn,
				     struct route_response *res)
{
	struct MHD_Response *response;
	char *text = res->text;
	enum MHD_Result ret;

	if (!text && res->json)
		text = json_dumps(res->json, JSON_COMPACT);
	json_decref(res->json);
	res->json = NULL;
	if (!text)
		return MHD_NO;
	response = MHD_create_response_from_buffer(strlen(text), text,
						   MHD_RESPMEM_MUST_FREE);
	if (!response) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
				res->content_type ? res->content_type
						  : "application/json");
	ret = MHD_queue_response(conn, res->status, response);
	MHD_destroy_response(response);
	metrics_request(res->status);
	return ret;
}

static const char *query_lookup(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* Runs on the store's writer thread once the report is committed. */
static void report_committed(struct store_put *put)
{
	struct request_state *state = (struct request_state *)(void *)(
		(char *)put - offsetof(struct request_state, put));

	MHD_resume_connection(state->conn);
}

/* Suspend the connection until the writer thread commits the report; the
 * access handler runs again after MHD_resume_connection(). */
static void report_submit(void *ctx, json_t *doc, const char *host)
{
	struct request_state *state = ctx;

	state->doc = json_incref(doc);
	state->put.host = host;
	state->put.doc = doc;
	state->put.body = state->body;
	state->put.received = time(NULL);
	state->put.on_done = report_committed;
	MHD_suspend_connection(state->conn);
	store_report_submit(state->server->store, &state->put);
}

static enum MHD_Result request_handle(void *cls, struct MHD_Connection *conn,
				      const char *url, const char *method,
				      const char *version,
				      const char *upload_data,
				      size_t *upload_data_size, void **req_cls)
{
	struct server *server = cls;
	struct request_state *state = *req_cls;
	struct conn_state *cstate = conn_state_get(server, conn);
	struct route_response res = { 0 };
	struct route_request req = {
		.method = method,
		.url = url,
		.query = query_lookup,
		.query_ctx = conn,
	};

	(void)version;
	if (!cstate)
		return MHD_NO;
	req.peer = &cstate->peer;
	req.client = cstate->peer.name[0] ? cstate->peer.name : cstate->address;

	if (!state) {
		const char *length = MHD_lookup_connection_value(
			conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		unsigned long long declared;

		state = calloc(1, sizeof(*state));
		if (!state)
			return MHD_NO;
		*req_cls = state;
		clock_gettime(CLOCK_MONOTONIC, &state->start);
		state->server = server;
		state->conn = conn;
		/*
		 * A body a little over the limit is read and dropped, so the
		 * client sees the 413 instead of a connection reset. A far
		 * larger declared body is rejected before reading it.
		 */
		if (length && number_parse(length, 0, ~0ULL, &declared) == 0 &&
		    declared / 4 > server->cfg->max_body) {
			route_error(&res, &req, MHD_HTTP_CONTENT_TOO_LARGE,
				    REJECT_TOO_LARGE,
				    "request body of %llu bytes is over the "
				    "limit of %zu bytes",
				    declared, server->cfg->max_body);
			return response_send(conn, &res);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (body_append(state, upload_data, *upload_data_size,
				server->cfg->max_body) != 0)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}

	if (state->doc) {
		route_report_stored(&res, &req, state->put.host,
				    state->put.result, &state->start);
		return response_send(conn, &res);
	}
	if (state->too_large) {
		route_error(&res, &req, MHD_HTTP_CONTENT_TOO_LARGE,
			    REJECT_TOO_LARGE,
			    "request body is over the limit of %zu bytes",
			    server->cfg->max_body);
		return response_send(conn, &res);
	}
	req.body = state->body ? state->body : "";
	req.body_len = state->len;
	req.submit = report_submit;
	req.submit_ctx = state;
	routes_dispatch(server, &req, &res);
	if (res.status == 0)
		return MHD_YES;
	return response_send(conn, &res);
}

static int listen_address_parse(const struct server_config *cfg,
				struct sockaddr_storage *addr, char *err,
				size_t errlen)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)(void *)addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)addr;

	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, cfg->listen, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)cfg->port);
		return 0;
	}
	if (inet_pton(AF_INET6, cfg->listen, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)cfg->port);
		return 0;
	}
	snprintf(err, errlen,
		 "invalid listen address '%s': give an IPv4 or IPv6 address",
		 cfg->listen);
	return -1;
}

static int tls_material_load(struct server *server, char *err, size_t errlen)
{
	const struct server_config *cfg = server->cfg;
	char *admin = NULL;
	size_t client_len = 0, admin_len = 0;

	server->cert_pem = file_read_all(cfg->cert, 0, NULL, err, errlen);
	if (!server->cert_pem)
		return -1;
	server->key_pem = file_read_all(cfg->key, 1, NULL, err, errlen);
	if (!server->key_pem)
		return -1;
	server->trust_pem = file_read_all(cfg->client_ca, 0, &client_len, err,
					  errlen);
	if (!server->trust_pem)
		return -1;
	if (!cfg->admin_ca)
		return 0;

	/* Both CAs go into the request for a client certificate. */
	admin = file_read_all(cfg->admin_ca, 0, &admin_len, err, errlen);
	if (!admin)
		return -1;
	char *both = realloc(server->trust_pem, client_len + admin_len + 2);

	if (!both) {
		free(admin);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	both[client_len] = '\n';
	memcpy(both + client_len + 1, admin, admin_len + 1);
	server->trust_pem = both;
	free(admin);
	return 0;
}

int server_start(struct server *server, char *err, size_t errlen)
{
	const struct server_config *cfg = server->cfg;
	struct sockaddr_storage addr;
	unsigned flags = MHD_USE_TLS | MHD_USE_EPOLL_INTERNAL_THREAD |
			 MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;

	if (listen_address_parse(cfg, &addr, err, errlen) != 0 ||
	    tls_material_load(server, err, errlen) != 0)
		return -1;
	server->verifier = peer_verifier_new(cfg, err, errlen);
	if (!server->verifier)
		return -1;
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;

	if (store_writer_start(server->store) != 0) {
		snprintf(err, errlen, "unable to start the database writer");
		return -1;
	}
	server->daemon = MHD_start_daemon(
		flags, (uint16_t)cfg->port, NULL, NULL, request_handle, server,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, server,
		MHD_OPTION_SOCK_ADDR, &addr,
		MHD_OPTION_HTTPS_MEM_CERT, server->cert_pem,
		MHD_OPTION_HTTPS_MEM_KEY, server->key_pem,
		/* Makes the server request a client certificate; MHD 0.9.75
		 * does not enforce it, conn_state_get() does. */
		MHD_OPTION_HTTPS_MEM_TRUST, server->trust_pem,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)cfg->max_per_address,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->idle_timeout,
		MHD_OPTION_NOTIFY_COMPLETED, request_completed, server,
		MHD_OPTION_NOTIFY_CONNECTION, connection_notify, server,
		MHD_OPTION_END);
	if (!server->daemon) {
		snprintf(err, errlen,
			 "unable to listen on '%s' port %u (see the http "
			 "messages above)",
			 cfg->listen, cfg->port);
		return -1;
	}
	return 0;
}

unsigned server_port(const struct server *server)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(
		server->daemon, MHD_DAEMON_INFO_BIND_PORT);

	return info ? info->port : 0;
}

void server_stop(struct server *server)
{
	/* Stop accepting, let the writer commit and resume every suspended
	 * connection, then finish the requests still running. */
	if (server->daemon) {
		MHD_socket listener = MHD_quiesce_daemon(server->daemon);

		/* The listening socket is ours to close after quiescing. */
		if (listener != MHD_INVALID_SOCKET)
			close(listener);
	}
	store_writer_stop(server->store);
	if (server->daemon)
		MHD_stop_daemon(server->daemon);
	server->daemon = NULL;
	peer_verifier_free(server->verifier);
	server->verifier = NULL;
	if (server->key_pem)
		explicit_bzero(server->key_pem, strlen(server->key_pem));
	free(server->key_pem);
	free(server->cert_pem);
	free(server->trust_pem);
	server->key_pem = server->cert_pem = server->trust_pem = NULL;
}
