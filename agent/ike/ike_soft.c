/* The kernel's ACQUIRE retry period as the stand-in for -1e. */
#include "ike.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define IKE_ACQ_EXPIRES "/proc/sys/net/core/xfrm_acq_expires"

uint32_t ike_acquire_expiry(const struct ike_rule_ref *rules, size_t count)
{
	uint32_t seconds = 0;
	size_t i;

	for (i = 0; i < count; i++) {
		const struct rule_spec *rule = rules[i].rule;

		if (!rule->soft || rule->qm.action != ACTION_NEGOTIATE ||
		    rule->soft_expiry_seconds == 0)
			continue;
		if (seconds == 0 || rule->soft_expiry_seconds < seconds)
			seconds = rule->soft_expiry_seconds;
	}
	return seconds;
}

int ike_acquire_expiry_set(uint32_t seconds)
{
	char text[16];
	int fd, len, ret = 0;

	len = snprintf(text, sizeof(text), "%lu\n", (unsigned long)seconds);
	fd = open(IKE_ACQ_EXPIRES, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, (size_t)len) != len)
		ret = errno ? -errno : -EIO;
	close(fd);
	return ret;
}
