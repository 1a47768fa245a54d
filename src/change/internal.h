/* SPDX-License-Identifier: MIT */
/*
 * internal.h - what the change engine's files share: the run's private state (open
 * directories, the staged file, the lock) beside the result, and each step's entry.
 */
#ifndef OVC_CHANGE_INTERNAL_H
#define OVC_CHANGE_INTERNAL_H

#include "../sys/atomicfile.h"
#include "../sys/lock.h"
#include "change.h"

#define DROPIN_REL_DIR "etc/sysctl.d"
#define JOURNAL_REL_DIR "run/ovc"
#define JOURNAL_NAME "journal"

struct change {
	const struct change_env *env;
	const struct change_req *req;
	struct change_result *res;
	struct afile_dir dir;          /* <root>/etc/sysctl.d */
	bool dir_missing;              /* no such directory (and not created: dry run) */
	struct afile_stage stage;      /* the drop-in's new text, staged */
	struct afile_dir jdir;         /* <root>/run/ovc, while a journal is written */
	bool journaled;
	struct ovc_lock lock;
};

/* audit.c: one USYS_CONFIG record (live false: none is due); the records of a write;
 * the records of the drop-in's keys going from one state to another; the precheck
 * (--audit=on refuses here, -1 with err). */
void change_audit_record(struct change *c, bool live, const char *op, const char *key,
			 const char *old, const char *new, bool ok);
void change_audit_write(struct change *c, const char *op, const struct plan_write *w,
			const char *old, bool ok);
void change_audit_file(struct change *c, const char *op, const struct dropin_info *from,
		       bool from_present, const struct dropin_info *to, bool to_present, bool ok);
int change_audit_precheck(struct change *c, struct ovc_err *err);

/* runtime.c: write the plan (on failure undo what was written: -1, res->error set);
 * undo the first `done` writes (after a later step failed). */
int change_runtime_apply(struct change *c);
void change_runtime_undo(struct change *c, size_t done);

/* dropin.c: read the boot configuration and ovc's drop-in; after the plan, the new text
 * and the boot it gives; put the old file back after a commit that must be undone; the
 * records of the drop-in step. */
int change_dropin_prepare(struct change *c, struct ovc_err *err);
int change_dropin_plan(struct change *c, struct ovc_err *err);
void change_dropin_undo(struct change *c);
void change_dropin_audit(struct change *c, bool ok);

/* recover.c: the journal of this change (before its first write) and its removal; a
 * journal a killed ovc left, finished or undone under the lock (-1: res->error set). */
int change_journal_begin(struct change *c, struct ovc_err *err);
void change_journal_end(struct change *c);
int change_recover(struct change *c);

#endif
