#include "local.h"

#include "codec.h"
#include "log.h"
#include "store.h"

#include <string.h>

json_t *local_read(const struct agent_config *cfg)
{
	struct store *st = NULL;
	struct policy_doc doc;
	const char **names;
	const char *assigned = NULL;
	json_t *json = NULL;
	size_t count;
	char msg[512] = "";

	memset(&doc, 0, sizeof(doc));
	if (store_open(cfg->state_dir, &st, msg, sizeof(msg)) != 0) {
		log_error("store", "unable to read the local store in '%s': %s",
			  cfg->state_dir, msg);
		goto out;
	}
	if (store_list(st, &names, &count, &assigned) != 0) {
		log_error("store", "unable to list the local store in '%s': %s",
			  cfg->state_dir, store_message(st));
		goto out;
	}
	if (!assigned)
		goto out;
	if (store_get(st, assigned, &doc) != 0) {
		log_error("store", "unable to read local policy '%s': %s",
			  assigned, store_message(st));
		goto out;
	}
	json = codec_doc_to_json(&doc);
	log_debug("store", "local policy '%s' version %llu is assigned",
		  assigned, (unsigned long long)doc.version);
out:
	policy_doc_free(&doc);
	store_close(st);
	return json;
}
