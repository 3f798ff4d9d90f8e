/* Writing the generated configuration into a swanctl directory. */
#include "ike.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IKE_CONNS_FILE "conf.d/ipseccmd.conf"
#define IKE_SECRETS_FILE "ipseccmd.secrets"
#define IKE_KEY_LINK "private/ipseccmd-host.pem"

/* Whether path contains exactly text with the given mode, owned by us. */
static bool ike_file_matches(const char *path, const char *text, mode_t mode)
{
	size_t len = strlen(text);
	struct stat st;
	char *buf = NULL;
	bool same = false;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 07777) != mode || st.st_uid != geteuid() ||
	    (size_t)st.st_size != len)
		goto out;
	buf = malloc(len + 1);
	if (!buf)
		goto out;
	n = read(fd, buf, len + 1);
	same = n == (ssize_t)len && memcmp(buf, text, len) == 0;
	explicit_bzero(buf, len + 1);
out:
	free(buf);
	close(fd);
	return same;
}

/* Replace path with text atomically: a new file with the final mode from
 * its creation on, then rename(2) over the old one. */
static int ike_file_replace(const char *path, const char *text, mode_t mode)
{
	char tmp[PATH_MAX];
	size_t len = strlen(text), done = 0;
	int fd = -1, ret;

	if (snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode) < 0)
		goto fail;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		done += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	return 0;
fail:
	ret = -errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return ret;
}

/* Point private/ipseccmd-host.pem at the host key: swanctl loads private
 * keys only from that folder, and a link leaves the key in one place. */
static int ike_key_link(const char *dir, const char *key, bool *changed)
{
	char link_path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	if (snprintf(link_path, sizeof(link_path), "%s/%s", dir,
		     IKE_KEY_LINK) >= (int)sizeof(link_path))
		return -ENAMETOOLONG;
	n = readlink(link_path, target, sizeof(target) - 1);
	if (n >= 0)
		target[n] = '\0';
	if (key && n >= 0 && strcmp(target, key) == 0)
		return 0;
	if (!key && n < 0 && errno == ENOENT)
		return 0;
	if (unlink(link_path) < 0 && errno != ENOENT)
		return -errno;
	*changed = true;
	if (key && symlink(key, link_path) < 0)
		return -errno;
	return 0;
}

int ike_config_write(const struct ike_config *cfg,
		     const struct ike_credentials *creds, const char *dir)
{
	char conns_path[PATH_MAX], secrets_path[PATH_MAX], real_dir[PATH_MAX];
	char *conns = NULL;
	bool key_changed = false;
	int changed = 0, ret;
	size_t size;

	if (snprintf(conns_path, sizeof(conns_path), "%s/%s", dir,
		     IKE_CONNS_FILE) >= (int)sizeof(conns_path) ||
	    snprintf(secrets_path, sizeof(secrets_path), "%s/%s", dir,
		     IKE_SECRETS_FILE) >= (int)sizeof(secrets_path))
		return -ENAMETOOLONG;

	/* The include names the secrets file by its absolute path, so it does
	 * not depend on the folder swanctl was started in. */
	if (!realpath(dir, real_dir))
		return -errno;
	size = strlen(cfg->conns) + strlen(real_dir) +
	       sizeof(IKE_SECRETS_FILE) + 32;
	conns = malloc(size);
	if (!conns)
		return -ENOMEM;
	snprintf(conns, size, "%sinclude %s/%s\n", cfg->conns, real_dir,
		 IKE_SECRETS_FILE);

	if (!ike_file_matches(secrets_path, cfg->secrets, 0600)) {
		ret = ike_file_replace(secrets_path, cfg->secrets, 0600);
		if (ret < 0)
			goto out;
		changed |= IKE_CHANGED_SECRETS;
	}
	ret = ike_key_link(dir, creds ? creds->host_key : NULL, &key_changed);
	if (ret < 0)
		goto out;
	if (key_changed)
		changed |= IKE_CHANGED_SECRETS;
	if (!ike_file_matches(conns_path, conns, 0644)) {
		ret = ike_file_replace(conns_path, conns, 0644);
		if (ret < 0)
			goto out;
		changed |= IKE_CHANGED_CONNS;
	}
	ret = changed;
out:
	free(conns);
	return ret;
}

int ike_dir_prepare(const char *dir)
{
	static const char *const subdirs[] = {
		"conf.d", "x509", "x509ca", "x509ocsp", "x509aa", "x509ac",
		"x509crl", "pubkey", "private", "rsa", "ecdsa", "bliss",
		"pkcs8", "pkcs12",
	};
	char path[PATH_MAX];
	size_t i;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	for (i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		mode_t mode = strcmp(subdirs[i], "private") == 0 ? 0700 : 0755;

		if (snprintf(path, sizeof(path), "%s/%s", dir, subdirs[i]) >=
		    (int)sizeof(path))
			return -ENAMETOOLONG;
		if (mkdir(path, mode) < 0 && errno != EEXIST)
			return -errno;
	}
	if (snprintf(path, sizeof(path), "%s/swanctl.conf", dir) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	if (access(path, F_OK) == 0)
		return 0;
	return ike_file_replace(path, "include conf.d/*.conf\n", 0644);
}
