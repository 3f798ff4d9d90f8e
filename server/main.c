/* ipseccmd-server: stores agents' reports and serves the fleet's state. */
#include "config.h"
#include "http.h"
#include "log.h"
#include "store.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How often the main thread prunes old history, in seconds. */
#define PRUNE_INTERVAL 300

static int port_file_write(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *out;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	out = fopen(tmp, "we");
	if (!out)
		return -1;
	fprintf(out, "%u\n", port);
	if (fclose(out) != 0)
		return -1;
	return rename(tmp, path);
}

/* Wait for SIGTERM or SIGINT, checkpointing the WAL every second and
 * pruning history every PRUNE_INTERVAL seconds. */
static void signals_wait(const sigset_t *set, struct store *store)
{
	struct timespec tick = { .tv_sec = 1 };
	time_t next_prune = time(NULL);

	for (;;) {
		int sig = sigtimedwait(set, NULL, &tick);

		if (sig == SIGTERM || sig == SIGINT) {
			log_info(NULL, "received signal %d, shutting down", sig);
			return;
		}
		store_checkpoint(store);
		if (time(NULL) >= next_prune) {
			long pruned = store_history_prune(store, time(NULL));

			if (pruned > 0)
				log_info("db", "pruned %ld old reports", pruned);
			next_prune = time(NULL) + PRUNE_INTERVAL;
		}
	}
}

int main(int argc, char **argv)
{
	struct server_config cfg;
	struct server server = { 0 };
	struct store_options store_opts = { 0 };
	sigset_t set;
	char err[512];
	int ret = 1;
	int loaded;

	log_set_ident("ipseccmd-server");
	server_config_defaults(&cfg);
	loaded = server_config_load(&cfg, argc, argv);
	if (loaded != 0) {
		ret = loaded > 0 ? 0 : 2;
		goto out;
	}

	/* Block the signals before any thread starts, so only the main
	 * thread receives them through sigtimedwait(). */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	gnutls_global_init();

	store_opts.path = cfg.database;
	store_opts.sync_full = strcmp(cfg.sync, "full") == 0;
	store_opts.history_days = cfg.history_days;
	store_opts.history_per_host = cfg.history_per_host;
	server.store = store_open(&store_opts, err, sizeof(err));
	if (!server.store) {
		log_error(NULL, "%s", err);
		goto out;
	}
	server.cfg = &cfg;
	if (server_start(&server, err, sizeof(err)) != 0) {
		log_error(NULL, "%s", err);
		goto out;
	}
	log_info(NULL, "listening on %s port %u with %u threads", cfg.listen,
		 server_port(&server), cfg.threads);
	if (cfg.port_file && port_file_write(cfg.port_file,
					     server_port(&server)) != 0) {
		log_error(NULL, "unable to write port file '%s': %s",
			  cfg.port_file, strerror(errno));
		goto out;
	}

	signals_wait(&set, server.store);
	ret = 0;
out:
	server_stop(&server);
	store_close(server.store);
	if (ret == 0 && loaded == 0)
		log_info(NULL, "stopped");
	gnutls_global_deinit();
	server_config_free(&cfg);
	return ret;
}
