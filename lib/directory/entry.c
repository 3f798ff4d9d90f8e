/* Attribute bags of entries to add or modify. */
#include "dir_internal.h"

#include <stdlib.h>
#include <string.h>

static struct dir_attr *attr_get(struct dir_entry *e, const char *name)
{
	struct dir_attr *attrs;

	for (size_t i = 0; i < e->count; i++)
		if (strcmp(e->attrs[i].name, name) == 0)
			return &e->attrs[i];
	attrs = realloc(e->attrs, (e->count + 1) * sizeof(*attrs));
	if (!attrs)
		return NULL;
	e->attrs = attrs;
	memset(&attrs[e->count], 0, sizeof(*attrs));
	attrs[e->count].name = strdup(name);
	if (!attrs[e->count].name)
		return NULL;
	return &attrs[e->count++];
}

int dir_entry_touch(struct dir_entry *e, const char *name)
{
	return attr_get(e, name) ? DIR_OK : DIR_ERR_NOMEM;
}

int dir_entry_take(struct dir_entry *e, const char *name, char *value)
{
	struct dir_attr *a;
	char **values;

	if (!value)
		return DIR_ERR_NOMEM;
	a = attr_get(e, name);
	if (!a)
		goto fail;
	/* Room for the value and the NULL terminator, doubling the array:
	 * a filter list can have 10,000 values. */
	if (a->count + 2 > a->capacity) {
		size_t capacity = a->capacity ? 2 * a->capacity : 8;

		values = realloc(a->values, capacity * sizeof(*values));
		if (!values)
			goto fail;
		a->values = values;
		a->capacity = capacity;
	}
	a->values[a->count++] = value;
	a->values[a->count] = NULL;
	return DIR_OK;
fail:
	/* The value may be a preshared key. */
	explicit_bzero(value, strlen(value));
	free(value);
	return DIR_ERR_NOMEM;
}

int dir_entry_add(struct dir_entry *e, const char *name, const char *value)
{
	char *copy = strdup(value);

	return copy ? dir_entry_take(e, name, copy) : DIR_ERR_NOMEM;
}

void dir_entry_free(struct dir_entry *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->count; i++) {
		for (size_t j = 0; j < e->attrs[i].count; j++) {
			char *v = e->attrs[i].values[j];

			explicit_bzero(v, strlen(v));
			free(v);
		}
		free(e->attrs[i].values);
		free(e->attrs[i].name);
	}
	free(e->attrs);
	free(e->dn);
	memset(e, 0, sizeof(*e));
}
