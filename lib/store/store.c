/*
 * The local store file: locking, reading, atomic writing, and the
 * static-mode commands on it.
 */
#include "store.h"
#include "grammar.h"
#include "policy_json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_FORMAT "ipseccmd-store"
#define STORE_FORMAT_VERSION 1

struct store {
	char *dir;
	int lock_fd;
	struct policy_doc *docs;
	size_t count;
	char *assigned;		/* name of the assigned policy, or NULL */
	const char **names;	/* for store_list */
	bool changed;
	char message[512];
};

static int store_fail(struct store *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int store_fail(struct store *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->message, sizeof(st->message), fmt, ap);
	va_end(ap);
	return -1;
}

const char *store_dir_choose(const char *option)
{
	const char *env = getenv("IPSECCMD_STORE_DIR");

	if (option && *option)
		return option;
	if (env && *env)
		return env;
	return STORE_DEFAULT_DIR;
}

const char *store_message(const struct store *st)
{
	return st ? st->message : "";
}

static char *path_join(const char *dir, const char *name)
{
	size_t size = strlen(dir) + strlen(name) + 2;
	char *path = malloc(size);

	if (path)
		snprintf(path, size, "%s/%s", dir, name);
	return path;
}

static int store_parse(struct store *st, json_t *root, const char *path)
{
	json_t *policies, *assigned, *item;
	json_t *format = json_object_get(root, "format");
	json_t *version = json_object_get(root, "format_version");
	size_t i;
	char err[256];

	if (!json_is_string(format) ||
	    strcmp(json_string_value(format), STORE_FORMAT) != 0 ||
	    !json_is_integer(version) ||
	    json_integer_value(version) != STORE_FORMAT_VERSION)
		return store_fail(st, "'%s' is not an ipseccmd store of format version %d",
				  path, STORE_FORMAT_VERSION);
	policies = json_object_get(root, "policies");
	assigned = json_object_get(root, "assigned");
	if (!json_is_array(policies) || (assigned && !json_is_null(assigned) &&
					 !json_is_string(assigned)))
		return store_fail(st, "'%s': 'policies' must be an array and 'assigned' a string or null",
				  path);
	st->docs = calloc(json_array_size(policies) + 1, sizeof(*st->docs));
	if (!st->docs)
		return store_fail(st, "out of memory reading '%s'", path);
	json_array_foreach(policies, i, item) {
		if (policy_doc_from_json(item, &st->docs[i], err, sizeof(err)) != 0)
			return store_fail(st, "'%s': policies[%zu]: %s", path, i, err);
		st->count = i + 1;
	}
	if (json_is_string(assigned)) {
		st->assigned = strdup(json_string_value(assigned));
		if (!st->assigned)
			return store_fail(st, "out of memory reading '%s'", path);
	}
	return 0;
}

static int store_read(struct store *st)
{
	char *path = path_join(st->dir, "store.json");
	json_error_t jerr;
	json_t *root = NULL;
	int ret = -1;

	if (!path)
		return store_fail(st, "out of memory");
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		ret = 0;
		goto out;
	}
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		store_fail(st, "cannot read '%s': line %d: %s", path, jerr.line,
			   jerr.text);
		goto out;
	}
	ret = store_parse(st, root, path);
out:
	json_decref(root);
	free(path);
	return ret;
}

int store_open(const char *dir, struct store **out, char *msg,
	       size_t msg_size)
{
	struct store *st = calloc(1, sizeof(*st));
	char *lock = NULL;

	*out = NULL;
	if (!st) {
		snprintf(msg, msg_size, "out of memory");
		return -1;
	}
	st->lock_fd = -1;
	st->dir = strdup(dir);
	lock = st->dir ? path_join(dir, "store.lock") : NULL;
	if (!lock) {
		store_fail(st, "out of memory");
		goto fail;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		store_fail(st, "cannot create store folder '%s': %s; choose another with --store-dir=DIR",
			   dir, strerror(errno));
		goto fail;
	}
	st->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (st->lock_fd < 0) {
		store_fail(st, "cannot open '%s': %s", lock, strerror(errno));
		goto fail;
	}
	if (flock(st->lock_fd, LOCK_EX) != 0) {
		store_fail(st, "cannot lock '%s': %s", lock, strerror(errno));
		goto fail;
	}
	if (store_read(st) != 0)
		goto fail;
	free(lock);
	*out = st;
	return 0;
fail:
	snprintf(msg, msg_size, "%s", st->message);
	free(lock);
	store_close(st);
	return -1;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->count; i++)
		policy_doc_free(&st->docs[i]);
	free(st->docs);
	free(st->assigned);
	free(st->names);
	if (st->lock_fd >= 0)
		close(st->lock_fd);	/* releases the flock */
	free(st->dir);
	free(st);
}

