/* The agent's one call after each apply. */
#include "ike.h"
#include "log.h"

#include <errno.h>
#include <string.h>

int ike_sync(const struct ike_rule_ref *rules, size_t count,
	     const struct ike_credentials *creds,
	     const struct ike_daemon *daemon, struct ike_config *out,
	     unsigned *changed)
{
	int ret;

	*changed = 0;
	ret = ike_config_build(rules, count, creds, out);
	if (ret < 0) {
		log_error("ike", "building the swanctl configuration failed: %s",
			  strerror(-ret));
		return ret;
	}
	ret = ike_dir_prepare(daemon->swanctl_dir);
	if (ret < 0) {
		log_error("ike", "preparing swanctl directory '%s' failed: %s",
			  daemon->swanctl_dir, strerror(-ret));
		return ret;
	}
	ret = ike_config_write(out, creds, daemon->swanctl_dir);
	if (ret < 0) {
		log_error("ike", "writing the swanctl configuration into '%s' failed: %s",
			  daemon->swanctl_dir, strerror(-ret));
		return ret;
	}
	*changed = (unsigned)ret;
	if (*changed == 0)
		return 0;
	log_info("ike", "loading changed %s%s%s into charon",
		 *changed & IKE_CHANGED_CONNS ? "connections" : "",
		 *changed == (IKE_CHANGED_CONNS | IKE_CHANGED_SECRETS)
			 ? " and " : "",
		 *changed & IKE_CHANGED_SECRETS ? "credentials" : "");
	return ike_config_load(daemon, *changed);
}
