/* SPDX-License-Identifier: MIT */
/*
 * cmd_check.c - "ovc check": would one allocation of SIZE bytes (or a NumPy array, or the
 * array of a pasted MemoryError) succeed now, and under each mode; why not; what helps.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

#include "../core/numpy.h"
#include "../core/simulate.h"
#include "../core/units.h"
#include "../sys/caps.h"
#include "../sys/proctop.h"
#include "check_memmap.h"
#include "hostctx.h"
#include "render.h"
#include "shared.h"
#include "touchview.h"

#define MAX_STDIN (1u << 20)

/* check --memmap (check_memmap.h): its options, beside the common ones */
enum { OPT_MEMMAP = 0x1c0, OPT_MEMMAP_MODE };
#define MEMMAP_LONGOPTS                                                 \
	{ "memmap", required_argument, NULL, OPT_MEMMAP },              \
	{ "memmap-mode", required_argument, NULL, OPT_MEMMAP_MODE }

struct request {
	const char *size_arg, *shape_arg, *dtype_arg, *numpy_arg, *init_arg;
	bool via_mmap;
	const char *pid_arg;
	char pid_dir[16];            /* canonical decimal, for <proc>/PID */
	/* resolved */
	uint64_t bytes;
	bool over_64;                /* a shape of 2^64 bytes or more: bytes is no size */
	bool numpy_too_big;          /* NumPy refuses the array: "array is too big" */
	struct numpy_shape shape;
	uint64_t itemsize;
	bool from_numpy;             /* shape x dtype known */
	struct numpy_error ne;
	bool from_message;
	bool has_object;             /* the dtype holds Python objects: written at creation */
	const char *fork_arg;        /* --fork PID: the request is that process's fork */
	struct top_fork tf;
	bool written;                /* every page written when the array is created */
	const char *touched_arg, *numpy_version_arg;
	bool has_touched;
	uint64_t touched;            /* --touched: elements written, for the THP cost */
	unsigned numpy_ver;          /* --numpy-version: major * 100 + minor; 0 unknown */
	const char *cgroup_arg;      /* --cgroup DIR: the touch answer for that cgroup */
	bool touch_shown;            /* a touch answer applies (not --fork, not too big) */
	struct touch_view tv;
};

/*
 * How NumPy creates the array: np.empty and np.zeros leave the pages untouched (zeros
 * asks calloc, whose fresh mmap'ed memory is already zero: glibc's calloc skips the
 * memset for an mmapped chunk), np.ones and np.full write every one.
 */
static const char *const inits[] = { "empty", "zeros", "ones", "full" };

static const char *verdict_word(enum model_verdict v)
{
	return v == VERDICT_FITS ? "fits" : v == VERDICT_FAILS ? "fails" : "borderline";
}

static int read_stdin(struct ovc_ctx *ctx, char **out)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	while (buf) {
		ssize_t r = read(STDIN_FILENO, buf + len, cap - len - 1);

		if (r < 0) {
			struct ovc_err err = { 0 };

			ovc_fail(&err, OVC_E_SYSTEM, errno, NULL, 0, "cannot read the message from stdin");
			free(buf);
			return cli_report(ctx, &err);
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len + 1 == cap) {
			char *nb;

			if (cap >= MAX_STDIN) {
				free(buf);
				return cli_usage_error(ctx, "the message on stdin is over 1 MiB");
			}
			nb = realloc(buf, cap * 2);
			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
		}
	}
	if (!buf) {
		struct ovc_err err = { 0 };

		ovc_fail(&err, OVC_E_SYSTEM, ENOMEM, NULL, 0, "cannot read the message from stdin");
		return cli_report(ctx, &err);
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		free(buf);
		return cli_usage_error(ctx, "the message on stdin contains a NUL byte");
	}
	*out = buf;
	return 0;
}

/* Append one more reason to a usage message: "invalid WHAT 'ARG': WHY; and ...". */
static void add_error(char *msg, size_t len, const char *what, const char *arg, const char *why)
{
	size_t o = strlen(msg);

	if (o < len)
		snprintf(msg + o, len - o, "%sinvalid %s '%s': %s", o ? "; and " : "", what, arg,
			 why);
}

