#include "dynrules.h"

#include "log.h"
#include "statefile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int dynrules_save(const struct dynrules *set, const json_t *rules)
{
	char *text = json_dumps(rules, JSON_COMPACT | JSON_SORT_KEYS);
	int ret;

	if (!text)
		return -ENOMEM;
	ret = statefile_write(set->path, text, strlen(text));
	if (ret != STATEFILE_OK) {
		ret = -errno;
		log_error("dynamic", "unable to save dynamic rules to '%s': %s",
			  set->path, strerror(errno));
	}
	free(text);
	return ret;
}

static void dynrules_set_aside(const char *path)
{
	char *aside = NULL;

	if (asprintf(&aside, "%s.rejected", path) < 0)
		return;
	if (rename(path, aside) == 0)
		log_warning("dynamic", "kept the rejected file as '%s'", aside);
	free(aside);
}

int dynrules_load(struct dynrules *set, const char *path)
{
	json_error_t jerr;
	char *text = NULL;
	size_t length;
	int ret;

	set->path = strdup(path);
	set->rules = json_array();
	if (!set->path || !set->rules)
		return -ENOMEM;

	ret = statefile_read(path, &text, &length);
	if (ret == STATEFILE_ENOENT)
		return 0;
	if (ret != STATEFILE_OK) {
		log_error("dynamic", "rejected dynamic rules file '%s': %s; "
			  "starting without dynamic rules", path,
			  statefile_strerror(ret));
		dynrules_set_aside(path);
		return 0;
	}

	json_t *rules = json_loadb(text, length, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!json_is_array(rules)) {
		log_error("dynamic", "rejected dynamic rules file '%s': %s; "
			  "starting without dynamic rules", path,
			  rules ? "not a JSON array" : jerr.text);
		json_decref(rules);
		dynrules_set_aside(path);
		return 0;
	}
	json_decref(set->rules);
	set->rules = rules;
	log_info("dynamic", "loaded %zu dynamic rules from '%s'",
		 json_array_size(rules), path);
	return 0;
}

void dynrules_free(struct dynrules *set)
{
	if (!set)
		return;
	json_decref(set->rules);
	free(set->path);
	set->rules = NULL;
	set->path = NULL;
}

int dynrules_add(struct dynrules *set, const json_t *rules)
{
	json_t *next = json_deep_copy(set->rules);
	int ret = -ENOMEM;

	if (!next || json_array_extend(next, (json_t *)rules) < 0)
		goto out;
	ret = dynrules_save(set, next);
	if (ret < 0)
		goto out;
	json_decref(set->rules);
	set->rules = next;
	next = NULL;
out:
	json_decref(next);
	return ret;
}

int dynrules_replace(struct dynrules *set, const json_t *rules)
{
	json_t *next = json_deep_copy(rules);
	int ret;

	if (!json_is_array(next)) {
		json_decref(next);
		return -ENOMEM;
	}
	ret = dynrules_save(set, next);
	if (ret < 0) {
		json_decref(next);
		return ret;
	}
	json_decref(set->rules);
	set->rules = next;
	return 0;
}

int dynrules_clear(struct dynrules *set)
{
	json_t *empty = json_array();
	size_t removed = json_array_size(set->rules);
	int ret;

	if (!empty)
		return -ENOMEM;
	ret = dynrules_replace(set, empty);
	json_decref(empty);
	return ret < 0 ? ret : (int)removed;
}
