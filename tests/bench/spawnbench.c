/* SPDX-License-Identifier: MIT */
/*
 * spawnbench.c - wall time of several commands measured side by side, interleaved: round
 * r runs command 1, 2, ..., n once each (in an order that rotates every round), so a
 * change in the machine's load touches every command alike. Prints, per command, the
 * median, the 10th and 90th percentile in microseconds, as "NAME median p10 p90".
 *
 *   spawnbench RUNS WARMUP NAME=CMD [ARG...] -- NAME=CMD [ARG...] -- ...
 *
 * Each command runs with stdout and stderr on /dev/null, by posix_spawn, timed from
 * the spawn to the wait with CLOCK_MONOTONIC. A command that exits non-zero stops it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_CMDS 8

struct cmd {
	const char *name;
	char **argv;
	double *us;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double run_once(const struct cmd *c, const posix_spawn_file_actions_t *fa)
{
	struct timespec t0, t1;
	pid_t pid;
	int st;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (posix_spawnp(&pid, c->argv[0], fa, NULL, c->argv, environ) != 0) {
		fprintf(stderr, "spawnbench: cannot run %s\n", c->argv[0]);
		exit(2);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "spawnbench: %s failed (status %d)\n", c->name, st);
		exit(2);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAX_CMDS];
	posix_spawn_file_actions_t fa;
	int runs, warmup, n = 0, i, r;

	if (argc < 4) {
		fprintf(stderr, "usage: spawnbench RUNS WARMUP NAME=CMD [ARG...] [-- NAME=CMD ...]\n");
		return 2;
	}
	runs = atoi(argv[1]);
	warmup = atoi(argv[2]);
	for (i = 3; i < argc && n < MAX_CMDS; n++) {
		char *eq = strchr(argv[i], '=');

		if (!eq || runs < 1 || warmup < 0) {
			fprintf(stderr, "spawnbench: '%s' is not NAME=CMD\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		cmds[n].name = argv[i];
		argv[i] = eq + 1;
		cmds[n].argv = &argv[i];
		while (i < argc && strcmp(argv[i], "--"))
			i++;
		if (i < argc)
			argv[i++] = NULL;   /* ends this command's argv */
		cmds[n].us = calloc((size_t)runs, sizeof(double));
		if (!cmds[n].us)
			return 2;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	for (r = -warmup; r < runs; r++)
		for (i = 0; i < n; i++) {
			int k = (i + (r < 0 ? 0 : r)) % n;   /* rotate who goes first */
			double us = run_once(&cmds[k], &fa);

			if (r >= 0)
				cmds[k].us[r] = us;
		}
	for (i = 0; i < n; i++) {
		qsort(cmds[i].us, (size_t)runs, sizeof(double), cmp_double);
		printf("%s %.0f %.0f %.0f\n", cmds[i].name, cmds[i].us[runs / 2],
		       cmds[i].us[runs / 10], cmds[i].us[runs * 9 / 10]);
	}
	return 0;
}