static int resolve_request(struct ovc_ctx *ctx, struct request *rq)
{
	const char *why;
	char err[600] = "";
	int sources = !!rq->size_arg + !!rq->shape_arg + !!rq->numpy_arg + !!rq->fork_arg;

	if (sources != 1)
		return cli_usage_error(ctx, sources ? "give one of SIZE, --shape, --numpy-error or --fork"
						    : "what size? give SIZE, --shape, --numpy-error or --fork PID");
	if (rq->fork_arg) {
		if (rq->pid_arg)
			return cli_usage_error(ctx, "--fork PID is the process already: no --pid");
		if (rq->init_arg || rq->via_mmap)
			return cli_usage_error(ctx, "--init and --via do not go with --fork");
		if (rq->cgroup_arg)
			return cli_usage_error(ctx, "--cgroup does not go with --fork: a fork's pages are shared until written");
		rq->pid_arg = rq->fork_arg;
	}
	if (rq->dtype_arg && !rq->shape_arg)
		return cli_usage_error(ctx, "--dtype goes with --shape");
	if (rq->init_arg) {
		size_t i;

		if (rq->size_arg)
			return cli_usage_error(ctx, "--init goes with --shape or --numpy-error: how NumPy creates the array");
		for (i = 0; i < sizeof(inits) / sizeof(inits[0]); i++)
			if (!strcmp(rq->init_arg, inits[i]))
				break;
		if (i == sizeof(inits) / sizeof(inits[0]))
			return cli_usage_error(ctx, "invalid --init '%s': empty, zeros, ones or full",
					       rq->init_arg);
		rq->written = i >= 2;
	}
	if ((rq->touched_arg || rq->numpy_version_arg) && rq->fork_arg)
		return cli_usage_error(ctx, "--touched and --numpy-version do not go with --fork");
	if (rq->touched_arg) {
		int64_t n;

		if (units_parse_int(rq->touched_arg, 0, INT64_MAX, &n, &why) < 0 ||
		    rq->touched_arg[0] < '0' || rq->touched_arg[0] > '9')
			return cli_usage_error(ctx, "invalid --touched '%s': a number of elements (0 or more)",
					       rq->touched_arg);
		rq->touched = (uint64_t)n;
		rq->has_touched = true;
	}
	if (rq->numpy_version_arg &&
	    hostctx_numpy_version(rq->numpy_version_arg, &rq->numpy_ver) < 0)
		return cli_usage_error(ctx, "invalid --numpy-version '%s': MAJOR.MINOR, such as 1.24 or 2.2",
				       rq->numpy_version_arg);
	/* every argument is checked, and every bad one named, before any is reported */
	if (rq->pid_arg) {
		int64_t pid;

		if (units_parse_int(rq->pid_arg, 1, INT32_MAX, &pid, &why) < 0 ||
		    rq->pid_arg[0] < '0' || rq->pid_arg[0] > '9')
			add_error(err, sizeof(err), "--pid", rq->pid_arg, "not a process ID");
		else
			snprintf(rq->pid_dir, sizeof(rq->pid_dir), "%d", (int)pid);
	}
	if (rq->size_arg) {
		if (units_parse_size(rq->size_arg, &rq->bytes, &why) < 0) {
			struct numpy_error ne;
			const char *ignored;

			/* a MemoryError pasted where the size goes */
			if (numpy_parse_error(rq->size_arg, &ne, &ignored) == 0 ||
			    strstr(rq->size_arg, "Unable to allocate"))
				why = "this is a NumPy MemoryError message; give it with --numpy-error (or --numpy-error - to read it from stdin)";
			add_error(err, sizeof(err), "size", rq->size_arg, why);
		}
		return err[0] ? cli_usage_error(ctx, "%s", err) : 0;
	}
	if (rq->shape_arg) {
		const char *dt = rq->dtype_arg ? rq->dtype_arg : "float64";   /* np.empty's default */
		struct numpy_dtype ndt;
		struct numpy_size sz;

		if (numpy_parse_shape(rq->shape_arg, &rq->shape, &why) < 0)
			add_error(err, sizeof(err), "--shape", rq->shape_arg, why);
		if (numpy_dtype_parse(dt, &ndt, &why) < 0)
			add_error(err, sizeof(err), "--dtype", dt, why);
		if (err[0])
			return cli_usage_error(ctx, "%s", err);
		if (numpy_array_size(&rq->shape, &ndt, &sz, &why) < 0)
			return cli_usage_error(ctx, "shape %s of %s: %s", rq->shape_arg, dt, why);
		rq->itemsize = ndt.itemsize;
		rq->bytes = sz.bytes;
		rq->over_64 = sz.over_64;
		rq->numpy_too_big = sz.too_big;
		rq->from_numpy = true;
		rq->has_object = numpy_dtype_has_object(dt);
		rq->written |= rq->has_object;
		return 0;
	}
	if (err[0])
		return cli_usage_error(ctx, "%s", err);
	if (rq->fork_arg)
		return 0;   /* the size comes from the process's mappings */
	{
		char *msg = NULL;
		int r;

		if (!strcmp(rq->numpy_arg, "-")) {
			r = read_stdin(ctx, &msg);
			if (r)
				return r;
		}
		r = numpy_parse_error(msg ? msg : rq->numpy_arg, &rq->ne, &why);
		free(msg);
		if (r < 0)
			return cli_usage_error(ctx, "cannot read the NumPy message: %s", why);
		rq->bytes = rq->ne.bytes;
		rq->over_64 = rq->ne.over_64;
		rq->numpy_too_big = rq->ne.too_big;
		rq->shape = rq->ne.shape;
		rq->itemsize = rq->ne.itemsize;
		rq->from_numpy = rq->ne.exact;
		rq->from_message = true;
		rq->has_object = numpy_dtype_has_object(rq->ne.dtype);
		rq->written |= rq->has_object;
	}
	return 0;
}

