/* SPDX-License-Identifier: MIT */
/*
 * json.h - a small streaming JSON writer (pretty, 2-space indent). Keys are passed with
 * each value inside objects and are NULL inside arrays. Numbers are exact integers.
 */
#ifndef OVC_JSON_H
#define OVC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH];   /* no member written yet at this level */
	char close[JSON_MAX_DEPTH];   /* '}' or ']' for this level */
};

void json_init(struct json *j, FILE *f);
void json_obj(struct json *j, const char *key);   /* begin an object */
void json_arr(struct json *j, const char *key);   /* begin an array */
void json_end(struct json *j);                    /* end the innermost; newline at top */
void json_str(struct json *j, const char *key, const char *v);   /* NULL -> null */
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

#endif
