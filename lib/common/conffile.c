#include "conffile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *text)
{
	char *end;

	while (isspace((unsigned char)*text))
		text++;
	end = text + strlen(text);
	while (end > text && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return text;
}

int conffile_read(const char *path, conffile_setting_fn *set, void *ctx)
{
	FILE *in = fopen(path, "re");
	char *line = NULL;
	size_t capacity = 0;
	unsigned lineno = 0;
	int ret = 0;

	if (!in)
		return -errno;
	while (getline(&line, &capacity, in) != -1) {
		char *text = trim(line);
		char *eq;

		lineno++;
		if (*text == '\0' || *text == '#')
			continue;
		eq = strchr(text, '=');
		if (eq)
			*eq = '\0';
		if (set(ctx, trim(text), eq ? trim(eq + 1) : NULL, lineno) < 0)
			ret = CONFFILE_REJECTED;
	}
	if (ferror(in))
		ret = -EIO;
	free(line);
	fclose(in);
	return ret;
}