static void shape_text(const struct numpy_shape *s, char *buf, size_t len)
{
	size_t i, o = 0;

	o += (size_t)snprintf(buf + o, len - o, "(");
	for (i = 0; i < s->ndim && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%" PRIu64, i ? ", " : "", s->dims[i]);
	if (o < len)
		snprintf(buf + o, len - o, "%s)", s->ndim == 1 ? "," : "");
}

static int load_pid(struct ovc_ctx *ctx, struct procfs_host *ph, const char *pid_dir,
		    struct procfs_task *pt, struct model_task *task, const struct whatif *w)
{
	struct ovc_err err = { 0 };

	if (procfs_read_task(&ctx->proc, pid_dir, pt, &err) < 0) {
		/* a process that is gone (or never was in a saved tree) is bad input */
		if (err.code == OVC_E_INPUT && err.errnum == ENOENT)
			ovc_fail(&err, OVC_E_INPUT, 0, ctx->proc_dir, 0, "no process %s", pid_dir);
		return cli_report(ctx, &err);
	}
	pt->pid = (pid_t)atoi(pid_dir);   /* validated decimal */
	/* On the running kernel ask it (capget) rather than trust the text. */
	if (ctx->proc.live) {
		bool has;

		if (caps_pid_sys_admin(pt->pid, &has, &err) < 0)
			return cli_report(ctx, &err);
		pt->cap_sys_admin = has;
		pt->task.admin = has && pt->initial_userns;
	}
	task->admin = pt->task.admin;
	if (!w->vmsize_set) {
		task->vmsize_known = pt->task.vmsize_known;
		task->vmsize_kb = pt->task.vmsize_kb;
	}
	if (!w->vmdata_set) {
		task->vmdata_known = pt->task.vmdata_known;
		task->vmdata_kb = pt->task.vmdata_kb;
	}
	if (!w->rlimit_set)
		task->rlimit_as_bytes = pt->task.rlimit_as_bytes;
	task_rlimit_data(w, pt->task.rlimit_data_bytes, pt->task.rlimit_data_max_bytes, task);
	return cli_need_cmdline(ctx, ph, task);
}

/*
 * A pasted error that fits here: what could have refused it where it ran that ovc does
 * not see. Each applies unless the options already gave it.
 */
enum unseen { UNSEEN_LIMITS, UNSEEN_SIZE, UNSEEN_COMMITTED, UNSEEN_HOST, UNSEEN_N };

static const char *const unseen_id[UNSEEN_N] = {
	"process_limits", "process_size", "committed_as_then", "other_host",
};

static const char *const unseen_text[UNSEEN_N] = {
	"the failing process's RLIMIT_AS and RLIMIT_DATA (ulimit -v, ulimit -d, a systemd LimitAS= or LimitDATA=, a batch system's limits): give --pid PID while it runs, or --rlimit-as and --rlimit-data",
	"its own size, which those limits and mode 2's user reserve count: give --pid PID, or --vmsize and --vmdata",
	"Committed_AS when it failed: in mode 2 the other processes' commitments then, not now (give --committed)",
	"the machine it ran on, if not this one: its RAM, swap and vm.overcommit_* (a container shares its host's; a VM or another node has its own): give --mem, --swap, --mode and --ratio, or a saved tree with --proc",
};

static bool unseen_applies(enum unseen u, const struct ovc_ctx *ctx, const struct request *rq,
			   const struct whatif *w, const struct procfs_host *ph)
{
	switch (u) {
	case UNSEEN_LIMITS:    return !rq->pid_arg && !(w->rlimit_set && w->rlimit_data_set);
	case UNSEEN_SIZE:      return !rq->pid_arg && !(w->vmsize_set && w->vmdata_set);
	case UNSEEN_COMMITTED: return !w->committed_set;
	case UNSEEN_HOST:      return ph->live && !ctx->proc_set && !whatif_any(w);
	case UNSEEN_N:         break;
	}
	return false;
}

/* Chunks along the leading dimension, for an array that does not fit in one piece. */
struct chunking {
	bool valid;
	bool by_touch;      /* the rows are fewer so that a chunk can also be written */
	uint64_t rows, of_rows, row_bytes, chunks;
	char memmap[1280];  /* the np.memmap line that would hold the whole array */
};

/* The touch limit, in words for the chunking line */
static const char *touch_limit_words(enum touch_limit l)
{
	switch (l) {
	case TOUCH_CGROUP:      return "the cgroup's memory limit";
	case TOUCH_RLIMIT_DATA: return "RLIMIT_DATA";
	case TOUCH_RAM_SWAP:    return "the RAM + swap free now";
	default:                return "nothing";
	}
}

static void plan_chunks(const struct model_host *h, const struct model_policy *p,
			const struct model_task *t, const struct request *rq,
			const struct check_result *cr, struct chunking *ck)
{
	const char *dt = rq->from_message ? rq->ne.dtype : rq->dtype_arg ? rq->dtype_arg : "float64";
	uint64_t row = rq->itemsize;
	char shp[512];
	size_t i;

	/* a chunk is there to be worked on, so written: where the whole array could not be
	 * written (the touch answer: the cgroup, RAM + swap, RLIMIT_DATA), a chunk must be */
	bool touch_binds = rq->touch_shown && !rq->tv.res.fits;

	memset(ck, 0, sizeof(*ck));
	if ((cr->verdict == VERDICT_FITS && !touch_binds) || !rq->from_numpy ||
	    rq->shape.ndim == 0 || rq->shape.dims[0] < 2)
		return;
	for (i = 1; i < rq->shape.ndim; i++)
		if (__builtin_mul_overflow(row, rq->shape.dims[i], &row))
			return;
	if (!row)
		return;
	ck->valid = true;
	ck->row_bytes = row;
	ck->of_rows = rq->shape.dims[0];
	ck->rows = sim_max_rows(h, p, t, row, ck->of_rows, rq->via_mmap, rq->written);
	if (touch_binds) {
		uint64_t writable = (uint64_t)((unsigned __int128)rq->tv.res.limit_kb * 1024 / row);

		if (writable < ck->rows) {
			ck->rows = writable;
			ck->by_touch = true;
		}
	}
	ck->chunks = ck->rows ? ck->of_rows / ck->rows + !!(ck->of_rows % ck->rows) : 0;
	shape_text(&rq->shape, shp, sizeof(shp));
	/* a Python string for a dtype spelling; a list of fields is a literal already */
	if (dt[0] == '[')
		snprintf(ck->memmap, sizeof(ck->memmap), "np.memmap('/path/on/disk/array.dat', dtype=%s, mode='w+', shape=%s)", dt, shp);
	else
		snprintf(ck->memmap, sizeof(ck->memmap), "np.memmap('/path/on/disk/array.dat', dtype=%s%s%s, mode='w+', shape=%s)",
			 strchr(dt, '\'') ? "\"" : "'", dt, strchr(dt, '\'') ? "\"" : "'", shp);
}

/* Written in full and larger than the RAM + swap that could back it? */
static bool written_beyond(const struct model_host *h, const struct check_result *cr)
{
	return model_pages_kb(h, cr->pages) > sim_backing_kb(h);
}

static void print_human(struct ovc_ctx *ctx, const struct procfs_host *ph,
			const struct model_policy *prop, const struct model_task *task,
			const struct request *rq, const struct whatif *w,
			const struct procfs_task *pt, const struct check_result *cr,
			const struct chunking *ck, enum too_big_by too_big,
			const struct thp_answer *ta)
{
	const struct model_host *h = &ph->host;
	char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN], shp[512], text[512];
	bool ok = cr->verdict == VERDICT_FITS;
	size_t i;
	int m;

	if (rq->fork_arg) {
		printf("Fork of %d (%s): %s to charge, %" PRIu64 " mapping%s (VM_ACCOUNT, less MADV_DONTFORK), the largest %s; its own charge %s\n",
		       (int)pt->pid, esc(pt->name), units_iec_kb(rq->tf.fork_kb, a, sizeof(a)),
		       rq->tf.areas, plural(rq->tf.areas), units_iec_kb(rq->tf.largest_kb, b, sizeof(b)),
		       units_iec_kb(rq->tf.commit_kb, shp, sizeof(shp)));
		printf("Mode 2 adds the mappings up against CommitLimit; mode 0 checks each one alone against RAM + swap\n");
	} else if (rq->over_64)
		printf("Allocation: 16 EiB or more");
	else
		printf("Allocation: %s%s", rq->from_message && !rq->ne.exact ? "at most " : "",
		       units_iec(rq->bytes, a, sizeof(a)));
	if (rq->from_numpy) {
		shape_text(&rq->shape, shp, sizeof(shp));
		printf(" = shape %s x %" PRIu64 "-byte items", shp, rq->itemsize);
	}
	if (rq->fork_arg)
		;
	else if (rq->over_64)
		printf(" (2^64 bytes or more)");
	else
		printf(" (%" PRIu64 " byte%s)", rq->bytes, plural(rq->bytes));
	if (rq->fork_arg)
		;
	else if (too_big)
		printf(", too big to ask for\n");
	else
		printf(", asked for with %s: %" PRIu64 " page%s\n", rq->via_mmap ? "mmap" : "malloc",
		       cr->pages, plural(cr->pages));
	if (rq->from_message && rq->ne.size_mismatch)
		printf("%snote:%s NumPy printed %s, but shape x %s is %s; using the latter\n",
		       clr(ctx->color, C_YELLOW), clr_off(ctx->color), esc(rq->ne.size_text),
		       esc(rq->ne.dtype), rq->over_64 ? "16 EiB or more" : units_iec(rq->bytes, b, sizeof(b)));
	if (rq->from_message && !rq->ne.exact)
		printf("%snote:%s data type '%s' not understood: the size is the largest that NumPy's rounded %s can stand for, an upper bound\n",
		       clr(ctx->color, C_YELLOW), clr_off(ctx->color), esc(rq->ne.dtype),
		       esc(rq->ne.size_text));
	if (rq->from_message && rq->ne.too_big)
		printf("%snote:%s NumPy raises ValueError for an array this large, never this MemoryError: the message is not as NumPy printed it\n",
		       clr(ctx->color, C_YELLOW), clr_off(ctx->color));
	if (rq->written && !too_big) {
		printf("Written in full when it is created (%s): every page needs RAM or swap at once\n",
		       rq->has_object ? "dtype object: NumPy fills every item"
		       : !strcmp(rq->init_arg, "ones") ? "np.ones" : "np.full");
		if (written_beyond(h, cr))
			printf("%swarning:%s that is more than RAM + swap (%s): filling it ends in the OOM killer, whatever the overcommit mode\n",
			       clr(ctx->color, C_YELLOW), clr_off(ctx->color),
			       units_iec_kb(sim_backing_kb(h), b, sizeof(b)));
	}
	if (pt) {
		/* no VmSize line (a kernel thread, a zombie): unknown, as JSON's null */
		printf("Process: %d (%s), VmSize %s, %s CAP_SYS_ADMIN", (int)pt->pid, esc(pt->name),
		       task->vmsize_known ? units_iec_kb(task->vmsize_kb, a, sizeof(a))
					  : "unknown (the full user reserve is charged)",
		       task->admin ? "with" : "without");
		if (pt->cap_sys_admin && !pt->initial_userns)
			printf(" (it holds it only inside a user namespace)");
		else if (!pt->userns_known)
			printf(" (no uid_map: the initial user namespace is assumed)");
		printf("\n");
	}

	printf("\nNow (mode %d, %s): %s%s%s", prop->mode, model_mode_name(prop->mode),
	       clr(ctx->color, ok ? C_GREEN : C_RED),
	       ok ? "fits" : cr->verdict == VERDICT_BORDERLINE ? "borderline" : "does not fit",
	       clr_off(ctx->color));
	if (too_big)
		printf(" (too big to ask for)");
	else if (!ok)
		printf(" (limited by %s)", limit_words(cr->binding));
	printf("\n\n");
	if (too_big == TOO_BIG_NUMPY) {
		printf("  NumPy refuses any array of more than 2^63 - 1 bytes (NPY_MAX_INTP) before it asks for memory:\n    %s\n",
		       NUMPY_TOO_BIG_TEXT);
		if (!rq->via_mmap)
			printf("  glibc's malloc would refuse it too: NULL, errno ENOMEM, for any request of more than 2^63 - 1 bytes (PTRDIFF_MAX)\n");
	} else if (too_big == TOO_BIG_MALLOC) {
		printf("  glibc's malloc refuses any request of more than 2^63 - 1 bytes (PTRDIFF_MAX): it returns NULL, errno ENOMEM\n");
		printf("  NumPy refuses an array this large before it asks for memory:\n    %s\n",
		       NUMPY_TOO_BIG_TEXT);
	} else if (too_big == TOO_BIG_MMAP) {
		printf("  mmap: the length wraps to 0 when rounded up to whole pages, and the kernel returns ENOMEM\n");
	}
	if (too_big)
		printf("  No overcommit mode is consulted: the kernel's commit check is never asked\n");
	for (m = 0; !too_big && m < 3; m++) {
		enum model_verdict v = cr->mode_verdict[m];

		printf("  mode %d %-10s %s%s%s", m, model_mode_name(m),
		       clr(ctx->color, v == VERDICT_FITS ? C_GREEN : v == VERDICT_FAILS ? C_RED
										: C_YELLOW),
		       verdict_word(v), clr_off(ctx->color));
		if (v != VERDICT_FITS)
			printf("%*s%s", 11 - (int)strlen(verdict_word(v)), "",
			       limit_words(cr->mode_binding[m]));
		printf("\n");
	}
	if (rq->touch_shown)
		touchview_print(ctx, &rq->tv, rq->bytes);
	if (cr->nadvice) {
		printf("\nWhat would make it succeed:\n");
		for (i = 0; i < cr->nadvice; i++) {
			advice_text(h, &cr->advice[i], text, sizeof(text));
			printf("  - %s\n", text);
		}
	}
	if (ck->valid) {
		struct numpy_shape part = rq->shape;

		part.dims[0] = ck->rows;
		shape_text(&part, shp, sizeof(shp));
		if (ck->rows && ck->by_touch)
			printf("\nIn chunks: up to %" PRIu64 " of the %" PRIu64 " rows can be allocated and written now (%s binds, see Write), shape %s, %s each; %" PRIu64 " such chunks, one at a time, cover the whole array\n",
			       ck->rows, ck->of_rows, touch_limit_words(rq->tv.res.binding), shp,
			       units_iec(ck->rows * ck->row_bytes, a, sizeof(a)), ck->chunks);
		else if (ck->rows)
			printf("\nIn chunks: up to %" PRIu64 " of the %" PRIu64 " rows fit in one allocation now, shape %s, %s each; %" PRIu64 " such chunks, one at a time, cover the whole array\n",
			       ck->rows, ck->of_rows, shp,
			       units_iec(ck->rows * ck->row_bytes, a, sizeof(a)), ck->chunks);
		else if (ck->by_touch)
			printf("\nIn chunks: not even one row (%s) can be written now (%s binds, see Write)\n",
			       units_iec(ck->row_bytes, a, sizeof(a)), touch_limit_words(rq->tv.res.binding));
		else
			printf("\nIn chunks: not even one row (%s) fits in one allocation now\n",
			       units_iec(ck->row_bytes, a, sizeof(a)));
		printf("On disk, not charged to the commit limit (the file takes %s; put it on a disk file system, not tmpfs or /dev/shm):\n    a = %s\n",
		       units_iec(rq->bytes, b, sizeof(b)), ck->memmap);
	}
	if (rq->from_message && ok) {
		printf("\nNumPy failed where it ran, yet it fits here now. What ovc cannot see from here:\n");
		for (m = 0; m < UNSEEN_N; m++)
			if (unseen_applies((enum unseen)m, ctx, rq, w, ph))
				printf("  - %s\n", unseen_text[m]);
	}
	if (ta)
		thp_answer_print(ctx, ta);
	print_warnings(ctx, ph, prop, true);
}

