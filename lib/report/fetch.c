#include "fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest response read, in bytes: a list of 100,000 hosts fits. */
#define FETCH_MAX_BODY (64u << 20)

struct buffer {
	char *data;
	size_t len;
};

static size_t buffer_append(char *data, size_t size, size_t n, void *user)
{
	struct buffer *buf = user;
	size_t add = size * n;
	char *grown;

	if (buf->len + add > FETCH_MAX_BODY)
		return 0;
	grown = realloc(buf->data, buf->len + add + 1);
	if (!grown)
		return 0;
	memcpy(grown + buf->len, data, add);
	buf->data = grown;
	buf->len += add;
	buf->data[buf->len] = '\0';
	return add;
}

long report_fetch(const struct report_fetch_config *cfg, const char *path,
		  json_t **out, char *err, size_t errlen)
{
	struct buffer buf = { 0 };
	CURL *curl = curl_easy_init();
	char url[2048];
	json_t *doc = NULL;
	long status = -1;
	CURLcode rc;

	*out = NULL;
	if (!curl) {
		snprintf(err, errlen, "unable to set up libcurl");
		return -1;
	}
	if ((size_t)snprintf(url, sizeof(url), "%s%s", cfg->url, path) >=
	    sizeof(url)) {
		snprintf(err, errlen, "server URL '%s' is too long", cfg->url);
		goto out;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_SSLCERT, cfg->cert);
	curl_easy_setopt(curl, CURLOPT_SSLKEY, cfg->key);
	curl_easy_setopt(curl, CURLOPT_CAINFO, cfg->ca);
	curl_easy_setopt(curl, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
			 cfg->timeout_ms ? cfg->timeout_ms : 10000L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, buffer_append);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &buf);

	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "unable to reach server '%s': %s", cfg->url,
			 curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	doc = buf.data ? json_loadb(buf.data, buf.len, 0, NULL) : NULL;
	if (!doc) {
		snprintf(err, errlen, "server '%s' returned status %ld without JSON",
			 cfg->url, status);
		status = -1;
		goto out;
	}
	if (status < 200 || status >= 300) {
		const char *text = json_string_value(json_object_get(doc, "error"));

		snprintf(err, errlen, "server '%s' returned status %ld: %s", cfg->url,
			 status, text ? text : "no reason given");
		json_decref(doc);
		goto out;
	}
	*out = doc;
out:
	curl_easy_cleanup(curl);
	free(buf.data);
	return status;
}
