#include "statefile.h"

#include <openssl/evp.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER_MAGIC "ipseccmd-state 1 sha256 "
#define HEADER_MAX 128

const char *statefile_strerror(int code)
{
	switch (code) {
	case STATEFILE_OK: return "success";
	case STATEFILE_EIO: return strerror(errno);
	case STATEFILE_ENOENT: return "no such file";
	case STATEFILE_EHEADER: return "header line missing or malformed";
	case STATEFILE_ELENGTH: return "payload length does not match the header";
	case STATEFILE_ECHECKSUM: return "SHA-256 checksum does not match";
	case STATEFILE_EMODE: return "not a regular file of mode 0600 or stricter";
	case STATEFILE_ENOMEM: return "out of memory";
	}
	return "unknown error";
}

static int sha256_hex(const void *data, size_t length, char hex[65])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;

	if (EVP_Digest(data, length, digest, &digest_len, EVP_sha256(),
		       NULL) != 1 || digest_len != 32)
		return -1;
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	return 0;
}

static int write_all(int fd, const void *data, size_t length)
{
	const char *p = data;

	while (length > 0) {
		ssize_t n = write(fd, p, length);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		length -= (size_t)n;
	}
	return 0;
}

static int fsync_folder(const char *path)
{
	char *copy = strdup(path);
	int fd = -1, ret = -1;

	if (!copy)
		goto out;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		goto out;
	ret = fsync(fd);
out:
	if (fd >= 0)
		close(fd);
	free(copy);
	return ret;
}

int statefile_write(const char *path, const void *payload, size_t length)
{
	char header[HEADER_MAX], hex[65];
	char *tmp = NULL;
	int fd = -1, ret = STATEFILE_EIO, saved;

	if (sha256_hex(payload, length, hex) < 0) {
		errno = EIO;
		goto out;
	}
	snprintf(header, sizeof(header), HEADER_MAGIC "%s %zu\n", hex, length);
	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0) {
		tmp = NULL;
		errno = ENOMEM;
		goto out;
	}

	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		goto out;
	if (write_all(fd, header, strlen(header)) < 0 ||
	    write_all(fd, payload, length) < 0 || fsync(fd) < 0)
		goto out;
	if (close(fd) < 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto out;
	if (fsync_folder(path) < 0)
		goto out;
	ret = STATEFILE_OK;
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (ret != STATEFILE_OK && tmp)
		unlink(tmp);
	free(tmp);
	errno = saved;
	return ret;
}

/* Parse "HEX LENGTH\n" after the magic; returns the header's length. */
static int header_parse(const char *buf, size_t have, char hex[65],
			size_t *length)
{
	const char *nl = memchr(buf, '\n', have < HEADER_MAX ? have : HEADER_MAX);
	const size_t magic_len = strlen(HEADER_MAGIC);
	const char *p;
	char *end;
	unsigned long long n;

	if (!nl || (size_t)(nl - buf) < magic_len + 66 ||
	    memcmp(buf, HEADER_MAGIC, magic_len) != 0)
		return STATEFILE_EHEADER;
	p = buf + magic_len;
	for (int i = 0; i < 64; i++) {
		if (p[i] == '\0' || !strchr("0123456789abcdef", p[i]))
			return STATEFILE_EHEADER;
		hex[i] = p[i];
	}
	hex[64] = '\0';
	if (p[64] != ' ' || p[65] < '0' || p[65] > '9')
		return STATEFILE_EHEADER;
	errno = 0;
	n = strtoull(p + 65, &end, 10);
	if (errno != 0 || end != nl || n > STATEFILE_MAX_PAYLOAD)
		return STATEFILE_EHEADER;
	*length = (size_t)n;
	return (int)(nl - buf + 1);
}

int statefile_read(const char *path, char **payload, size_t *length)
{
	char hex[65], actual[65];
	char *buf = NULL;
	size_t have = 0, want = 0;
	struct stat st;
	int fd, ret, header_len;

	*payload = NULL;
	*length = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		ret = errno == ENOENT ? STATEFILE_ENOENT : STATEFILE_EIO;
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		ret = STATEFILE_EIO;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 0077) != 0) {
		ret = STATEFILE_EMODE;
		goto out;
	}
	if ((uint64_t)st.st_size > STATEFILE_MAX_PAYLOAD + HEADER_MAX) {
		ret = STATEFILE_ELENGTH;
		goto out;
	}

	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		ret = STATEFILE_ENOMEM;
		goto out;
	}
	while (have < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + have, (size_t)st.st_size - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = STATEFILE_EIO;
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}

	header_len = header_parse(buf, have, hex, &want);
	if (header_len < 0) {
		ret = header_len;
		goto out;
	}
	if (have - (size_t)header_len != want) {
		ret = STATEFILE_ELENGTH;
		goto out;
	}
	if (sha256_hex(buf + header_len, want, actual) < 0 ||
	    strcmp(hex, actual) != 0) {
		ret = STATEFILE_ECHECKSUM;
		goto out;
	}

	memmove(buf, buf + header_len, want);
	buf[want] = '\0';
	*payload = buf;
	*length = want;
	buf = NULL;
	ret = STATEFILE_OK;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

json_t *statefile_read_json(const char *path)
{
	char *payload = NULL;
	size_t length = 0;
	json_t *json = NULL;

	if (path && statefile_read(path, &payload, &length) == STATEFILE_OK)
		json = json_loadb(payload, length, 0, NULL);
	free(payload);
	return json;
}