static json_t *store_to_json(const struct store *st)
{
	json_t *root = json_object();
	json_t *policies = json_array();
	bool ok = root && policies;

	for (size_t i = 0; ok && i < st->count; i++)
		ok = json_array_append_new(policies,
			policy_doc_to_json(&st->docs[i], PRINT_SECRETS)) == 0;
	ok = ok && json_object_set_new(root, "format", json_string(STORE_FORMAT)) == 0 &&
	     json_object_set_new(root, "format_version",
				 json_integer(STORE_FORMAT_VERSION)) == 0 &&
	     json_object_set_new(root, "assigned", st->assigned ?
				 json_string(st->assigned) : json_null()) == 0 &&
	     json_object_set(root, "policies", policies) == 0;
	json_decref(policies);
	if (!ok) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* Write to a temporary file in the same folder, fsync, rename over the
 * store, fsync the folder: a crash leaves the old or the new store. */
int store_commit(struct store *st)
{
	char *tmp = path_join(st->dir, ".store.json.XXXXXX");
	char *path = path_join(st->dir, "store.json");
	json_t *root = NULL;
	FILE *f = NULL;
	int fd = -1, dirfd = -1;
	int ret = -1;

	if (!st->changed) {
		ret = 0;
		goto out;
	}
	root = store_to_json(st);
	if (!tmp || !path || !root) {
		store_fail(st, "out of memory writing the store");
		goto out;
	}
	fd = mkstemp(tmp);	/* mode 0600 */
	if (fd < 0) {
		store_fail(st, "cannot create a file in '%s': %s", st->dir,
			   strerror(errno));
		goto out;
	}
	f = fdopen(fd, "w");
	if (!f || json_dumpf(root, f, JSON_INDENT(2) | JSON_SORT_KEYS) != 0 ||
	    fputc('\n', f) == EOF || fflush(f) != 0 || fsync(fd) != 0) {
		store_fail(st, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (rename(tmp, path) != 0) {
		store_fail(st, "cannot replace '%s': %s", path, strerror(errno));
		goto out;
	}
	dirfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 || fsync(dirfd) != 0) {
		store_fail(st, "cannot sync folder '%s': %s", st->dir,
			   strerror(errno));
		goto out;
	}
	st->changed = false;
	ret = 0;
out:
	if (f)
		fclose(f);
	else if (fd >= 0)
		close(fd);
	if (ret != 0 && tmp && fd >= 0)
		unlink(tmp);
	if (dirfd >= 0)
		close(dirfd);
	json_decref(root);
	free(tmp);
	free(path);
	return ret;
}

static struct policy_doc *doc_find(struct store *st, const char *name)
{
	for (size_t i = 0; i < st->count; i++)
		if (strcmp(st->docs[i].name, name) == 0)
			return &st->docs[i];
	return NULL;
}

static struct policy_doc *doc_create(struct store *st, const char *name,
				     uint32_t poll)
{
	struct policy_doc *grown = realloc(st->docs,
					   (st->count + 1) * sizeof(*grown));
	struct policy_doc *doc;

	if (!grown)
		return NULL;
	st->docs = grown;
	doc = &grown[st->count];
	memset(doc, 0, sizeof(*doc));
	doc->name = strdup(name);
	if (!doc->name)
		return NULL;
	doc->poll_minutes = poll;
	st->count++;
	return doc;
}

static void doc_remove(struct store *st, struct policy_doc *doc)
{
	size_t i = (size_t)(doc - st->docs);

	if (st->assigned && strcmp(st->assigned, doc->name) == 0) {
		free(st->assigned);
		st->assigned = NULL;
	}
	policy_doc_free(doc);
	memmove(&st->docs[i], &st->docs[i + 1],
		(st->count - i - 1) * sizeof(*st->docs));
	st->count--;
}

static int assign_apply(struct store *st, const struct command *cmd)
{
	const char *name = cmd->target.policy;

	if (cmd->target.assign == ASSIGN_SET) {
		char *copy = strdup(name);

		if (!copy)
			return store_fail(st, "out of memory");
		free(st->assigned);
		st->assigned = copy;
	} else if (cmd->target.assign == ASSIGN_UNSET && st->assigned &&
		   strcmp(st->assigned, name) == 0) {
		free(st->assigned);
		st->assigned = NULL;
	}
	return 0;
}

int store_apply(struct store *st, const struct command *cmd)
{
	const struct static_target *t = &cmd->target;
	struct policy_doc *doc;

	if (cmd->mode != MODE_STATIC || !t->policy)
		return store_fail(st, "static mode needs -w reg and -p PolicyName");
	doc = doc_find(st, t->policy);
	st->changed = true;
	if (t->delete && t->rule_count == 0) {
		if (!doc)
			return store_fail(st, "policy '%s' not found", t->policy);
		doc_remove(st, doc);
		return 0;
	}
	if (!doc && t->delete)
		return store_fail(st, "policy '%s' not found", t->policy);
	if (!doc) {
		doc = doc_create(st, t->policy, t->poll_minutes);
		if (!doc)
			return store_fail(st, "out of memory");
	}
	if (store_merge_command(doc, cmd, st->message,
				 sizeof(st->message)) != 0)
		return -1;
	return assign_apply(st, cmd);
}

static int name_compare(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int store_list(struct store *st, const char ***names, size_t *count,
	       const char **assigned)
{
	const char **list = calloc(st->count + 1, sizeof(*list));

	if (!list)
		return store_fail(st, "out of memory");
	for (size_t i = 0; i < st->count; i++)
		list[i] = st->docs[i].name;
	qsort(list, st->count, sizeof(*list), name_compare);
	free(st->names);
	st->names = list;
	*names = list;
	*count = st->count;
	*assigned = st->assigned;
	return 0;
}

/* Deep copy of a policy document through the JSON codec. */
static int doc_copy(struct store *st, struct policy_doc *dst,
		    const struct policy_doc *src)
{
	char err[256];
	json_t *json = policy_doc_to_json(src, PRINT_SECRETS);
	int rc = json ? policy_doc_from_json(json, dst, err, sizeof(err)) : -1;

	json_decref(json);
	if (rc != 0)
		return store_fail(st, "cannot copy policy '%s': %s", src->name,
				  json ? err : "out of memory");
	return 0;
}

int store_get(struct store *st, const char *name, struct policy_doc *out)
{
	struct policy_doc *doc = doc_find(st, name);

	memset(out, 0, sizeof(*out));
	if (!doc)
		return store_fail(st, "policy '%s' not found", name);
	return doc_copy(st, out, doc);
}

int store_put(struct store *st, const struct policy_doc *doc)
{
	struct policy_doc *old = doc_find(st, doc->name);
	struct policy_doc copy;
	uint64_t version = doc->version;

	if (doc_copy(st, &copy, doc) != 0)
		return -1;
	if (old) {
		if (old->version + 1 > version)
			version = old->version + 1;
		policy_doc_free(old);
		*old = copy;
	} else {
		struct policy_doc *slot = doc_create(st, doc->name, 0);

		if (!slot) {
			policy_doc_free(&copy);
			return store_fail(st, "out of memory");
		}
		policy_doc_free(slot);
		*slot = copy;
		old = slot;
	}
	if (version == 0)
		version = 1;
	old->version = version;
	st->changed = true;
	return 0;
}
