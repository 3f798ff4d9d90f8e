#include "keying.h"

#include "charon.h"
#include "ike.h"
#include "log.h"
#include "statefile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* The kernel's ACQUIRE retry period when no -soft rule sets one. */
#define KEYING_ACQ_EXPIRES_DEFAULT 30

/* Parts of the configuration charon has not received yet, because it was
 * not running. The first sync loads everything: charon may have started
 * before the agent with none of the agent's connections. */
static unsigned keying_pending = IKE_CHANGED_CONNS | IKE_CHANGED_SECRETS;
static bool keying_charon_missing_logged;
static ino_t keying_socket_inode;
static uint32_t keying_acq_expires_set;
static bool keying_written;
/* The last load failed: polls do not try again, because swanctl would
 * reject the same files, until an apply writes new ones or charon
 * restarts. */
static bool keying_load_failed;

/* Whether tunnel endpoint t is one of this host's addresses. */
static bool keying_addr_is_local(const struct spd_host *host,
				 const struct addr_spec *t)
{
	size_t len = t->family == AF_INET ? 4 : 16;

	if (t->kind != ADDR_IP)
		return false;
	for (size_t i = 0; i < host->iface_count; i++)
		for (size_t j = 0; j < host->ifaces[i].addr_count; j++) {
			const struct spd_addr *a = &host->ifaces[i].addrs[j];

			if (a->family == t->family &&
			    memcmp(a->bytes, t->bytes, len) == 0)
				return true;
		}
	return false;
}

/* Split the comma-separated list of CA files in place; *out points into
 * text. */
static size_t keying_ca_split(char *text, const char **out, size_t max)
{
	size_t n = 0;
	char *p = text;

	while (p && n < max) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		while (*p == ' ')
			p++;
		if (*p)
			out[n++] = p;
		p = comma ? comma + 1 : NULL;
	}
	return n;
}

/*
 * Check that charon accepts connections on its VICI socket. A restarted charon creates
 * a new socket file and has lost every connection, so a new inode marks
 * everything for loading again.
 */
static bool keying_charon_running(const char *uri)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	bool up = false;
	int fd;

	if (strncmp(uri, "unix://", 7) != 0)
		return true;	/* swanctl reports a TCP URI that fails */
	if (strlen(uri + 7) >= sizeof(sa.sun_path) ||
	    stat(uri + 7, &st) != 0 || !S_ISSOCK(st.st_mode))
		return false;
	memcpy(sa.sun_path, uri + 7, strlen(uri + 7) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		up = true;
	if (fd >= 0)
		close(fd);
	if (up && st.st_ino != keying_socket_inode) {
		if (keying_socket_inode)
			log_info("ike", "charon restarted; loading every "
				 "connection again");
		keying_pending = IKE_CHANGED_CONNS | IKE_CHANGED_SECRETS;
		keying_load_failed = false;
		keying_socket_inode = st.st_ino;
	}
	return up;
}

static void keying_results_save(const struct agent_config *cfg,
				 const struct ike_rule_ref *refs,
				 const struct ike_config *ike)
{
	json_t *list = json_array();
	char *text = NULL;
	char *path = config_state_path(cfg, "ike-rules");

	for (size_t i = 0; list && i < ike->count; i++) {
		const struct ike_rule_result *r = &ike->results[i];

		json_array_append_new(
			list, json_pack("{s:s, s:s?, s:s?, s:b}", "name",
					refs[i].name, "connection", r->conn,
					"note", r->note, "weak", r->weak));
	}
	text = list ? json_dumps(list, JSON_COMPACT) : NULL;
	if (!text || !path || statefile_write(path, text, strlen(text)) != 0)
		log_warning("ike", "unable to write '%s': %s",
			    path ? path : "ike-rules", strerror(errno));
	free(path);
	free(text);
	json_decref(list);
}

json_t *keying_results_read(const struct agent_config *cfg)
{
	char *path = config_state_path(cfg, "ike-rules");
	json_t *list = statefile_read_json(path);

	free(path);
	if (!json_is_array(list)) {
		json_decref(list);
		list = json_array();
	}
	return list;
}

/* Set net.core.xfrm_acq_expires from the smallest -1e of the -soft rules,
 * and put the kernel's default back when no such rule is left. */
