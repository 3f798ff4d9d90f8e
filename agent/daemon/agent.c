#include "agent.h"

#include "addrwatch.h"
#include "cache.h"
#include "control.h"
#include "effective.h"
#include "enforce.h"
#include "handlers.h"
#include "local.h"
#include "log.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

double agent_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int signals_open(void)
{
	sigset_t mask;
	int fd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

static int state_dir_make(const char *dir)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		log_error("agent", "unable to create state folder '%s': %s",
			  dir, strerror(errno));
		return -errno;
	}
	return 0;
}

/* Load what depends on the configuration: paths, dynamic rules, local
 * policy and the directory source. */
static int agent_load_state(struct agent *agent)
{
	char *dyn_path = NULL;
	int ret = -ENOMEM;

	ret = state_dir_make(agent->cfg.state_dir);
	if (ret < 0)
		goto out;
	ret = -ENOMEM;
	free(agent->cache_path);
	agent->cache_path = config_state_path(&agent->cfg, "applied-policy");
	dyn_path = config_state_path(&agent->cfg, "dynamic-rules");
	if (!agent->cache_path || !dyn_path)
		goto out;

	dynrules_free(&agent->dyn);
	ret = dynrules_load(&agent->dyn, dyn_path);
	if (ret < 0)
		goto out;

	json_decref(agent->local_store);
	agent->local_store = local_read(&agent->cfg);

	reporter_free(agent->reporter);
	agent->reporter = reporter_new(&agent->cfg);
	sync_stop(agent->watch);
	agent->watch = NULL;
	source_free(agent->src);
	agent->src = source_new(&agent->cfg);
	if (!agent->src) {
		ret = -ENOMEM;
		goto out;
	}
	agent->assignment_due = true;
	ret = 0;
out:
	free(dyn_path);
	return ret;
}

/* Apply the cached policy so the host is protected before the directory
 * responds, and restore the cached directory inputs for offline use. */
static void agent_apply_cache(struct agent *agent)
{
	json_t *cached = cache_load(agent->cache_path);
	const json_t *entry;

	if (!cached)
		return;
	/* Without apply_cache_at_start nothing of the directory's part is
	 * used until the directory responds: the start applies only the
	 * local policy and the dynamic rules. */
	if (!agent->cfg.apply_cache_at_start) {
		log_info("cache", "not applying the cached policy '%s' "
			 "until the directory responds: apply_cache_at_start "
			 "is off",
			 effective_policy_name(cached));
		json_decref(cached);
		return;
	}
	entry = json_object_get(cached, "host_entry");
	if (json_is_object(json_object_get(entry, "local_policy"))) {
		json_decref(agent->local_entry);
		agent->local_entry = json_incref(json_object_get(
			entry, "local_policy"));
	}
	if (json_is_array(json_object_get(entry, "dynamic"))) {
		json_decref(agent->host_dynamic);
		agent->host_dynamic = json_incref(json_object_get(entry,
								  "dynamic"));
	}
	if (strcmp(json_string_value(json_object_get(cached, "origin")),
		   "directory") == 0) {
		json_decref(agent->assigned);
		agent->assigned = json_incref(json_object_get(cached, "policy"));
		free(agent->assigned_from);
		agent->assigned_from = NULL;
		const char *from = json_string_value(
			json_object_get(cached, "assigned_from"));
		if (from)
			agent->assigned_from = strdup(from);
	}
	if (enforce_apply(&agent->cfg, cached) < 0) {
		log_error("cache", "unable to apply the cached policy '%s' "
			  "version %lld", effective_policy_name(cached),
			  (long long)effective_policy_version(cached));
		json_decref(cached);
		return;
	}
	log_info("cache", "applied the cached policy '%s' version %lld from "
		 "'%s' with %zu dynamic rules", effective_policy_name(cached),
		 (long long)effective_policy_version(cached),
		 agent->cache_path,
		 json_array_size(json_object_get(cached, "dynamic")));
	json_decref(agent->applied);
	agent->applied = cached;
}

