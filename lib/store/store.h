/*
 * The local policy store (-w reg): one JSON file, DIR/store.json, holding
 * every local policy and the name of the assigned one:
 *
 *   { "format": "ipseccmd-store", "format_version": 1,
 *     "assigned": "Me to Anyone" or null,
 *     "policies": [ policy documents as in policy_json.h ] }
 *
 * DIR is --store-dir, else $IPSECCMD_STORE_DIR, else /var/lib/ipseccmd.
 * A store is opened under an exclusive flock on DIR/store.lock, changed in
 * memory, and written back atomically (temporary file, fsync, rename,
 * fsync of DIR) with mode 0600, so a command changes everything it should
 * or nothing. Only one local policy is assigned at a time.
 *
 * Functions return 0, or -1 with one line in the store's message.
 */
#ifndef IPSECCMD_STORE_H
#define IPSECCMD_STORE_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>

#define STORE_DEFAULT_DIR "/var/lib/ipseccmd"

struct store;

/* DIR from the option, the environment, or the default; never NULL. */
const char *store_dir_choose(const char *option);

/* Lock and read the store in dir, creating dir (mode 0700) and an empty
 * store when missing. On failure *out is NULL and msg holds the reason. */
int store_open(const char *dir, struct store **out, char *msg,
	       size_t msg_size);

/* Write the store back if it changed, atomically. */
int store_commit(struct store *st);

/* Unlock and free without writing; NULL is a no-op. */
void store_close(struct store *st);

/* The message of the last failure. */
const char *store_message(const struct store *st);

/*
 * Apply a static-mode command (-w reg) with the reference's semantics:
 * -p creates or reuses the policy, -r adds a rule or replaces only the
 * parts the line gave (cmd->parts), -o deletes the policy or the named
 * rules, -x assigns it (unassigning any other), -y unassigns it. Every
 * change steps the policy's version. Nothing is written until
 * store_commit.
 */
int store_apply(struct store *st, const struct command *cmd);

/* Names of the stored policies, sorted; the array is the store's and
 * valid until the next change. *assigned is NULL when none is. */
int store_list(struct store *st, const char ***names, size_t *count,
	       const char **assigned);

/* A copy of one policy in *out (free with policy_doc_free). */
int store_get(struct store *st, const char *name, struct policy_doc *out);

/* Replace or create a whole policy (import); the version becomes
 * max(old + 1, doc->version). */
int store_put(struct store *st, const struct policy_doc *doc);

/*
 * Merge a static-mode command into a policy document in memory: the part
 * that both stores share. Creates no policy and deletes none; handles -r
 * with rule parts (add or partial replace) and -o -r (rule deletion), and
 * steps doc->version. Returns 0, or -1 with a message in msg.
 */
int store_merge_command(struct policy_doc *doc, const struct command *cmd,
			 char *msg, size_t msg_size);

#endif
