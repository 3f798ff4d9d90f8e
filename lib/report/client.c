#include "client.h"

#include "backoff.h"
#include "log.h"
#include "queue.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct report_client {
	CURL *curl;
	struct curl_slist *headers;
	struct report_queue *queue;
	char *url;
	unsigned backoff_initial_ms;
	unsigned backoff_max_ms;
	unsigned attempt;	/* failed attempts in a row */
	uint64_t next_attempt_ms;	/* monotonic time of the next try */
	unsigned random_state;
	struct report_client_stats stats;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Discard the response body because only the status matters. */
static size_t body_discard(char *data, size_t size, size_t n, void *user)
{
	(void)data;
	(void)user;
	return size * n;
}

static int curl_setup(struct report_client *client,
		      const struct report_client_config *cfg)
{
	CURL *c = client->curl;
	CURLcode rc = CURLE_OK;

	client->headers = curl_slist_append(NULL,
					    "Content-Type: application/json");
	if (!client->headers)
		return -1;
	rc |= curl_easy_setopt(c, CURLOPT_URL, client->url);
	rc |= curl_easy_setopt(c, CURLOPT_HTTPHEADER, client->headers);
	rc |= curl_easy_setopt(c, CURLOPT_SSLCERT, cfg->cert);
	rc |= curl_easy_setopt(c, CURLOPT_SSLKEY, cfg->key);
	rc |= curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca);
	/* Trust the configured CA only, not the system store. */
	rc |= curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	rc |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	rc |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	rc |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	rc |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
			       cfg->timeout_ms ? cfg->timeout_ms : 10000L);
	rc |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_discard);
	return rc == CURLE_OK ? 0 : -1;
}

struct report_client *report_client_new(const struct report_client_config *cfg,
					char *err, size_t errlen)
{
	struct report_client *client = calloc(1, sizeof(*client));
	size_t url_len;

	if (!client) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (!cfg->url || !cfg->cert || !cfg->key || !cfg->ca ||
	    !cfg->queue_dir) {
		snprintf(err, errlen,
			 "missing report setting: give the server URL, client "
			 "certificate, key, CA and queue directory");
		goto fail;
	}
	url_len = strlen(cfg->url) + sizeof(REPORT_CLIENT_PATH);
	client->url = malloc(url_len);
	if (!client->url) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* A trailing slash on the base URL would give "//v1/reports". */
	snprintf(client->url, url_len, "%.*s%s",
		 (int)(strlen(cfg->url) -
		       (cfg->url[0] && cfg->url[strlen(cfg->url) - 1] == '/')),
		 cfg->url, REPORT_CLIENT_PATH);

	client->queue = report_queue_open(cfg->queue_dir,
					  cfg->queue_max ? cfg->queue_max : 1000,
					  err, errlen);
	if (!client->queue)
		goto fail;
	client->curl = curl_easy_init();
	if (!client->curl || curl_setup(client, cfg) != 0) {
		snprintf(err, errlen, "unable to set up libcurl for '%s'",
			 client->url);
		goto fail;
	}
	client->backoff_initial_ms = cfg->backoff_initial_ms
					     ? cfg->backoff_initial_ms
					     : 1000;
	client->backoff_max_ms = cfg->backoff_max_ms ? cfg->backoff_max_ms
						     : 300000;
	client->random_state = (unsigned)now_ms() ^ (unsigned)getpid();
	return client;
fail:
	report_client_free(client);
	return NULL;
}

void report_client_free(struct report_client *client)
{
	if (!client)
		return;
	if (client->curl)
		curl_easy_cleanup(client->curl);
	curl_slist_free_all(client->headers);
	report_queue_free(client->queue);
	free(client->url);
	free(client);
}

int report_client_enqueue(struct report_client *client, json_t *report)
{
	char *body = NULL;
	int ret = -1;

	/* Reports dropped at the bound so far; the server sees the loss in
	 * the next report that arrives. */
	json_object_set_new(report, "queue",
			    json_pack("{s:I}", "dropped",
				      (json_int_t)report_queue_dropped(
					      client->queue)));
	body = json_dumps(report, JSON_COMPACT);
	if (!body) {
		errno = ENOMEM;
		goto out;
	}
	ret = report_queue_push(client->queue, body, strlen(body));
out:
	free(body);
	return ret;
}

enum send_outcome { SEND_OK, SEND_REJECTED, SEND_RETRY };

static enum send_outcome report_post(struct report_client *client,
				     const char *body, size_t len)
{
	long status = 0;
	CURLcode rc;

	curl_easy_setopt(client->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(client->curl, CURLOPT_POSTFIELDSIZE_LARGE,
			 (curl_off_t)len);
	rc = curl_easy_perform(client->curl);
	if (rc != CURLE_OK) {
		log_warning("report", "unable to send a report to '%s': %s",
			    client->url, curl_easy_strerror(rc));
		client->stats.last_status = 0;
		return SEND_RETRY;
	}
	curl_easy_getinfo(client->curl, CURLINFO_RESPONSE_CODE, &status);
	client->stats.last_status = status;
	if (status >= 200 && status < 300)
		return SEND_OK;
	if (status >= 400 && status < 500 && status != 408 && status != 429) {
		log_error("report", "server '%s' rejected a report with status %ld",
			  client->url, status);
		return SEND_REJECTED;
	}
	log_warning("report", "server '%s' returned status %ld, retrying later",
		    client->url, status);
	return SEND_RETRY;
}

static void backoff_schedule(struct report_client *client)
{
	double random_value = (double)rand_r(&client->random_state) /
			      ((double)RAND_MAX + 1.0);
	unsigned delay = backoff_delay_ms(client->attempt,
					  client->backoff_initial_ms,
					  client->backoff_max_ms, random_value);

	client->attempt++;
	client->stats.failures++;
	client->next_attempt_ms = now_ms() + delay;
	log_info("report", "retrying in %u ms (attempt %u), %zu reports queued",
		 delay, client->attempt, report_queue_count(client->queue));
}

long report_client_flush(struct report_client *client, unsigned budget_ms)
{
	uint64_t deadline = now_ms() + budget_ms;

	for (;;) {
		char *body = NULL;
		size_t len = 0;
		uint64_t seq = 0;
		uint64_t now = now_ms();
		enum send_outcome outcome;
		int found;

		if (report_queue_count(client->queue) == 0)
			break;
		if (client->next_attempt_ms > now) {
			if (client->next_attempt_ms > deadline)
				break;
			sleep_ms(client->next_attempt_ms - now);
		}

		found = report_queue_peek(client->queue, &body, &len, &seq);
		if (found < 0) {
			log_error("report", "unable to read the report queue: %s",
				  strerror(errno));
			return -1;
		}
		outcome = report_post(client, body, len);
		free(body);

		if (outcome == SEND_RETRY) {
			backoff_schedule(client);
			continue;
		}
		client->attempt = 0;
		client->next_attempt_ms = 0;
		if (outcome == SEND_OK)
			client->stats.sent++;
		else
			client->stats.rejected++;
		if (report_queue_remove(client->queue, seq) != 0) {
			log_error("report", "unable to delete sent report %llu: %s",
				  (unsigned long long)seq, strerror(errno));
			return -1;
		}
	}
	return (long)report_queue_count(client->queue);
}

void report_client_get_stats(const struct report_client *client,
			     struct report_client_stats *stats)
{
	*stats = client->stats;
	stats->queued = report_queue_count(client->queue);
	stats->dropped = report_queue_dropped(client->queue);
}
