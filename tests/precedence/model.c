/* SPDX-License-Identifier: MIT */
/*
 * model.c - test helper for tests/precedence/run: lists a fake root's sysctl.d trees,
 * runs core/precedence on them and prints, per tool, the values the tool leaves in a
 * proc tree of PLAIN files (no kernel: every write lands as text, systemd still skips
 * a value equal to the file's content), and the kernel values the model predicts.
 *
 *   model ROOT   ->  "systemd plain <memory> <ratio> <kbytes>" ...
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/precedence.h"

#define MAXF 128

static struct prec_file files[MAXF];
static size_t nfiles;
static struct prec_result res;

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p) {
		perror("strdup");
		exit(2);
	}
	return p;
}

/* Read ROOT-relative path, following a link whose target resolves inside ROOT. */
static void add_file(const char *root, const char *dir, const char *name)
{
	struct prec_file *f = &files[nfiles];
	char p[PATH_MAX], link[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (nfiles >= MAXF) {
		fprintf(stderr, "model: too many files\n");
		exit(2);
	}
	memset(f, 0, sizeof(*f));
	snprintf(p, sizeof(p), "%s%s/%s", root, dir, name);
	f->dir = xstrdup(dir);
	f->name = xstrdup(name);
	f->path = xstrdup(p);
	n = readlink(p, link, sizeof(link) - 1);
	if (n >= 0) {
		link[n] = '\0';
		if (!strcmp(link, "/dev/null")) {
			f->masked = true;
			nfiles++;
			return;
		}
		if (link[0] == '/')   /* absolute: inside the root */
			snprintf(p, sizeof(p), "%s%s", root, link);
	}
	if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
		FILE *fp = fopen(p, "r");

		f->regular = true;
		if (fp) {
			static char buf[65536];
			size_t len = fread(buf, 1, sizeof(buf), fp);
			char *t = malloc(len + 1);

			if (!t) {
				perror("malloc");
				exit(2);
			}
			memcpy(t, buf, len);
			t[len] = '\0';
			f->text = t;
			f->len = len;
			f->readable = true;
			fclose(fp);
		}
	}
	nfiles++;
}

static void scan(const char *root, const char *dir)
{
	char p[PATH_MAX];
	struct dirent *de;
	DIR *d;

	snprintf(p, sizeof(p), "%s%s", root, dir);
	d = opendir(p);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			add_file(root, dir, de->d_name);
	closedir(d);
}

static void plain(enum prec_tool tool)
{
	const struct model_policy *boot = &knob_kernel_defaults;
	char cur[KNOB_COUNT][256] = { [KNOB_MODE] = "0", [KNOB_RATIO] = "50", [KNOB_KBYTES] = "0" };
	char order[4096] = "";
	struct ovc_err e;
	size_t i, o = 0;

	if (prec_resolve(tool, files, nfiles, boot, &res, &e) < 0) {
		fprintf(stderr, "model: %s\n", e.msg);
		exit(2);
	}
	for (i = 0; i < res.nwrites; i++) {
		const struct prec_write *w = &res.writes[i];
		char v[256];

		snprintf(v, sizeof(v), "%.*s", (int)w->value_len, w->value);
		if (tool == PREC_SYSTEMD && !strcmp(v, cur[w->key]))
			continue;   /* SUPPRESS_REDUNDANT_VIRTUAL compares with the file */
		snprintf(cur[w->key], sizeof(cur[0]), "%s", v);
		if (o < sizeof(order))
			o += (size_t)snprintf(order + o, sizeof(order) - o, "%s%s", o ? "," : "",
					      knob_name(w->key) + 14);
	}
	printf("%s plain %s|%s|%s\n", tool == PREC_SYSTEMD ? "systemd" : "procps",
	       cur[KNOB_MODE], cur[KNOB_RATIO], cur[KNOB_KBYTES]);
	printf("%s kernel %d|%lld|%llu\n", tool == PREC_SYSTEMD ? "systemd" : "procps",
	       res.final.mode, (long long)res.final.ratio, (unsigned long long)res.final.kbytes);
	printf("%s order %s\n", tool == PREC_SYSTEMD ? "systemd" : "procps", order);
	for (i = 0; i < res.nwrites; i++)
		printf("%s write %s=%.*s\n", tool == PREC_SYSTEMD ? "systemd" : "procps",
		       knob_name(res.writes[i].key), (int)res.writes[i].value_len,
		       res.writes[i].value);
}

int main(int argc, char **argv)
{
	static const char *const dirs[] = {
		"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d",
		"/usr/lib/sysctl.d", "/lib/sysctl.d",
	};
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: model ROOT\n");
		return 2;
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		scan(argv[1], dirs[i]);
	{
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/etc/sysctl.conf", argv[1]);
		if (access(p, F_OK) == 0 || errno != ENOENT)
			add_file(argv[1], "/etc", "sysctl.conf");
	}
	plain(PREC_SYSTEMD);
	plain(PREC_PROCPS);
	return 0;
}