int cmd_check(struct ovc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS, WHATIF_LONGOPTS,
		{ "shape", required_argument, NULL, OPT_SHAPE },
		{ "dtype", required_argument, NULL, OPT_DTYPE },
		{ "numpy-error", required_argument, NULL, OPT_NUMPY_ERROR },
		{ "via", required_argument, NULL, OPT_VIA },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "init", required_argument, NULL, OPT_INIT },
		{ "fork", required_argument, NULL, OPT_FORK },
		MEMMAP_LONGOPTS,
		{ "touched", required_argument, NULL, OPT_TOUCHED },
		{ "numpy-version", required_argument, NULL, OPT_NUMPY_VERSION },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ NULL, 0, NULL, 0 },
	};
	struct request rq = { 0 };
	struct whatif w = { 0 };
	struct procfs_host ph;
	struct procfs_task pt;
	struct model_policy prop;
	struct model_task task;
	struct check_result cr;
	struct chunking ck;
	struct check_memmap mm = { 0 };
	struct thp_answer ta;
	bool has_thp = false;
	enum too_big_by too_big;
	const struct model_host *h = &ph.host;
	int ch, rc, m;
	size_t i;

	/*
	 * The digits and '.' are options only so that a negative SIZE ("-1", "-1.5G") is
	 * not getopt's "invalid option -- '1'": with an optional argument (glibc's "::")
	 * the rest of the word comes back in optarg, and the word is rebuilt whole.
	 */
	while ((ch = cli_getopt(ctx, argc, argv, "h0::1::2::3::4::5::6::7::8::9::.::",
				longopts)) != -1) {
		int r = whatif_opt(ctx, &w, ch, optarg);

		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((ch >= '0' && ch <= '9') || ch == '.') {
			char word[64];

			snprintf(word, sizeof(word), "-%c%s", ch, optarg ? optarg : "");
			return cli_usage_error(ctx, "invalid size '%s': negative sizes are not allowed",
					       word);
		}
		switch (ch) {
		case OPT_SHAPE:       rq.shape_arg = optarg; break;
		case OPT_DTYPE:       rq.dtype_arg = optarg; break;
		case OPT_NUMPY_ERROR: rq.numpy_arg = optarg; break;
		case OPT_PID:         rq.pid_arg = optarg; break;
		case OPT_INIT:        rq.init_arg = optarg; break;
		case OPT_FORK:        rq.fork_arg = optarg; break;
		case OPT_MEMMAP:      mm.path = optarg; break;
		case OPT_MEMMAP_MODE: mm.mode_arg = optarg; break;
		case OPT_TOUCHED:     rq.touched_arg = optarg; break;
		case OPT_NUMPY_VERSION: rq.numpy_version_arg = optarg; break;
		case OPT_CGROUP:      rq.cgroup_arg = optarg; break;
		case OPT_VIA:
			if (strcmp(optarg, "malloc") && strcmp(optarg, "mmap"))
				return cli_usage_error(ctx, "invalid --via '%s': malloc or mmap",
						       optarg);
			rq.via_mmap = !strcmp(optarg, "mmap");
			break;
		default:
			if (!cli_common_opt(ctx, ch, optarg))
				return cli_bad_option(ctx);
		}
	}
	if (optind < argc)
		rq.size_arg = argv[optind++];
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	if (whatif_validate(ctx, &w) < 0)
		return EXIT_USAGE;
	rc = resolve_request(ctx, &rq);
	if (rc)
		return rc;
	rc = check_memmap_validate(ctx, &mm, rq.fork_arg, rq.bytes, rq.over_64);
	if (rc)
		return rc;
	rc = cli_load_host(ctx, &ph);
	if (rc)
		return rc;
	whatif_apply(&w, &ph, &prop, &task);
	if (whatif_check_host(ctx, &ph))
		return EXIT_USAGE;
	if (rq.pid_arg)
		rc = load_pid(ctx, &ph, rq.pid_dir, &pt, &task, &w);
	else
		rc = cli_need_cmdline(ctx, &ph, &task);
	if (rc)
		return rc;
	memset(&ck, 0, sizeof(ck));
	if (rq.fork_arg) {
		struct ovc_err err = { 0 };
		unsigned sh = model_kb_shift(h);

		cli_raise_kept(CAP_SYS_PTRACE);
		rc = proctop_fork(&ctx->proc, rq.pid_dir, &rq.tf, &err);
		if (cli_drop_privileges(ctx))
			return EXIT_SYSTEM;
		if (rc < 0)
			return cli_report(ctx, &err);
		rq.bytes = rq.tf.fork_kb * 1024;
		too_big = TOO_BIG_NO;
		sim_check_fork(h, &prop, &task, rq.tf.fork_kb >> sh, rq.tf.largest_kb >> sh, &cr);
	} else {
		too_big = sim_too_big(rq.bytes, rq.via_mmap, rq.numpy_too_big, h->page_size);
	}
	if (rq.fork_arg) {
		/* done above */
	} else if (too_big) {
		sim_check_too_big(&cr);
	} else {
		uint64_t pages = rq.via_mmap ? model_mmap_pages(rq.bytes, h->page_size)
					     : model_malloc_pages(rq.bytes, h->page_size);

		sim_check(h, &prop, &task, pages, &cr);
		if (rq.written)
			sim_check_written(h, pages, &cr);
		/* can every page be written, not only allocated: the cgroup, RAM + swap */
		rc = touchview_gather(ctx, &ph, &task, rq.pid_arg ? rq.pid_dir : NULL,
				      rq.cgroup_arg, model_pages_kb(h, pages), &rq.tv);
		if (rc)
			return rc;
		rq.touch_shown = true;
		if (rq.written && rq.tv.in.cgroup_limited)
			sim_check_written_cgroup(h, pages, rq.tv.in.cgroup_room_kb, &cr);
		plan_chunks(h, &prop, &task, &rq, &cr, &ck);
	}
	if (mm.path) {
		/* the same cgroup as the touch answer: the writer's */
		if (rq.touch_shown && rq.tv.in.cgroup_limited)
			mm.cg = &rq.tv;
		rc = check_memmap_run(ctx, &mm, h, &prop, &task, rq.pid_arg ? &pt : NULL, rq.bytes);
		if (rc) {
			touchview_free(&rq.tv);
			return rc;
		}
	}
	/* transparent huge pages: what a sparse write of the request can really cost */
	if (!rq.fork_arg && !too_big) {
		bool numpy = rq.shape_arg || rq.from_message;
		uint64_t elems = numpy && rq.from_numpy && rq.itemsize ? rq.bytes / rq.itemsize
									: rq.bytes;

		if (rq.has_touched && rq.touched > elems)
			return cli_usage_error(ctx, "--touched %" PRIu64 " is more than the %" PRIu64 " elements of the request",
					       rq.touched, elems);
		if ((rc = hostctx_thp(ctx, &ta.s)))
			return rc;
		thp_answer_make(&ta, h, rq.bytes, numpy && rq.from_numpy ? rq.itemsize : 1, numpy,
				!rq.init_arg || !strcmp(rq.init_arg, "zeros"), rq.numpy_ver,
				rq.has_touched, rq.touched);
		has_thp = true;
	}

	if (ctx->json) {
		struct json j;
		char text[512];

		json_init(&j, stdout);
		json_obj(&j, NULL);
		if (rq.over_64)
			json_null(&j, "size_bytes");
		else
			json_u64(&j, "size_bytes", rq.bytes);
		if (too_big)
			json_null(&j, "pages");
		else
			json_u64(&j, "pages", cr.pages);
		json_str(&j, "via", rq.fork_arg ? "fork" : rq.via_mmap ? "mmap" : "malloc");
		if (rq.fork_arg) {
			json_obj(&j, "fork");
			json_i64(&j, "pid", pt.pid);
			json_str(&j, "comm", pt.name);
			json_u64(&j, "fork_kb", rq.tf.fork_kb);
			json_u64(&j, "largest_kb", rq.tf.largest_kb);
			json_u64(&j, "mappings", rq.tf.areas);
			json_u64(&j, "commit_kb", rq.tf.commit_kb);
			json_end(&j);
		}
		json_bool(&j, "fits", cr.verdict == VERDICT_FITS);
		json_str(&j, "verdict", verdict_word(cr.verdict));
		json_str(&j, "binding_limit", model_limit_name(cr.binding));
		json_i64(&j, "mode", prop.mode);
		json_arr(&j, "modes");
		for (m = 0; m < 3; m++) {
			json_obj(&j, NULL);
			json_i64(&j, "mode", m);
			json_bool(&j, "fits", cr.mode_verdict[m] == VERDICT_FITS);
			json_str(&j, "verdict", verdict_word(cr.mode_verdict[m]));
			json_str(&j, "binding_limit", model_limit_name(cr.mode_binding[m]));
			json_end(&j);
		}
		json_end(&j);
		json_arr(&j, "advice");
		for (i = 0; i < cr.nadvice; i++) {
			advice_text(h, &cr.advice[i], text, sizeof(text));
			json_obj(&j, NULL);
			json_str(&j, "action", advice_action(cr.advice[i].kind));
			if (cr.advice[i].kind == ADV_RATIO || cr.advice[i].kind == ADV_KBYTES ||
			    cr.advice[i].kind == ADV_SWAP || cr.advice[i].kind == ADV_RLIMIT_AS ||
			    cr.advice[i].kind == ADV_RLIMIT_DATA || cr.advice[i].kind == ADV_BORDERLINE)
				json_u64(&j, "value", cr.advice[i].value);
			if (cr.advice[i].kind == ADV_RLIMIT_AS || cr.advice[i].kind == ADV_RLIMIT_DATA)
				json_bool(&j, "includes_process_size", cr.advice[i].own_known);
			json_str(&j, "text", text);
			json_end(&j);
		}
		json_end(&j);
		if (rq.from_numpy || rq.from_message) {
			char shp[512];

			json_obj(&j, "numpy");
			shape_text(&rq.shape, shp, sizeof(shp));
			json_str(&j, "shape", shp);
			json_str(&j, "dtype", rq.from_message ? rq.ne.dtype
					      : rq.dtype_arg ? rq.dtype_arg : "float64");
			if (rq.from_numpy)
				json_u64(&j, "itemsize", rq.itemsize);
			else
				json_null(&j, "itemsize");
			json_str(&j, "printed_size", rq.from_message && rq.ne.has_size
							     ? rq.ne.size_text : NULL);
			json_bool(&j, "size_mismatch", rq.from_message && rq.ne.size_mismatch);
			json_bool(&j, "size_upper_bound", rq.from_message && !rq.ne.exact);
			json_str(&j, "init", rq.init_arg ? rq.init_arg : "zeros");
			json_bool(&j, "writes_pages", rq.written);
			json_bool(&j, "exceeds_ram_swap", rq.written && !too_big && written_beyond(h, &cr));
			json_end(&j);
		}
		if (rq.pid_arg) {
			json_obj(&j, "process");
			json_i64(&j, "pid", pt.pid);
			json_str(&j, "name", pt.name);
			json_bool(&j, "admin", task.admin);
			json_bool(&j, "cap_sys_admin", pt.cap_sys_admin);
			if (pt.userns_known)
				json_bool(&j, "initial_userns", pt.initial_userns);
			else
				json_null(&j, "initial_userns");
			if (task.vmsize_known)
				json_u64(&j, "vmsize_kb", task.vmsize_kb);
			else
				json_null(&j, "vmsize_kb");
			if (task.vmdata_known)
				json_u64(&j, "vmdata_kb", task.vmdata_kb);
			else
				json_null(&j, "vmdata_kb");
			json_limit(&j, "rlimit_as_bytes", task.rlimit_as_bytes);
			json_limit(&j, "rlimit_data_bytes", task.rlimit_data_bytes);
			json_limit(&j, "rlimit_data_max_bytes", task.rlimit_data_max_bytes);
			json_end(&j);
		}
		if (ck.valid) {
			json_obj(&j, "chunking");
			json_u64(&j, "rows", ck.rows);
			json_u64(&j, "of_rows", ck.of_rows);
			json_u64(&j, "chunk_bytes", ck.rows * ck.row_bytes);
			if (ck.rows)
				json_u64(&j, "chunks", ck.chunks);
			else
				json_null(&j, "chunks");
			json_str(&j, "memmap", ck.memmap);
			json_str(&j, "bound_by", ck.by_touch ? "touch" : "allocation");
			json_end(&j);
		}
		if (rq.from_message && cr.verdict == VERDICT_FITS) {
			json_arr(&j, "cannot_see");
			for (m = 0; m < UNSEEN_N; m++) {
				if (!unseen_applies((enum unseen)m, ctx, &rq, &w, &ph))
					continue;
				json_obj(&j, NULL);
				json_str(&j, "id", unseen_id[m]);
				json_str(&j, "text", unseen_text[m]);
				json_end(&j);
			}
			json_end(&j);
		}
		if (mm.path)
			check_memmap_json(&j, &mm);
		if (has_thp)
			thp_answer_json(&j, &ta);
		if (rq.touch_shown)
			touchview_json(&j, "touch", &rq.tv);
		else
			json_null(&j, "touch");
		json_warnings(&j, &ph, &prop);
		json_end(&j);
	} else {
		print_human(ctx, &ph, &prop, &task, &rq, &w, rq.pid_arg ? &pt : NULL, &cr, &ck,
			    too_big, has_thp ? &ta : NULL);
		if (mm.path)
			check_memmap_print(ctx, &mm);
	}
	touchview_free(&rq.tv);
	/* with --memmap the question is the memmap's: it decides the exit status */
	if (mm.path)
		return mm.r.fits ? EXIT_OK : EXIT_NO;
	return cr.verdict == VERDICT_FITS ? EXIT_OK : EXIT_NO;
}
