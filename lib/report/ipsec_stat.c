#include "ipsec_stat.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Split one line into a counter name and value; return 0 on success. */
static int stat_line_parse(char *line, const char **name, json_int_t *value)
{
	static const char blanks[] = " \t\n";
	char *key = line + strspn(line, blanks);
	size_t key_len = strcspn(key, blanks);
	char *text;
	char *end = NULL;
	unsigned long long number;

	if (key_len == 0 || key[key_len] == '\0')
		return -1;
	key[key_len] = '\0';
	text = key + key_len + 1;
	text += strspn(text, blanks);
	if (!(*text >= '0' && *text <= '9'))
		return -1;
	errno = 0;
	number = strtoull(text, &end, 10);
	if (errno || number > INT64_MAX)
		return -1;
	end += strspn(end, blanks);
	if (*end != '\0')
		return -1;
	*name = key;
	*value = (json_int_t)number;
	return 0;
}

json_t *ipsec_stat_parse(FILE *in)
{
	json_t *counters = json_object();
	char *line = NULL;
	size_t cap = 0;

	if (!counters)
		goto out;
	while (getline(&line, &cap, in) != -1) {
		const char *name;
		json_int_t value;

		if (stat_line_parse(line, &name, &value) != 0)
			continue;
		if (json_object_set_new(counters, name, json_integer(value))) {
			json_decref(counters);
			counters = NULL;
			goto out;
		}
	}
out:
	free(line);
	return counters;
}

json_t *ipsec_stat_read(const char *path)
{
	FILE *in = fopen(path, "re");
	json_t *counters;

	if (!in)
		return NULL;
	counters = ipsec_stat_parse(in);
	fclose(in);
	return counters;
}
