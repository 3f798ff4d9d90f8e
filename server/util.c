#include "util.h"

#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *file_read_all(const char *path, int private_key, size_t *len, char *err,
		    size_t errlen)
{
	FILE *in = fopen(path, "re");
	struct stat st;
	char *data = NULL;
	size_t got;

	if (!in) {
		snprintf(err, errlen, "unable to open '%s': %s", path,
			 strerror(errno));
		return NULL;
	}
	if (fstat(fileno(in), &st) != 0) {
		snprintf(err, errlen, "unable to read '%s': %s", path,
			 strerror(errno));
		goto out;
	}
	if (private_key && (st.st_mode & 077)) {
		snprintf(err, errlen,
			 "private key '%s' is readable by others: chmod 600 it",
			 path);
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		snprintf(err, errlen, "out of memory reading '%s'", path);
		goto out;
	}
	got = fread(data, 1, (size_t)st.st_size, in);
	if (got != (size_t)st.st_size) {
		snprintf(err, errlen, "unable to read '%s'", path);
		free(data);
		data = NULL;
		goto out;
	}
	data[got] = '\0';
	if (len)
		*len = got;
out:
	fclose(in);
	return data;
}

int number_parse(const char *text, unsigned long long min,
		 unsigned long long max, unsigned long long *out)
{
	char *end = NULL;
	unsigned long long value;

	if (!text || !(*text >= '0' && *text <= '9'))
		return -1;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || *end != '\0' || value < min || value > max)
		return -1;
	*out = value;
	return 0;
}

int host_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > REPORT_HOST_MAX)
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == len;
}