int agent_start(struct agent *agent, agent_config_builder *build, void *ctx)
{
	int ret;

	memset(agent, 0, sizeof(*agent));
	agent->signal_fd = -1;
	agent->control_fd = -1;
	agent->build_config = build;
	agent->build_ctx = ctx;

	ret = build(&agent->cfg, ctx);
	if (ret < 0)
		return ret;
	log_set_level((enum log_level)agent->cfg.log_level);

	ret = signals_open();
	if (ret < 0) {
		log_error("agent", "unable to set up signals: %s",
			  strerror(-ret));
		return ret;
	}
	agent->signal_fd = ret;
	/* Subscribe before the first apply, so no address change falls
	 * between the apply and the subscription. */
	agent->addr_watch = addrwatch_open();

	ret = agent_load_state(agent);
	if (ret < 0)
		return ret;
	agent_apply_cache(agent);
	/* The dynamic rules may have changed after the cache was written, for
	 * example when the agent was killed between the two writes. */
	agent_update(agent, false);

	ret = control_listen(agent->cfg.control_socket,
			     agent->cfg.control_group);
	if (ret < 0)
		return ret;
	agent->control_fd = ret;

	log_info("agent", "started: config '%s', state '%s', control socket "
		 "'%s', directory '%s'", agent->cfg.config_path
		 ? agent->cfg.config_path : "(defaults)", agent->cfg.state_dir,
		 agent->cfg.control_socket, source_uri(agent->src));
	agent->next_poll = agent_now();
	return 0;
}

/* SIGHUP: build the configuration again and reload what depends on it.
 * A configuration with errors is rejected and the old one kept. */
static void agent_reload(struct agent *agent)
{
	struct agent_config next;
	bool socket_changed;
	int fd;

	log_info("agent", "reloading on SIGHUP");
	if (agent->build_config(&next, agent->build_ctx) < 0) {
		log_error("agent", "kept the previous configuration because "
			  "the new one has errors");
		return;
	}
	socket_changed = strcmp(next.control_socket,
				agent->cfg.control_socket) != 0 ||
			 strcmp(next.control_group,
				agent->cfg.control_group) != 0;
	if (socket_changed) {
		fd = control_listen(next.control_socket, next.control_group);
		if (fd < 0) {
			log_error("agent", "kept the previous configuration "
				  "because the control socket '%s' failed",
				  next.control_socket);
			config_free(&next);
			return;
		}
		control_close(agent->control_fd, agent->cfg.control_socket);
		agent->control_fd = fd;
	}

	config_free(&agent->cfg);
	agent->cfg = next;
	log_set_level((enum log_level)agent->cfg.log_level);
	if (agent_load_state(agent) < 0)
		log_error("agent", "reload incomplete, see the errors above");
	agent->retry_delay = 0;
	agent->next_poll = agent_now();
	agent_update(agent, false);
}

static void agent_read_signals(struct agent *agent)
{
	struct signalfd_siginfo si;

	while (read(agent->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			log_info("agent", "stopping on signal %u from pid %u",
				 si.ssi_signo, si.ssi_pid);
			agent->stop = true;
			break;
		case SIGHUP:
			agent_reload(agent);
			break;
		case SIGUSR1:
			log_info("agent", "polling now on SIGUSR1 from pid %u",
				 si.ssi_pid);
			agent->assignment_due = true;
			agent->next_poll = agent_now();
			break;
		}
	}
}

/* A change notification starts a poll now; a failed watch is restarted
 * after the next successful poll. */
static void agent_read_watch(struct agent *agent)
{
	int ret = sync_read(agent->watch);

	if (ret > 0) {
		log_debug("sync", "policy '%s' may have changed; polling now",
			  sync_policy_dn(agent->watch));
		agent->next_poll = agent_now();
	} else if (ret < 0) {
		sync_stop(agent->watch);
		agent->watch = NULL;
	}
}

