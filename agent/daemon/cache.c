#include "cache.h"

#include "effective.h"
#include "log.h"
#include "statefile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cache_save(const char *path, const json_t *effective)
{
	char *text = json_dumps(effective, JSON_COMPACT | JSON_SORT_KEYS);
	int ret = 0;

	if (!text) {
		log_error("cache", "unable to encode the policy for '%s': "
			  "out of memory", path);
		return -ENOMEM;
	}
	if (statefile_write(path, text, strlen(text)) != STATEFILE_OK) {
		ret = -errno;
		log_error("cache", "unable to write '%s': %s", path,
			  strerror(errno));
	}
	free(text);
	return ret;
}

json_t *cache_load(const char *path)
{
	json_error_t jerr;
	json_t *effective = NULL;
	const char *why;
	char *text = NULL;
	size_t length;
	int ret;

	ret = statefile_read(path, &text, &length);
	if (ret == STATEFILE_ENOENT) {
		log_info("cache", "no cached policy in '%s'", path);
		goto out;
	}
	if (ret != STATEFILE_OK) {
		log_error("cache", "rejected cached policy '%s': %s; nothing "
			  "of it was applied", path, statefile_strerror(ret));
		goto out;
	}

	effective = json_loadb(text, length, JSON_REJECT_DUPLICATES, &jerr);
	why = effective ? effective_check(effective) : jerr.text;
	if (why) {
		log_error("cache", "rejected cached policy '%s': %s; nothing "
			  "of it was applied", path, why);
		json_decref(effective);
		effective = NULL;
	}
out:
	free(text);
	return effective;
}
