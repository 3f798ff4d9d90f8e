#include "config.h"

#include "conffile.h"

#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum key_type { KEY_STRING, KEY_UINT, KEY_BOOL, KEY_BIND, KEY_LEVEL };

struct config_key {
	const char *name;
	enum key_type type;
	size_t offset;
	const char *default_value;
	uint32_t min;
	uint32_t max;
};

#define STR(field, def) \
	{ #field, KEY_STRING, offsetof(struct agent_config, field), def, 0, 0 }
#define UINT(field, def, lo, hi) \
	{ #field, KEY_UINT, offsetof(struct agent_config, field), def, lo, hi }
#define BOOL(field, def) \
	{ #field, KEY_BOOL, offsetof(struct agent_config, field), def, 0, 1 }

/* One table drives defaults, parsing and printing, so the three agree. */
static const struct config_key keys[] = {
	STR(directory_uri, ""),
	STR(directory_base, ""),
	STR(host_name, ""),
	BOOL(starttls, "no"),
	{ "bind_method", KEY_BIND, offsetof(struct agent_config, bind_method),
	  "external", 0, 0 },
	STR(bind_dn, ""),
	STR(password_file, "/etc/ipseccmd/agent.secret"),
	STR(tls_cert, "/etc/ipseccmd/agent.crt"),
	STR(tls_key, "/etc/ipseccmd/agent.key"),
	STR(tls_ca, "/etc/ipseccmd/ca.crt"),
	STR(state_dir, "/var/lib/ipseccmd"),
	STR(control_socket, "/run/ipseccmd/agent.sock"),
	STR(control_group, ""),
	STR(report_url, ""),
	UINT(poll_seconds, "0", 0, 7 * 24 * 3600),
	UINT(poll_jitter_percent, "10", 0, 50),
	UINT(full_poll_every, "12", 0, 1000000),
	BOOL(sync, "no"),
	UINT(retry_min_seconds, "5", 1, 3600),
	UINT(retry_max_seconds, "300", 1, 24 * 3600),
	UINT(network_timeout_seconds, "10", 1, 600),
	BOOL(lockout_protection, "yes"),
	UINT(rollback_seconds, "30", 0, 3600),
	BOOL(apply_cache_at_start, "yes"),
	BOOL(ike, "no"),
	STR(ike_swanctl_dir, "/var/lib/ipseccmd/swanctl"),
	STR(ike_strongswan_conf, "/etc/strongswan.conf"),
	STR(ike_vici_uri, "unix:///var/run/charon.vici"),
	STR(ike_host_cert, ""),
	STR(ike_host_key, ""),
	STR(ike_fleet_ca, ""),
	STR(ike_ca_files, ""),
	{ "log_level", KEY_LEVEL, offsetof(struct agent_config, log_level),
	  "info", 0, 0 },
};

static const char *const level_names[] = { "error", "warning", "info",
					   "debug" };

static void *field_at(struct agent_config *cfg, const struct config_key *k)
{
	return (char *)cfg + k->offset;
}

static const struct config_key *key_find(const char *name)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int parse_bool(const char *value, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(value, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(value, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_uint(const char *value, uint32_t min, uint32_t max,
		      uint32_t *out)
{
	char *end;
	unsigned long n;

	if (!isdigit((unsigned char)value[0]))
		return -EINVAL;
	errno = 0;
	n = strtoul(value, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

int config_set(struct agent_config *cfg, const char *key, const char *value,
	       const char **why)
{
	const struct config_key *k = key_find(key);
	void *field;

	*why = NULL;
	if (!k) {
		*why = "unknown key, see docs/agent.md for the list";
		return -ENOENT;
	}
	field = field_at(cfg, k);

	switch (k->type) {
	case KEY_STRING: {
		char *copy = strdup(value);

		if (!copy)
			return -ENOMEM;
		free(*(char **)field);
		*(char **)field = copy;
		return 0;
	}
	case KEY_UINT:
		if (parse_uint(value, k->min, k->max, field) < 0) {
			*why = "write a whole number within the documented range";
			return -EINVAL;
		}
		return 0;
	case KEY_BOOL:
		if (parse_bool(value, field) < 0) {
			*why = "write yes or no";
			return -EINVAL;
		}
		return 0;
	case KEY_BIND:
		if (strcmp(value, "external") == 0)
			*(enum bind_method *)field = BIND_EXTERNAL;
		else if (strcmp(value, "simple") == 0)
			*(enum bind_method *)field = BIND_SIMPLE;
		else {
			*why = "write external or simple";
			return -EINVAL;
		}
		return 0;
	case KEY_LEVEL:
		for (int i = 0; i < 4; i++) {
			if (strcmp(value, level_names[i]) == 0) {
				*(int *)field = i;
				return 0;
			}
		}
		*why = "write error, warning, info or debug";
		return -EINVAL;
	}
	return -EINVAL;
}

int config_set_defaults(struct agent_config *cfg)
{
	const char *why;

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (config_set(cfg, keys[i].name, keys[i].default_value,
			       &why) < 0) {
			config_free(cfg);
			return -ENOMEM;
		}
	}
	return 0;
}

void config_free(struct agent_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (keys[i].type == KEY_STRING) {
			char **s = field_at(cfg, &keys[i]);

			free(*s);
			*s = NULL;
		}
	}
	free(cfg->config_path);
	cfg->config_path = NULL;
}

struct load_ctx {
	struct agent_config *cfg;
	const char *path;
};

/* Apply one setting of the file; logs and returns -errno when rejected. */
static int config_apply_line(void *ctx, const char *key, const char *value,
			     unsigned lineno)
{
	struct load_ctx *load = ctx;
	const char *why;
	int ret;

	if (!value) {
		log_error("config", "%s:%u: missing '=' in '%s': write key = value",
			  load->path, lineno, key);
		return -EINVAL;
	}
	ret = config_set(load->cfg, key, value, &why);
	if (ret == -ENOMEM)
		log_error("config", "%s:%u: out of memory", load->path, lineno);
	else if (ret < 0)
		log_error("config", "%s:%u: invalid value '%s' for '%s': %s",
			  load->path, lineno, value, key, why);
	return ret;
}

int config_load(struct agent_config *cfg, const char *path, bool missing_ok)
{
	struct load_ctx load = { cfg, path };
	int ret = conffile_read(path, config_apply_line, &load);

	if (ret == -ENOENT && missing_ok) {
		log_info("config", "no file '%s', using the defaults", path);
		return 0;
	}
	if (ret < 0) {
		log_error("config", "unable to read '%s': %s", path,
			  strerror(-ret));
		return ret;
	}
	if (ret == CONFFILE_REJECTED)
		ret = -EINVAL;
	if (ret == 0 && cfg->retry_min_seconds > cfg->retry_max_seconds) {
		log_error("config", "%s: retry_min_seconds %u is above "
			  "retry_max_seconds %u: lower the first", path,
			  cfg->retry_min_seconds, cfg->retry_max_seconds);
		ret = -EINVAL;
	}

	free(cfg->config_path);
	cfg->config_path = strdup(path);
	return ret;
}

void config_print(const struct agent_config *cfg, FILE *out)
{
	struct agent_config *c = (struct agent_config *)cfg;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct config_key *k = &keys[i];
		void *field = field_at(c, k);

		fprintf(out, "%s = ", k->name);
		switch (k->type) {
		case KEY_STRING:
			fprintf(out, "%s\n", *(char **)field);
			break;
		case KEY_UINT:
			fprintf(out, "%u\n", *(uint32_t *)field);
			break;
		case KEY_BOOL:
			fprintf(out, "%s\n", *(bool *)field ? "yes" : "no");
			break;
		case KEY_BIND:
			fprintf(out, "%s\n",
				*(enum bind_method *)field == BIND_SIMPLE
					? "simple" : "external");
			break;
		case KEY_LEVEL:
			fprintf(out, "%s\n", level_names[*(int *)field]);
			break;
		}
	}
}

char *config_state_path(const struct agent_config *cfg, const char *name)
{
	char *path = NULL;

	if (asprintf(&path, "%s/%s", cfg->state_dir, name) < 0)
		return NULL;
	return path;
}

size_t config_key_count(void)
{
	return sizeof(keys) / sizeof(keys[0]);
}

const char *config_key_name(size_t i)
{
	return i < config_key_count() ? keys[i].name : NULL;
}
