/*
 * The agent's state and main loop: poll the directory, compose the
 * effective policy, apply it with a rollback check, keep the cache, and
 * serve the control socket and signals in between.
 */
#ifndef IPSECCMD_AGENT_AGENT_H
#define IPSECCMD_AGENT_AGENT_H

#include "config.h"
#include "dynrules.h"
#include "reporter.h"
#include "source.h"
#include "sync.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Build a fresh configuration (defaults, file, command line); used at start
 * and again on SIGHUP. Returns 0 or -errno. */
typedef int agent_config_builder(struct agent_config *cfg, void *ctx);

struct agent {
	struct agent_config cfg;
	agent_config_builder *build_config;
	void *build_ctx;

	struct source *src;
	struct reporter *reporter;	/* NULL without report_url */
	struct sync_watch *watch;	/* NULL unless sync is on and running */
	struct addrwatch *addr_watch;	/* NULL if netlink refused */
	double reapply_at;	/* CLOCK_MONOTONIC seconds; 0: none due */
	struct dynrules dyn;
	json_t *local_store;	/* local policy assigned in the store */
	json_t *local_entry;	/* local policy assigned in the host entry */
	json_t *host_dynamic;	/* dynamic rules from the host entry */
	json_t *assigned;	/* assigned policy document, or NULL */
	char *assigned_dn;
	char *assigned_from;
	uint64_t assigned_version;
	json_t *applied;	/* effective policy now in the kernel */
	json_t *rejected;	/* rolled back; not applied again unchanged */
	char *cache_path;

	int signal_fd;
	int control_fd;
	double next_poll;	/* CLOCK_MONOTONIC seconds */
	uint32_t retry_delay;	/* seconds; 0 while the directory answers */
	bool assignment_due;	/* read the assignment, not only the version */
	uint64_t polls;
	time_t last_poll;	/* wall clock of the last successful poll */
	bool stop;
};

/* Load the configuration, persisted state and cache, apply the cache,
 * open the control socket and signals. Returns 0 or -errno, logged. */
int agent_start(struct agent *agent, agent_config_builder *build, void *ctx);

/* Run until SIGTERM or SIGINT. Returns 0, or -errno on a fatal error. */
int agent_run(struct agent *agent);

/* Release everything; the applied policy stays in the kernel. */
void agent_free(struct agent *agent);

/*
 * Poll the directory once: version read, or the full reads when the
 * assignment is due or the version changed, then apply what changed.
 * Returns 0 when the directory responded, -ECONNREFUSED when the change it
 * brought was rolled back, another -errno when the directory was
 * unreachable.
 */
int agent_poll(struct agent *agent);

/*
 * Compose the effective policy from the agent's inputs and apply it if it
 * differs from what is applied. `check_reachable` runs the rollback check
 * after the apply. Returns 0 when the policy is applied, unchanged, or
 * was rolled back on an earlier call. Returns -ECONNREFUSED when this call
 * rolled it back, and another -errno when it could not be applied.
 */
int agent_update(struct agent *agent, bool check_reachable);

/* The agent's state as JSON for the status request; new reference. */
json_t *agent_status(const struct agent *agent);

/* Seconds on CLOCK_MONOTONIC. */
double agent_now(void);

#endif
