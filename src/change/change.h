/* SPDX-License-Identifier: MIT */
/*
 * change.h - the change engine: the one transaction behind "set", "set --persist",
 * "persist", "reset" and "profile apply". It carries out a request through sys/ and
 * returns what happened in a change_result; it prints nothing (cli/change_text and
 * cli/change_json render the result).
 *
 * Order, so that a failure anywhere leaves the old state (runtime and drop-in):
 *   1. lock (<root>/run/ovc/lock); finish or undo a change a killed ovc left (the journal);
 *   2. read the running values (not offline) and the boot configuration;
 *   3. plan (pure): runtime writes, the policy to persist, the drop-in's text, the boot
 *      with that drop-in under both tools, the guard; refuse here, having written nothing;
 *   4. audit precheck (--audit=on refuses here);
 *   5. the journal; stage the drop-in (a temporary, fsync'ed): nothing visible yet;
 *   6. write the running values in the planned order (failure: undo, discard the stage);
 *   7. commit the drop-in: rename + fsync of the directory (failure: undo step 6; a
 *      rename that happened is reverted by restoring the old file);
 *   8. audit records; --audit=on and one not delivered: undo 7 and 6.
 */
#ifndef OVC_CHANGE_H
#define OVC_CHANGE_H

#include <stdbool.h>

#include "../core/decide.h"
#include "../core/dropin.h"
#include "../core/err.h"
#include "../core/plan.h"
#include "../core/precedence.h"
#include "../core/profile.h"
#include "../sys/confdirs.h"
#include "../sys/procfs.h"

enum change_persist {
	PERSIST_NONE,     /* the running values only */
	PERSIST_WRITE,    /* write ovc's drop-in with the resulting policy */
	PERSIST_REMOVE,   /* remove ovc's drop-in */
};

enum audit_mode { AUD_AUTO, AUD_ON, AUD_OFF };

struct change_req {
	bool runtime;                 /* change the running values (else the boot config only) */
	struct plan_request rq;       /* empty with PERSIST_WRITE: the base values as they are */
	enum change_persist persist;
	const char *profile;          /* recorded in the drop-in header; NULL: none */
	/* a profile: rq is computed from it for the host read (offline: host_figures) */
	const struct profile *profile_def;
	bool host_figures_set;
	struct profile_host host_figures;
	bool dry_run, force;
	enum audit_mode audit;
	/* --wait, --no-wait: give up on a lock another ovc holds after lock_wait_ms (0: at
	 * once) with OVC_E_LOCKED; without, wait for as long as it takes */
	bool lock_wait_set;
	uint64_t lock_wait_ms;
};

/* Where the change happens, and who hears about a wait for the lock. */
struct change_env {
	const struct fsroot *proc;    /* the running kernel or a saved tree; NULL offline */
	const char *proc_dir;         /* as given: the journal records it */
	const struct fsroot *root;    /* the system root (drop-in, lock, journal) */
	bool root_set;                /* root is another system: its records are not audited */
	/* called once, when another ovc has held the lock for a second; then it waits (up to
	 * req->lock_wait_ms with lock_wait_set) */
	void (*waiting)(void *arg, const char *lock_path);
	void *arg;
};

enum write_result { W_PENDING, W_WRITTEN, W_FAILED, W_ROLLED_BACK, W_ROLLBACK_FAILED };

enum file_result {
	F_PENDING, F_WRITTEN, F_REMOVED, F_FAILED, F_RESTORED, F_RESTORE_FAILED,
};

/* What the run came to. */
enum change_outcome {
	CHANGE_DONE,             /* written, a no-op, or a dry run */
	CHANGE_REFUSED,          /* a refusal (res->refusal): nothing was written */
	CHANGE_ERROR,            /* stopped before writing anything: res->error */
	CHANGE_FAILED,           /* a step failed (res->error), what was written is undone */
	CHANGE_ROLLBACK_FAILED,  /* ... and the undo failed too: see res->left */
};

/* How a failed change was undone (for CHANGE_FAILED). */
enum change_undone {
	UNDONE_UNSAID,           /* nothing to add to the error */
	UNDONE_NOTHING_CHANGED,  /* nothing was written, runtime or boot */
	UNDONE_RUNTIME,          /* the running values were rolled back (no drop-in step) */
	UNDONE_RUNTIME_NO_DROPIN,   /* ... and the drop-in was not written */
	UNDONE_BOOT_UNTOUCHED,   /* no runtime write happened; the drop-in was not touched */
	UNDONE_RUNTIME_AFTER_DROPIN,  /* the drop-in failed; the running values rolled back */
	UNDONE_AUDIT_ON,         /* --audit=on without a record: the change was undone */
};