static void keying_acq_expires_apply(const struct ike_rule_ref *refs,
				     size_t count)
{
	uint32_t want = ike_acquire_expiry(refs, count);
	int ret;

	if (want == 0 && keying_acq_expires_set == 0)
		return;
	if (want == 0)
		want = KEYING_ACQ_EXPIRES_DEFAULT;
	if (want == keying_acq_expires_set)
		return;
	ret = ike_acquire_expiry_set(want);
	if (ret < 0) {
		log_warning("ike", "unable to set net.core.xfrm_acq_expires "
			    "to %u for -soft rules: %s", want, strerror(-ret));
		return;
	}
	log_info("ike", "net.core.xfrm_acq_expires set to %u seconds", want);
	keying_acq_expires_set = want;
}

/* The host key is linked into the swanctl folder, never copied; one that
 * others can read is not used. */
static bool keying_key_usable(const char *path)
{
	struct stat st;

	if (!path[0])
		return false;
	if (stat(path, &st) != 0) {
		log_warning("ike", "unable to read host key '%s': %s", path,
			    strerror(errno));
		return false;
	}
	if (st.st_mode & 0077) {
		log_error("ike", "host key '%s' is readable by others; run "
			  "'chmod 600 %s'; certificate rules get no key until "
			  "then", path, path);
		return false;
	}
	return true;
}

static struct ike_daemon keying_daemon(const struct agent_config *cfg)
{
	return (struct ike_daemon){
		.strongswan_conf = cfg->ike_strongswan_conf[0]
					   ? cfg->ike_strongswan_conf : NULL,
		.swanctl_dir = cfg->ike_swanctl_dir,
		.vici_uri = cfg->ike_vici_uri[0] ? cfg->ike_vici_uri : NULL,
	};
}

json_t *keying_ike_collect(const struct agent_config *cfg)
{
	struct ike_daemon daemon = keying_daemon(cfg);
	char *sas = NULL, *stats = NULL, *counters = NULL;
	json_t *ike = NULL;

	if (!cfg->ike || !keying_charon_running(cfg->ike_vici_uri[0]
						? cfg->ike_vici_uri
						: "unix:///var/run/charon.vici"))
		return NULL;
	if (ike_query(&daemon, "--list-sas", &sas) < 0)
		goto out;
	ike_query(&daemon, "--stats", &stats);
	ike_query(&daemon, "--counters", &counters);
	ike = charon_ike_build(sas, stats, counters);
	if (!ike)
		log_warning("ike", "unable to read charon's SAs: unexpected "
			    "swanctl output");
out:
	free(sas);
	free(stats);
	free(counters);
	return ike;
}

/* State of the SA of connection conn in charon's list. */
static const char *keying_sa_state(const json_t *ike, const char *conn)
{
	const json_t *sa, *child;
	const char *state = "none";
	size_t i, j;

	json_array_foreach (json_object_get(ike, "sas"), i, sa) {
		const char *name = json_string_value(json_object_get(sa, "name"));

		if (!name || strcmp(name, conn) != 0)
			continue;
		state = "connecting";
		json_array_foreach (json_object_get(sa, "child_sas"), j, child)
			if (json_is_string(json_object_get(child, "state")) &&
			    strcmp(json_string_value(json_object_get(child,
								     "state")),
				   "INSTALLED") == 0)
				return "established";
	}
	return state;
}

json_t *keying_rules_status(const struct agent_config *cfg, const json_t *ike)
{
	json_t *list = keying_results_read(cfg);
	json_t *item;
	size_t i;

	json_array_foreach (list, i, item) {
		const char *conn = json_string_value(json_object_get(
			item, "connection"));

		if (conn && json_is_object(ike))
			json_object_set_new(item, "ike_sa", json_string(
				keying_sa_state(ike, conn)));
	}
	return list;
}

static size_t keying_negotiated(const struct ike_config *ike)
{
	size_t n = 0;

	for (size_t i = 0; i < ike->count; i++)
		if (ike->results[i].conn)
			n++;
	return n;
}

/* Load what charon has not received, when it responds. */
static int keying_pending_load(const struct agent_config *cfg)
{
	struct ike_daemon daemon = keying_daemon(cfg);
	int ret;

	if (!keying_charon_running(daemon.vici_uri ? daemon.vici_uri
				   : "unix:///var/run/charon.vici")) {
		if (!keying_charon_missing_logged)
			log_warning("ike", "charon is not running (no response "
				    "on '%s'); negotiated rules drop their "
				    "traffic until charon starts and the next "
				    "poll loads them", cfg->ike_vici_uri);
		keying_charon_missing_logged = true;
		return 0;
	}
	keying_charon_missing_logged = false;
	if (!keying_pending)
		return 0;
	log_info("ike", "loading %s%s%s into charon",
		 keying_pending & IKE_CHANGED_CONNS ? "connections" : "",
		 keying_pending == (IKE_CHANGED_CONNS | IKE_CHANGED_SECRETS)
			 ? " and " : "",
		 keying_pending & IKE_CHANGED_SECRETS ? "credentials" : "");
	ret = ike_config_load(&daemon, keying_pending);
	keying_load_failed = ret < 0;
	if (ret == 0)
		keying_pending = 0;
	return ret;
}

