/* SPDX-License-Identifier: MIT */
/*
 * ctrfs.h - does ovc run in a container, or in a cgroup namespace of its own? The signals
 * of core/container.h, read through the seams: PID 1's environ and self/ns/cgroup,
 * self/uid_map under --proc; /run/systemd/container, /run/.containerenv and /.dockerenv
 * under --root, only when --proc and --root describe one system.
 */
#ifndef OVC_CTRFS_H
#define OVC_CTRFS_H

#include <stdbool.h>
#include <stdint.h>

#include "fsroot.h"

enum ctr_signal {
	CTR_PID1_ENV = 1u << 0,      /* container= in <proc>/1/environ */
	CTR_RUN_SYSTEMD = 1u << 1,   /* <root>/run/systemd/container */
	CTR_CONTAINERENV = 1u << 2,  /* <root>/run/.containerenv (podman) */
	CTR_DOCKERENV = 1u << 3,     /* <root>/.dockerenv (docker) */
	CTR_CGROUP_NS = 1u << 4,     /* <proc>/self/ns/cgroup is not the initial one */
	CTR_USER_NS = 1u << 5,       /* <proc>/self/uid_map is not the initial one */
};
#define CTR_SIGNALS 6

struct ctr_info {
	unsigned signals;            /* enum ctr_signal bits */
	bool in_container;           /* a container signal (not only a namespace) */
	char manager[64];            /* docker, podman, lxc, systemd-nspawn, ...; "" unknown */
	int cgroup_ns;               /* 1 other, 0 the initial one, -1 unknown */
	uint64_t cgroup_ns_ino;
	int user_ns;                 /* 1 other, 0 initial, -1 unknown */
	bool root_read;              /* the --root files were looked at */
	bool pid1_unreadable;        /* 1/environ exists but could not be read (not root) */
};

/* The JSON and text name of one signal bit. */
const char *ctr_signal_name(unsigned bit);

/* same_system: --root is the system --proc shows (both defaults, or both given). */
void ctrfs_detect(const struct fsroot *proc, const struct fsroot *root, bool same_system,
		  struct ctr_info *ci);

#endif