/*
 * Address changes come in bursts (an interface going up adds IPv4, IPv6
 * and link-local addresses one by one), so the re-apply waits this long
 * after the last notification.
 */
#define REAPPLY_DELAY_SECONDS 1.0

static void agent_read_addresses(struct agent *agent)
{
	int changes = addrwatch_read(agent->addr_watch);

	if (changes > 0)
		agent->reapply_at = agent_now() + REAPPLY_DELAY_SECONDS;
	else if (changes < 0) {
		addrwatch_free(agent->addr_watch);
		agent->addr_watch = addrwatch_open();
	}
}

/* Compile the applied policy again with the host's current addresses;
 * only the kernel policies that changed are touched. */
static void agent_reapply(struct agent *agent)
{
	agent->reapply_at = 0;
	if (!agent->applied)
		return;
	log_info("addr", "local addresses changed; applying policy '%s' "
		 "version %lld to the current addresses",
		 effective_policy_name(agent->applied),
		 (long long)effective_policy_version(agent->applied));
	if (enforce_apply(&agent->cfg, agent->applied) < 0)
		log_error("addr", "applying policy '%s' to the current "
			  "addresses failed; the previous addresses stay "
			  "covered", effective_policy_name(agent->applied));
}

static int agent_timeout_ms(const struct agent *agent)
{
	double due = agent->next_poll;
	double wait;

	if (agent->reapply_at > 0 && agent->reapply_at < due)
		due = agent->reapply_at;
	wait = due - agent_now();
	if (wait <= 0)
		return 0;
	return wait > 3600 ? 3600 * 1000 : (int)(wait * 1000) + 1;
}

int agent_run(struct agent *agent)
{
	while (!agent->stop) {
		struct pollfd fds[4] = {
			{ .fd = agent->signal_fd, .events = POLLIN },
			{ .fd = agent->control_fd, .events = POLLIN },
			{ .fd = sync_fd(agent->watch), .events = POLLIN },
			{ .fd = addrwatch_fd(agent->addr_watch),
			  .events = POLLIN },
		};
		int timeout_ms = agent_timeout_ms(agent);

		if (poll(fds, 4, timeout_ms) < 0 && errno != EINTR) {
			log_error("agent", "poll failed: %s", strerror(errno));
			return -errno;
		}
		if (fds[0].revents & POLLIN)
			agent_read_signals(agent);
		if (agent->stop)
			break;
		if (fds[1].revents & POLLIN)
			control_serve_one(agent->control_fd, handlers_dispatch,
					  agent);
		if (fds[2].revents & (POLLIN | POLLHUP | POLLERR))
			agent_read_watch(agent);
		if (fds[3].revents & (POLLIN | POLLERR))
			agent_read_addresses(agent);
		if (agent->reapply_at > 0 && agent_now() >= agent->reapply_at)
			agent_reapply(agent);
		if (agent_now() >= agent->next_poll)
			agent_poll(agent);
	}
	log_info("agent", "stopped; policy '%s' version %lld stays applied",
		 agent->applied ? effective_policy_name(agent->applied)
				: "(none)",
		 agent->applied ? (long long)effective_policy_version(
					  agent->applied) : 0LL);
	return 0;
}

void agent_free(struct agent *agent)
{
	control_close(agent->control_fd, agent->cfg.control_socket);
	if (agent->signal_fd >= 0)
		close(agent->signal_fd);
	sync_stop(agent->watch);
	addrwatch_free(agent->addr_watch);
	source_free(agent->src);
	reporter_free(agent->reporter);
	dynrules_free(&agent->dyn);
	json_decref(agent->local_store);
	json_decref(agent->local_entry);
	json_decref(agent->host_dynamic);
	json_decref(agent->assigned);
	json_decref(agent->applied);
	json_decref(agent->rejected);
	free(agent->assigned_dn);
	free(agent->assigned_from);
	free(agent->cache_path);
	config_free(&agent->cfg);
	memset(agent, 0, sizeof(*agent));
	agent->signal_fd = -1;
	agent->control_fd = -1;
}
