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

#include "../core/numpy.h"
#include "../core/simulate.h"
#include "../core/units.h"
#include "../sys/caps.h"
#include "render.h"
#include "shared.h"

#define MAX_STDIN (1u << 20)

struct request {
	const char *size_arg, *shape_arg, *dtype_arg, *numpy_arg;
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
};

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
	int sources = !!rq->size_arg + !!rq->shape_arg + !!rq->numpy_arg;

	if (sources != 1)
		return cli_usage_error(ctx, sources ? "give one of SIZE, --shape or --numpy-error"
						    : "what size? give SIZE, --shape or --numpy-error");
	if (rq->dtype_arg && !rq->shape_arg)
		return cli_usage_error(ctx, "--dtype goes with --shape");
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
		if (units_parse_size(rq->size_arg, &rq->bytes, &why) < 0)
			add_error(err, sizeof(err), "size", rq->size_arg, why);
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
		return 0;
	}
	if (err[0])
		return cli_usage_error(ctx, "%s", err);
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

static int load_pid(struct ovc_ctx *ctx, const char *pid_dir, struct procfs_task *pt,
		    struct model_task *task, const struct whatif *w)
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
	if (!w->rlimit_set)
		task->rlimit_as_bytes = pt->task.rlimit_as_bytes;
	return 0;
}

static void print_human(struct ovc_ctx *ctx, const struct procfs_host *ph,
			const struct model_policy *prop, const struct model_task *task,
			const struct request *rq, const struct procfs_task *pt,
			const struct check_result *cr, enum too_big_by too_big)
{
	const struct model_host *h = &ph->host;
	char a[UNITS_IEC_LEN], b[UNITS_IEC_LEN], shp[512], text[512];
	bool ok = cr->verdict == VERDICT_FITS;
	size_t i;
	int m;

	if (rq->over_64)
		printf("Allocation: 16 EiB or more");
	else
		printf("Allocation: %s%s", rq->from_message && !rq->ne.exact ? "at most " : "",
		       units_iec(rq->bytes, a, sizeof(a)));
	if (rq->from_numpy) {
		shape_text(&rq->shape, shp, sizeof(shp));
		printf(" = shape %s x %" PRIu64 "-byte items", shp, rq->itemsize);
	}
	if (rq->over_64)
		printf(" (2^64 bytes or more)");
	else
		printf(" (%" PRIu64 " bytes)", rq->bytes);
	if (too_big)
		printf(", too big to ask for\n");
	else
		printf(", asked for with %s: %" PRIu64 " pages\n", rq->via_mmap ? "mmap" : "malloc",
		       cr->pages);
	if (rq->from_message && rq->ne.size_mismatch)
		printf("%snote:%s NumPy printed %s, but shape x %s is %s; using the latter\n",
		       clr(ctx->color, C_YELLOW), clr_off(ctx->color), rq->ne.size_text,
		       rq->ne.dtype, rq->over_64 ? "16 EiB or more" : units_iec(rq->bytes, b, sizeof(b)));
	if (rq->from_message && !rq->ne.exact)
		printf("%snote:%s data type '%s' not understood: the size is the largest that NumPy's rounded %s can stand for, an upper bound\n",
		       clr(ctx->color, C_YELLOW), clr_off(ctx->color), rq->ne.dtype,
		       rq->ne.size_text);
	if (rq->from_message && rq->ne.too_big)
		printf("%snote:%s NumPy raises ValueError for an array this large, never this MemoryError: the message is not as NumPy printed it\n",
		       clr(ctx->color, C_YELLOW), clr_off(ctx->color));
	if (pt) {
		printf("Process: %d (%s), VmSize %s, %s CAP_SYS_ADMIN", (int)pt->pid, pt->name,
		       units_iec_kb(task->vmsize_kb, a, sizeof(a)), task->admin ? "with" : "without");
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
	if (cr->nadvice) {
		printf("\nWhat would make it succeed:\n");
		for (i = 0; i < cr->nadvice; i++) {
			advice_text(h, &cr->advice[i], text, sizeof(text));
			printf("  - %s\n", text);
		}
	}
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
		{ NULL, 0, NULL, 0 },
	};
	struct request rq = { 0 };
	struct whatif w = { 0 };
	struct procfs_host ph;
	struct procfs_task pt;
	struct model_policy prop;
	struct model_task task;
	struct check_result cr;
	enum too_big_by too_big;
	const struct model_host *h = &ph.host;
	int ch, rc, m;
	size_t i;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		int r = whatif_opt(ctx, &w, ch, optarg);

		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		switch (ch) {
		case OPT_SHAPE:       rq.shape_arg = optarg; break;
		case OPT_DTYPE:       rq.dtype_arg = optarg; break;
		case OPT_NUMPY_ERROR: rq.numpy_arg = optarg; break;
		case OPT_PID:         rq.pid_arg = optarg; break;
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
	rc = cli_load_host(ctx, &ph);
	if (rc)
		return rc;
	whatif_apply(&w, &ph, &prop, &task);
	if (whatif_check_host(ctx, &ph))
		return EXIT_USAGE;
	if (rq.pid_arg) {
		rc = load_pid(ctx, rq.pid_dir, &pt, &task, &w);
		if (rc)
			return rc;
	}
	too_big = sim_too_big(rq.bytes, rq.via_mmap, rq.numpy_too_big, h->page_size);
	if (too_big)
		sim_check_too_big(&cr);
	else
		sim_check(h, &prop, &task,
			  rq.via_mmap ? model_mmap_pages(rq.bytes, h->page_size)
				      : model_malloc_pages(rq.bytes, h->page_size), &cr);

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
		json_str(&j, "via", rq.via_mmap ? "mmap" : "malloc");
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
			    cr.advice[i].kind == ADV_BORDERLINE)
				json_u64(&j, "value", cr.advice[i].value);
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
			if (task.rlimit_as_bytes == UINT64_MAX)
				json_null(&j, "rlimit_as_bytes");
			else
				json_u64(&j, "rlimit_as_bytes", task.rlimit_as_bytes);
			json_end(&j);
		}
		json_warnings(&j, &ph, &prop);
		json_end(&j);
	} else {
		print_human(ctx, &ph, &prop, &task, &rq, rq.pid_arg ? &pt : NULL, &cr, too_big);
	}
	return cr.verdict == VERDICT_FITS ? EXIT_OK : EXIT_NO;
}
