#include "agent.h"

#include "effective.h"
#include "keying.h"
#include "local.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define SECONDS_PER_MINUTE 60
#define DEFAULT_POLL_SECONDS (180 * SECONDS_PER_MINUTE)

/* The poll interval: the configured override, else the assigned policy's
 * PollInterval, else the Active Directory default of 180 minutes. */
static double poll_interval(const struct agent *agent)
{
	json_int_t minutes;

	if (agent->cfg.poll_seconds > 0)
		return agent->cfg.poll_seconds;
	minutes = json_integer_value(json_object_get(agent->assigned,
						     "poll_minutes"));
	if (minutes > 0)
		return (double)minutes * SECONDS_PER_MINUTE;
	return DEFAULT_POLL_SECONDS;
}

/* A factor in [1 - pct/100, 1 + pct/100], so hosts assigned the same
 * policy spread their polls instead of reading the directory at once. */
static double jitter_factor(uint32_t percent)
{
	uint32_t r = 0;

	if (percent == 0)
		return 1.0;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (uint32_t)rand();
	return 1.0 + ((double)r / UINT32_MAX * 2.0 - 1.0) * percent / 100.0;
}

static void schedule_next(struct agent *agent)
{
	double interval = poll_interval(agent);

	agent->next_poll = agent_now() +
			   interval * jitter_factor(agent->cfg.poll_jitter_percent);
	log_debug("poll", "next poll in %.0f s", agent->next_poll - agent_now());
}

static void schedule_retry(struct agent *agent)
{
	uint32_t delay = agent->retry_delay ? agent->retry_delay * 2
					    : agent->cfg.retry_min_seconds;

	if (delay > agent->cfg.retry_max_seconds)
		delay = agent->cfg.retry_max_seconds;
	agent->retry_delay = delay;
	agent->next_poll = agent_now() + delay * jitter_factor(
				agent->cfg.poll_jitter_percent);
	log_warning("poll", "directory '%s' not available; enforcing policy "
		    "'%s' as applied, retrying in %u s",
		    source_uri(agent->src),
		    agent->applied ? effective_policy_name(agent->applied)
				   : "(none)", delay);
}

/* Read the assignment and the host entry's own rules, then the assigned
 * policy. Keeps the previous values on error. */
static int poll_full(struct agent *agent)
{
	char *dn = NULL, *from = NULL;
	json_t *local = NULL, *dynamic = NULL, *doc = NULL;
	int ret;

	ret = source_read_host_rules(agent->src, &local, &dynamic);
	if (ret < 0)
		goto out;
	ret = source_read_assignment(agent->src, &dn, &from);
	if (ret == -ENOENT) {
		log_info("poll", "no policy assigned to '%s' in the directory",
			 source_host_dn(agent->src));
	} else if (ret < 0) {
		goto out;
	} else {
		ret = source_fetch_policy(agent->src, dn, &doc);
		if (ret < 0)
			goto out;
	}

	json_decref(agent->local_entry);
	agent->local_entry = local;
	local = NULL;
	json_decref(agent->host_dynamic);
	agent->host_dynamic = dynamic;
	dynamic = NULL;
	json_decref(agent->assigned);
	agent->assigned = doc;
	doc = NULL;
	free(agent->assigned_dn);
	agent->assigned_dn = dn;
	dn = NULL;
	free(agent->assigned_from);
	agent->assigned_from = from;
	from = NULL;
	agent->assigned_version = (uint64_t)json_integer_value(
		json_object_get(agent->assigned, "version"));
	agent->assignment_due = false;
	ret = 0;
out:
	json_decref(local);
	json_decref(dynamic);
	json_decref(doc);
	free(dn);
	free(from);
	return ret;
}

/* The cheap poll: one base read of the assigned policy's version. */
static int poll_version(struct agent *agent, bool *changed)
{
	uint64_t version = 0;
	int ret;

	*changed = false;
	if (!agent->assigned_dn) {
		agent->assignment_due = true;
		return 0;
	}
	ret = source_read_version(agent->src, agent->assigned_dn, &version);
	if (ret == -ENOENT) {
		log_info("poll", "assigned policy '%s' no longer exists",
			 agent->assigned_dn);
		agent->assignment_due = true;
		return 0;
	}
	if (ret < 0)
		return ret;
	if (version != agent->assigned_version) {
		log_info("poll", "policy '%s' changed from version %llu to %llu",
			 agent->assigned_dn,
			 (unsigned long long)agent->assigned_version,
			 (unsigned long long)version);
		*changed = true;
	}
	return 0;
}

/* Keep the change watch on the assigned policy when `sync` is on. */
static void watch_update(struct agent *agent)
{
	const char *dn = sync_policy_dn(agent->watch);

	if (!agent->cfg.sync)
		return;
	if (agent->watch && agent->assigned_dn &&
	    strcmp(dn, agent->assigned_dn) == 0)
		return;
	sync_stop(agent->watch);
	agent->watch = NULL;
	if (agent->assigned_dn)
		agent->watch = sync_start(&agent->cfg, agent->assigned_dn);
}

int agent_poll(struct agent *agent)
{
	const json_t *before;
	bool changed = false;
	int ret;

	agent->polls++;
	/* charon may have started, or restarted, since the last apply. */
	keying_retry(&agent->cfg);
	/* The local store is one small file: read it at every poll so
	 * `ipseccmd -w reg ... -x` takes effect without a directory. */
	json_decref(agent->local_store);
	agent->local_store = local_read(&agent->cfg);
	if (!source_connected(agent->src)) {
		ret = source_connect(agent->src);
		if (ret < 0)
			goto fail;
		log_info("poll", "connected to '%s' as '%s'",
			 source_uri(agent->src), source_host_dn(agent->src));
		agent->assignment_due = true;
	}

	/* A change of assignment alone does not change the policy's version,
	 * so every full_poll_every-th poll reads the assignment too. */
	if (agent->cfg.full_poll_every > 0 &&
	    agent->polls % agent->cfg.full_poll_every == 0)
		agent->assignment_due = true;
	if (!agent->assignment_due) {
		ret = poll_version(agent, &changed);
		if (ret < 0)
			goto fail;
	}
	if (agent->assignment_due || changed) {
		ret = poll_full(agent);
		if (ret < 0)
			goto fail;
	}

	agent->retry_delay = 0;
	agent->last_poll = time(NULL);
	schedule_next(agent);
	watch_update(agent);
	before = agent->applied;
	ret = agent_update(agent, true);
	/* A poll that changed nothing still sends a report, so the server
	 * records the host as alive with its counters. An apply or rollback
	 * has sent its own report already. */
	if (ret == 0 && agent->applied && agent->applied == before)
		reporter_send(agent->reporter, &agent->cfg, agent->applied,
			      false, NULL);
	return ret == -ECONNREFUSED ? ret : 0;
fail:
	if (ret == -ENOTCONN)
		source_disconnect(agent->src);
	sync_stop(agent->watch);
	agent->watch = NULL;
	schedule_retry(agent);
	agent_update(agent, false);
	return ret;
}