enum audit_status {
	AUDIT_ST_OFF,            /* --audit=off */
	AUDIT_ST_NOT_LIVE,       /* neither the running kernel nor this system's /etc changed */
	AUDIT_ST_NONE,           /* nothing was written */
	AUDIT_ST_DISABLED,       /* auditing is off in the kernel: nothing sent */
	AUDIT_ST_UNAVAILABLE,    /* no audit here (no support, a container, no capability) */
	AUDIT_ST_FAILED,         /* a record was not delivered */
	AUDIT_ST_DELIVERED,      /* ACKed, and the kernel said auditing is on */
	AUDIT_ST_ACKNOWLEDGED,   /* ACKed, but the kernel would not say whether it is on */
};

/* The commit figures of one policy on the host read (not offline). */
struct change_figures {
	uint64_t commit_limit_kb;
	int64_t headroom_kb;
	uint64_t max_alloc_kb, max_alloc_admin_kb;
};

struct change_audit {
	enum audit_mode mode;
	bool runtime_live;    /* the running kernel's values change: records for them */
	bool file_live;       /* the host's own /etc changes: records for the drop-in */
	int enabled;          /* AUDIT_GET: 0 off (records dropped), >0 on, -1 unknown */
	bool skip;            /* no record can be logged (disabled or unavailable): none sent */
	unsigned sent, delivered;
	bool unavailable, failed;
	struct ovc_err why;   /* the first reason a record was not delivered */
};

struct change_dropin {
	enum change_persist action;
	struct confdirs cd;
	char path[4400];               /* <root>/etc/sysctl.d/99-zz-ovc.conf */
	char *old;                     /* the existing file's bytes, or NULL */
	size_t old_len;
	struct dropin_info old_info, new_info;
	char text[DROPIN_TEXT_MAX];    /* the new text (PERSIST_WRITE) */
	size_t len;
	struct model_policy policy;    /* what the drop-in sets */
	struct prec_result before_sd, before_pp;
	struct dropin_check after;
	struct dropin_change change;   /* would it change, is the old one foreign or untrusted */
	enum file_result result;
	struct ovc_err fail, restore_fail;
};

struct change_result {
	const struct change_req *req;
	enum change_outcome outcome;
	struct ovc_err error;          /* CHANGE_ERROR, _FAILED, _ROLLBACK_FAILED: the cause */
	enum change_undone undone;
	struct plan_request rq;        /* req->rq, or computed from req->profile_def */
	bool offline;                  /* --root without --proc: no running kernel */
	struct procfs_host ph;         /* the host read (not offline) */
	struct plan plan;              /* runtime writes (nwrites 0 when !runtime) */
	struct plan guard;             /* the guard's view (= plan, or the persisted policy) */
	struct change_decision decision;   /* refusal, forced, would change (core/decide) */
	struct change_figures fig_before, fig_after, fig_boot_now, fig_boot_after;
	struct change_audit audit;
	enum write_result result[2];
	struct plan_write undo[2];
	enum write_result undo_result[2];
	size_t nundo;
	struct ovc_err undo_fail;
	bool waited;                   /* another ovc held the lock for a second */
	long lock_holder;              /* OVC_E_LOCKED: the PID holding it, 0 if unknown */
	/* an interrupted change found under the lock, finished or undone first */
	bool recovered, recovered_committed;
	long recovered_pid;
	struct model_policy recovered_to;
	char recover_path[4400];       /* the journal (also when recovery failed) */
	bool recover_failed;           /* the journal's change could not be finished/undone */
	struct ovc_err journal_left;   /* the change is done but its journal stayed: why */
	char journal_path[4400];       /* ... and where */
	/* CHANGE_ROLLBACK_FAILED: the running values read back afterwards */
	bool left_known;
	struct model_policy left;
	struct ovc_err left_err;
	struct change_dropin ps;
};

/*
 * Run the change (res is large: keep it off the stack) and return res->outcome. env and
 * req must outlive res; free it with change_result_free.
 */
enum change_outcome change_run(const struct change_env *env, const struct change_req *req,
			       struct change_result *res);
void change_result_free(struct change_result *res);

/* Did the run write anything that stays (the running values or the drop-in)? */
bool change_changed(const struct change_result *res);

/* The policy the change aims at: the drop-in's with a drop-in step, else plan.after. */
const struct model_policy *change_target(const struct change_result *res);

/* What became of the audit records. */
enum audit_status change_audit_status(const struct change_result *res);

/* What became of ovc's drop-in. */
enum file_state {
	FILE_NONE,               /* no drop-in step */
	FILE_REFUSED,            /* the change was refused */
	FILE_UNCHANGED,          /* already as wanted (or absent, for a removal) */
	FILE_WOULD_WRITE, FILE_WOULD_REMOVE,   /* a dry run */
	FILE_NOT_ATTEMPTED,      /* an earlier step failed */
	FILE_WRITTEN, FILE_REMOVED, FILE_FAILED, FILE_RESTORED, FILE_RESTORE_FAILED,
};
enum file_state change_file_state(const struct change_result *res);

#endif