void keying_retry(const struct agent_config *cfg)
{
	/* Nothing is written before the first apply, so nothing to load. */
	if (!cfg->ike || !keying_written)
		return;
	if (keying_load_failed) {
		/* Only a restarted charon (a new socket) clears the flag. */
		keying_charon_running(cfg->ike_vici_uri[0]
				      ? cfg->ike_vici_uri
				      : "unix:///var/run/charon.vici");
		if (keying_load_failed)
			return;
	}
	keying_pending_load(cfg);
}

/* Write the files and load what charon has not received. */
static int keying_load(const struct agent_config *cfg,
		       const struct ike_credentials *creds,
		       const struct ike_config *ike)
{
	struct ike_daemon daemon = keying_daemon(cfg);
	int ret;

	ret = ike_dir_prepare(daemon.swanctl_dir);
	if (ret < 0) {
		log_error("ike", "unable to prepare swanctl folder '%s': %s",
			  daemon.swanctl_dir, strerror(-ret));
		return ret;
	}
	ret = ike_config_write(ike, creds, daemon.swanctl_dir);
	if (ret < 0) {
		log_error("ike", "unable to write the swanctl configuration "
			  "into '%s': %s", daemon.swanctl_dir, strerror(-ret));
		return ret;
	}
	keying_pending |= (unsigned)ret;
	keying_written = true;
	return keying_pending_load(cfg);
}

int keying_sync(const struct agent_config *cfg, const char *policy,
		const struct spd_rule_ref *rules, size_t count,
		const struct spd_host *host)
{
	struct ike_rule_ref *refs = NULL;
	struct ike_config ike = { 0 };
	struct ike_credentials creds = { 0 };
	const char *ca[16];
	char *ca_text = NULL;
	size_t negotiated;
	int ret = -ENOMEM;

	refs = calloc(count ? count : 1, sizeof(*refs));
	ca_text = strdup(cfg->ike_ca_files);
	if (!refs || !ca_text)
		goto out;
	for (size_t i = 0; i < count; i++) {
		const struct rule_spec *rule = rules[i].rule;

		refs[i] = (struct ike_rule_ref){
			.policy = policy,
			.name = rules[i].name,
			.rule = rule,
			.reqid = spd_rule_reqid(rules[i].name),
			.version = IKE_VERSION_DEFAULT,
			.tunnel_to_self = rule->has_tunnel &&
					  keying_addr_is_local(host,
							       &rule->tunnel),
		};
	}
	creds.host_cert = cfg->ike_host_cert[0] ? cfg->ike_host_cert : NULL;
	creds.host_key = keying_key_usable(cfg->ike_host_key)
				 ? cfg->ike_host_key : NULL;
	creds.fleet_ca = cfg->ike_fleet_ca[0] ? cfg->ike_fleet_ca : NULL;
	creds.ca_files = ca;
	creds.ca_count = keying_ca_split(ca_text, ca, sizeof(ca) / sizeof(*ca));

	ret = ike_config_build(refs, count, &creds, &ike);
	if (ret < 0) {
		log_error("ike", "unable to build the swanctl configuration: "
			  "%s", ret == -EINVAL ? "two rules share a reqid; "
			  "rename one of them" : strerror(-ret));
		goto out;
	}
	keying_results_save(cfg, refs, &ike);
	negotiated = keying_negotiated(&ike);
	if (!cfg->ike) {
		if (negotiated)
			log_warning("ike", "%zu rules negotiate, but ike = no: "
				    "their traffic is dropped unless another "
				    "daemon keys reqids 0x10000000 and up",
				    negotiated);
		ret = 0;
		goto out;
	}
	keying_acq_expires_apply(refs, count);
	ret = keying_load(cfg, &creds, &ike);
	if (ret == 0)
		log_info("ike", "%zu of %zu rules negotiate through charon",
			 negotiated, count);
out:
	ike_config_free(&ike);
	free(ca_text);
	free(refs);
	return ret;
}
