/* SPDX-License-Identifier: MIT */
/*
 * main.c - the command table, global options, privilege policy, hints and exit codes.
 * Only this file decides how a command is prepared (capabilities, colour, the seams it
 * opens) and how ovc exits. The change engine (change/audit) raises a capability kept
 * here to effective only around the one call that needs it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/capability.h>

#include "../core/mprange.h"
#include "../sys/caps.h"
#include "cli.h"
#include "json.h"
#include "render.h"
#include "../core/dropin.h"

#define DROPIN_PATH_TEXT DROPIN_PATH

#ifndef OVC_VERSION
#define OVC_VERSION "0.1.0"
#endif

/* What main() must do before a command runs. */
enum {
	CMD_READONLY = 1 << 0,     /* drop every capability first */
	CMD_WRITES_PROC = 1 << 1,  /* keep only the audit capabilities (permitted, not effective);
				      the command narrows them further once its options are read */
	CMD_SYSLOG = 1 << 2,       /* read-only, but keeps CAP_SYSLOG (permitted, not effective)
				      for the open of /dev/kmsg, which drops it after */
	CMD_PTRACE = 1 << 3,       /* read-only, but keeps CAP_SYS_PTRACE (permitted) for the
				      scan of every process's smaps (cli_raise_kept), then
				      drops it */
};

struct ovc_cmd {
	const char *name;
	int (*run)(struct ovc_ctx *, int, char **);
	unsigned flags;
	const char *summary;
	const char *help;   /* options, after the synopsis */
	/* subcommands, NULL-terminated: argv[1] names one; any other word is the last
	 * one's operand ("ovc profile NAME" = "ovc profile apply NAME"); the terminator's
	 * summary lists them for "ovc profile" alone */
	const struct ovc_cmd *subs;
};

static const struct ovc_cmd profile_subs[] = {
	{ "list", cmd_profile_list, CMD_READONLY, NULL, NULL, NULL },
	{ "show", cmd_profile_show, CMD_READONLY, NULL, NULL, NULL },
	{ "export", cmd_profile_export, CMD_READONLY, NULL, NULL, NULL },
	{ "apply", cmd_profile_apply, CMD_WRITES_PROC, NULL, NULL, NULL },
	{ NULL, NULL, 0, "list, show NAME, export NAME, or [apply] NAME", NULL, NULL },
};

static const char common_help[] =
	"Common options:\n"
	"      --proc DIR    read the proc tree under DIR instead of /proc\n"
	"      --json        print one JSON document (see ovc(8) JSON OUTPUT)\n"
	"      --no-color    no colour (also when NO_COLOR is set or stdout is no tty)\n"
	"  -h, --help        this help\n";

static const char whatif_help[] =
	"What-if options (sizes: 64G, 512MiB, 1.5TiB, 10GB, plain bytes):\n"
	"      --mode N          0 heuristic, 1 always, 2 never\n"
	"      --ratio PCT       vm.overcommit_ratio (zeroes kbytes, as the kernel does)\n"
	"      --kbytes N|SIZE   vm.overcommit_kbytes; a plain number is kB (zeroes ratio)\n"
	"      --mem SIZE        MemTotal\n"
	"      --swap SIZE       SwapTotal\n"
	"      --hugetlb SIZE    hugetlb pool, all page sizes\n"
	"      --committed SIZE  Committed_AS\n"
	"      --vmsize SIZE     size of the allocating process (default: full user reserve)\n"
	"      --vmdata SIZE     its VmData, for RLIMIT_DATA (default: 0)\n"
	"      --rlimit-as SIZE|unlimited    its RLIMIT_AS (default: ovc's own)\n"
	"      --rlimit-data SIZE|unlimited  its RLIMIT_DATA (default: ovc's own)\n";

static const struct ovc_cmd commands[] = {
	{ "status", cmd_status, CMD_READONLY,
	  "show the overcommit policy, CommitLimit, Committed_AS and warnings",
	  "Usage: ovc status [--format text|json|prometheus|nagios] [--root DIR] [options]\n"
	  "      --format FMT      text (the default), json (as --json), prometheus: the\n"
	  "                        metrics for node_exporter's textfile collector, or\n"
	  "                        nagios: a monitoring plugin (one line, exit 0 OK,\n"
	  "                        1 WARNING, 2 CRITICAL, 3 UNKNOWN for any error)\n"
	  "  -w, --warning RANGE   nagios: mode 2 headroom range, in % of CommitLimit or\n"
	  "                        kB or a size (default 5%:, below 5 % free)\n"
	  "  -c, --critical RANGE  nagios: the same (default @~:0, at or past the limit)\n"
	  "      --drift STATE     nagios: ok, warning (default) or critical when the\n"
	  "                        running values differ from the boot values\n"
	  "      --top N           prometheus: the N largest holders (default 5, 0-20)\n"
	  "      --root DIR        read the boot configuration (sysctl.d, ovc's drop-in)\n"
	  "                        under DIR instead of /\n"
	  "      --sosreport DIR   an extracted sosreport: DIR/proc and DIR's boot files\n", NULL },
	{ "simulate", cmd_simulate, CMD_READONLY,
	  "CommitLimit and the largest allocation under each mode",
	  "", NULL },
	{ "check", cmd_check, CMD_READONLY,
	  "would one allocation of SIZE (or a NumPy array) succeed?",
	  "Usage: ovc check SIZE | --shape DIMS --dtype DTYPE | --numpy-error MSG|- [options]\n"
	  "      --shape DIMS      NumPy shape, e.g. 156816,36,53806\n"
	  "      --dtype DTYPE     NumPy dtype, e.g. uint8, float64, f8, <i4 (default float64)\n"
	  "      --numpy-error MSG the MemoryError text as NumPy prints it; - reads stdin\n"
	  "      --init empty|zeros|ones|full  how NumPy creates the array (default zeros):\n"
	  "                        ones and full, and any object dtype, write every page\n"
	  "      --via malloc|mmap how the memory is asked for (default malloc, as NumPy)\n"
	  "      --pid PID         answer for that process (sizes, CAP_SYS_ADMIN, limits)\n"
	  "      --fork PID        would a fork of that process succeed (Redis BGSAVE,\n"
	  "                        PostgreSQL): what its mappings charge, by mode\n"
	  "      --memmap PATH     would an np.memmap of that size work at PATH, and\n"
	  "                        where do its writes stop (tmpfs, disk, ulimit -f)\n"
	  "      --memmap-mode r+|w+|c  np.memmap's mode (default w+)\n"
	  "      --cgroup DIR      the write (touch) answer for the memory cgroup at DIR,\n"
	  "                        e.g. /sys/fs/cgroup/kubepods/pod1 (default: the\n"
	  "                        caller's, or --pid's)\n", NULL },
	{ "set", cmd_set, CMD_WRITES_PROC,
	  "change vm.overcommit_* now: simulated first, guarded, ordered, rolled back",
	  "Usage: ovc set [--mode 0|1|2] [--ratio PCT | --kbytes N|SIZE] [options]\n"
	  "      --mode N          vm.overcommit_memory: 0 heuristic, 1 always, 2 never\n"
	  "      --ratio PCT       vm.overcommit_ratio (the kernel zeroes kbytes)\n"
	  "      --kbytes N|SIZE   vm.overcommit_kbytes; plain numbers are kB (zeroes ratio)\n"
	  "      --dry-run, --check  write nothing; report what would change\n"
	  "      --force           override the guard (and allow a zero limit)\n"
	  "      --audit=auto|on|off  audit record per change: auto sends it where audit\n"
	  "                        works; on refuses to change anything without it\n"
	  "      --wait SECONDS    give up (exit 11) if another ovc holds the lock that\n"
	  "                        long (default: wait until it is free); 2.5 is 2500 ms\n"
	  "      --no-wait         the same as --wait 0: give up at once\n"
	  "      --persist         also write ovc's drop-in " DROPIN_PATH_TEXT ", all or\n"
	  "                        nothing with the running values\n"
	  "      --root DIR        prefix of /etc, /run, /usr (drop-in, lock, boot files);\n"
	  "                        without --proc an offline image: --persist only\n", NULL },
	{ "persist", cmd_persist, CMD_WRITES_PROC,
	  "make a policy the boot configuration (ovc's sysctl.d drop-in), atomically",
	  "Usage: ovc persist [--mode 0|1|2] [--ratio PCT | --kbytes N|SIZE] [options]\n"
	  "      Values not given are the running ones (offline: the image's boot ones).\n"
	  "      --mode, --ratio, --kbytes  as for set\n"
	  "      --dry-run, --check  write nothing; show the file and its effect at boot\n"
	  "      --force           write even when another file would override it at boot,\n"
	  "                        over a file ovc did not write, or past the guard\n"
	  "      --audit=auto|on|off  as for set\n"
	  "      --wait SECONDS, --no-wait  as for set\n"
	  "      --root DIR        write under DIR (an image, a chroot) instead of /\n", NULL },
	{ "reset", cmd_reset, CMD_WRITES_PROC,
	  "back to the kernel defaults 0/50/0 (with --persist: remove ovc's drop-in)",
	  "Usage: ovc reset [--persist] [options]\n"
	  "      --persist         also remove ovc's drop-in, all or nothing\n"
	  "      --dry-run, --check  write nothing; report what would change\n"
	  "      --force           remove a drop-in ovc did not write\n"
	  "      --audit=auto|on|off  as for set\n"
	  "      --wait SECONDS, --no-wait  as for set\n"
	  "      --root DIR        as for set; without --proc: --persist only\n", NULL },
	{ "profile", NULL, CMD_WRITES_PROC,
	  "named policies: list, show NAME, export NAME, or apply one (ovc-profile(5))",
	  "Usage: ovc profile list | show NAME | export NAME | [apply] NAME [options]\n"
	  "      list              the profiles, local (/etc/ovc/profiles) and shipped\n"
	  "      show NAME         its reason, sources, values for this host and effect\n"
	  "      export NAME       print it for another tool: --format sysctl (default),\n"
	  "                        tuned, cloud-init or ansible; --file PATH the sysctl.d\n"
	  "                        file of the last two; --for-host mem=SIZE,swap=SIZE\n"
	  "                        [,hugetlb=SIZE] the figures of a host-relative profile\n"
	  "      [apply] NAME      apply it, exactly as ovc set would\n"
	  "      --persist         also write ovc's drop-in (recording the profile)\n"
	  "      --dry-run, --check  write nothing; report what would change\n"
	  "      --force           override the guard, a shadowing file, a foreign drop-in\n"
	  "      --audit=auto|on|off  as for set\n"
	  "      --wait SECONDS, --no-wait  as for set\n"
	  "      --mem SIZE --swap SIZE [--hugetlb SIZE]  the host's figures, for show,\n"
	  "                        export or an offline image (--root without --proc)\n"
	  "      --root DIR        profiles, sysctl.d and the drop-in under DIR (an image, a\n"
	  "                        chroot) instead of /\n",
	  profile_subs },
	{ "probe", cmd_probe, CMD_READONLY,
	  "measure the largest allocation the kernel accepts now (mmap, never touched)",
	  "Usage: ovc probe [--force] [--json]\n"
	  "      --force           probe in mode 2 too (each attempt briefly charges the\n"
	  "                        commit limit and can make other allocations fail)\n", NULL },
	{ "top", cmd_top, CMD_PTRACE,
	  "who holds the commit charge: processes, their fork cost, and shared objects",
	  "Usage: ovc top [-n ROWS] [--by user|cgroup] [--root DIR] [--json]\n"
	  "  -n ROWS               rows to show (default: what fits the terminal; 0: all)\n"
	  "      --by user|cgroup  add up by user, or by cgroup (a pod, a job, a service)\n"
	  "      --root DIR        the system whose tmpfs mounts and /etc/passwd are read\n", NULL },
	{ "log", cmd_log, CMD_SYSLOG,
	  "the commit refusals and OOM kills in the kernel log, explained",
	  "Usage: ovc log [--since DURATION] [--follow] [--kmsg FILE] [--json]\n"
	  "      --since DURATION  only the last 30s, 10m, 2h, 1d, 1h30m, ...\n"
	  "  -f, --follow          then wait for new ones, as dmesg -w (JSON: a line each)\n"
	  "      --kmsg FILE       a saved kernel log (cat /dev/kmsg, dmesg, dmesg --raw)\n"
	  "                        instead of /dev/kmsg (needs CAP_SYSLOG when\n"
	  "                        kernel.dmesg_restrict=1)\n", NULL },
	{ "verify", cmd_verify, CMD_READONLY,
	  "do the running values equal what the sysctl.d boot configuration applies?",
	  "Usage: ovc verify [--profile NAME] [--root DIR] [--proc DIR] [--json]\n"
	  "      --profile NAME    also check that the running and boot values are NAME's\n"
	  "                        (computed for this host); exit 1 if not\n"
	  "      --root DIR        read /etc, /run, /usr and /lib under DIR (an image, a\n"
	  "                        chroot) instead of /\n"
	  "      --sosreport DIR   an extracted sosreport: DIR/proc and DIR's boot files\n"
	  "      --mem SIZE, --swap SIZE, --hugetlb SIZE\n"
	  "                        with --profile: the host's figures for a host-relative\n"
	  "                        profile (an image has none; --mem and --swap together)\n"
	  "Exit status: 0 in sync, 1 drift (a running value differs from boot's).\n", NULL },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct ovc_cmd *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)   /* exact names only: no prefix matching */
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_main_help(void)
{
	size_t i;

	printf("Usage: ovc [--proc DIR] [--root DIR] [--json] [--no-color] [COMMAND] [options]\n\n"
	       "See, simulate, set and persist the Linux overcommit policy (vm.overcommit_*).\n\n"
	       "Commands (default: status):\n");
	for (i = 0; i < N_COMMANDS; i++)
		printf("  %-10s %s\n", commands[i].name, commands[i].summary);
	printf("\n%s      --root DIR    read and write /etc, /run, /usr and /lib under DIR (an\n"
	       "                    image, a chroot) instead of /\n"
	       "      --sosreport DIR  an extracted sosreport's top directory, as it is: its\n"
	       "                    proc/ and etc/ (= --proc DIR/proc --root DIR); no writer\n"
	       "  -V, --version     print ovc's version\n"
	       "\nRun 'ovc help COMMAND' or 'ovc COMMAND --help' for its options; see ovc(8).\n",
	       common_help);
}

void cli_print_help(const char *cmd)
{
	const struct ovc_cmd *c = find_command(cmd);

	if (!c)
		return;
	if (c->help[0])
		printf("%s", c->help);
	else
		printf("Usage: ovc %s [options]\n", c->name);
	printf("\n%s", c->summary);
	printf("\n\n");
	if (!strcmp(c->name, "simulate") || !strcmp(c->name, "check"))
		printf("%s\n", whatif_help);
	printf("%s\nSee ovc(8).\n", common_help);
}

/* A usage error found while a common option is parsed: reported, and ovc exits. */
static void __attribute__((noreturn)) common_usage(struct ovc_ctx *ctx, const char *msg)
{
	exit(cli_close_stdout(NULL, cli_usage_error(ctx, "%s", msg)));
}

/* A sosreport is a record of another host: no writer takes it (main checks the
 * commands named after a global --sosreport). */
static void refuse_sos_writer(struct ovc_ctx *ctx)
{
	char msg[200];

	snprintf(msg, sizeof(msg), "--sosreport: a sosreport is a record, never written to; ovc %s does not take it (simulate answers what-ifs on it)",
		 ctx->cmd);
	common_usage(ctx, msg);
}

/*
 * --sosreport DIR: the top directory of an extracted sosreport, whose proc/ is a copy of
 * the host's /proc (sos's system plugin copies /proc/sys, the memory plugin meminfo) and
 * whose etc/, run/, usr/local/lib and lib/ hold the sysctl.d files (sos's kernel plugin
 * copies /etc/sysctl.conf and /etc, /run, /usr/local/lib and /lib/sysctl.d).
 */
static void sosreport_opt(struct ovc_ctx *ctx, const char *dir)
{
	static char proc[4096];
	size_t n = strlen(dir);

	if (ctx->sosreport)
		common_usage(ctx, "--sosreport is given twice");
	if (ctx->proc_set || ctx->root_given)
		common_usage(ctx, ctx->proc_set ? "--sosreport and --proc exclude each other (--sosreport DIR reads DIR/proc and DIR/etc)"
						: "--sosreport and --root exclude each other (--sosreport DIR reads DIR/proc and DIR/etc)");
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n + sizeof("/proc") > sizeof(proc))
		common_usage(ctx, "--sosreport: the path is too long");
	snprintf(proc, sizeof(proc), "%.*s%s", (int)n, dir, n == 1 && dir[0] == '/' ? "proc" : "/proc");
	ctx->sosreport = dir;
	ctx->proc_dir = proc;
	ctx->root_dir = dir;
	if (ctx->writer)
		refuse_sos_writer(ctx);
}

int cli_common_opt(struct ovc_ctx *ctx, int c, const char *arg)
{
	switch (c) {
	case OPT_PROC:
		if (ctx->sosreport)
			common_usage(ctx, "--sosreport and --proc exclude each other (--sosreport DIR reads DIR/proc and DIR/etc)");
		ctx->proc_dir = arg;
		ctx->proc_set = true;
		return 1;
	case OPT_ROOT:   /* opened, and compared with "/", on first use: cli_open_root */
		if (ctx->sosreport)
			common_usage(ctx, "--sosreport and --root exclude each other (--sosreport DIR reads DIR/proc and DIR/etc)");
		ctx->root_dir = arg;
		ctx->root_given = true;
		return 1;
	case OPT_SOSREPORT:
		sosreport_opt(ctx, arg);
		ctx->proc_set = true;
		return 1;
	case OPT_JSON:
		ctx->json = true;
		ctx->color = false;
		return 1;
	case OPT_NO_COLOR:
		ctx->color = false;
		return 1;
	case OPT_HELP:
	case 'h':
		cli_print_help(ctx->cmd);
		exit(cli_close_stdout(NULL, EXIT_OK));
	}
	return 0;
}

static void json_error(const char *kind, const char *message, const char *path,
		       unsigned line, int errnum, const char *hint, int code)
{
	struct json j;

	json_init(&j, stdout);
	json_obj(&j, NULL);
	json_obj(&j, "error");
	json_str(&j, "kind", kind);
	json_str(&j, "message", message);
	json_str(&j, "path", path && path[0] ? path : NULL);
	if (line)
		json_u64(&j, "line", line);
	else
		json_null(&j, "line");
	if (errnum)
		json_str(&j, "errno", strerrorname_np(errnum));
	else
		json_null(&j, "errno");
	json_str(&j, "hint", hint);
	json_i64(&j, "exit", code);
	json_end(&j);
	json_end(&j);
}

static void try_help(const struct ovc_ctx *ctx)
{
	fprintf(stderr, "Try 'ovc %s%s--help'.\n", ctx->cmd ? ctx->cmd : "", ctx->cmd ? " " : "");
}

/* A plugin's failure: one line on stdout, exit 3 (the guidelines' UNKNOWN). */
static int plugin_unknown(const char *msg)
{
	printf("OVC UNKNOWN - %s\n", msg);
	return MP_UNKNOWN;
}

int cli_usage_error(struct ovc_ctx *ctx, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ctx->plugin)
		return plugin_unknown(esc(msg));
	fprintf(stderr, "ovc: %s\n", esc(msg));   /* msg quotes arguments: escaped */
	try_help(ctx);
	if (ctx->json)
		json_error("usage", msg, NULL, 0, 0, NULL, EXIT_USAGE);
	return EXIT_USAGE;
}

int cli_parse_common_only(struct ovc_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = { COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	int ch;

	while ((ch = cli_getopt(ctx, argc, argv, "h", longopts)) != -1)
		if (!cli_common_opt(ctx, ch, optarg))
			return cli_bad_option(ctx);
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	return 0;
}

int cli_getopt(struct ovc_ctx *ctx, int argc, char **argv, const char *optstring,
	       const struct option *longopts)
{
	ctx->opt_argv = argv;
	ctx->opt_longopts = longopts;
	return getopt_long(argc, argv, optstring, longopts, NULL);
}

/*
 * What getopt_long found wrong, in glibc's words (posix/getopt.c: process_long_option,
 * _getopt_internal_r), which main() keeps from printing them (opterr = 0) because they
 * quote the argument as it is: here it is escaped. For a long option glibc has already
 * stepped past the word (optind - 1); optopt is the option's code, or 0 when the name
 * matched none or several.
 */
static void bad_option_text(const struct ovc_ctx *ctx, char *buf, size_t len)
{
	const char *word = optind > 0 && ctx->opt_argv ? ctx->opt_argv[optind - 1] : "--";
	const struct option *o;
	size_t n, o_len = 0, matches = 0;

	if (optopt && optopt < 0x100 && !(word[0] == '-' && word[1] == '-')) {
		char c[2] = { (char)optopt, 0 };

		snprintf(buf, len, "invalid option -- '%s'", esc(c));
		return;
	}
	if (optopt) {   /* a known long option: its full name, as glibc prints it */
		for (o = ctx->opt_longopts; o && o->name; o++)
			if (o->val == optopt)
				break;
		snprintf(buf, len, strchr(word, '=') ? "option '--%s' doesn't allow an argument"
						      : "option '--%s' requires an argument",
			 o && o->name ? o->name : esc(word + 2));
		return;
	}
	n = strcspn(word + 2, "=");
	for (o = ctx->opt_longopts; o && o->name; o++)
		if (!strncmp(o->name, word + 2, n))
			matches++;
	if (matches < 2) {
		snprintf(buf, len, "unrecognized option '%s'", esc(word));
		return;
	}
	o_len = (size_t)snprintf(buf, len, "option '%s' is ambiguous; possibilities:", esc(word));
	for (o = ctx->opt_longopts; o->name && o_len < len; o++)
		if (!strncmp(o->name, word + 2, n))
			o_len += (size_t)snprintf(buf + o_len, len - o_len, " '--%s'", o->name);
}

int cli_bad_option(struct ovc_ctx *ctx)
{
	if (ctx->plugin)   /* opterr is 0: getopt printed nothing */
		return plugin_unknown("unknown option or missing argument (ovc status --help lists the options)");
	char msg[1200];

	bad_option_text(ctx, msg, sizeof(msg));
	fprintf(stderr, "ovc: %s\n", msg);
	try_help(ctx);
	if (ctx->json)
		json_error("usage", msg, NULL, 0, 0, NULL, EXIT_USAGE);
	return EXIT_USAGE;
}

static int exit_for(const struct ovc_err *err)
{
	switch (err->code) {
	case OVC_E_USAGE:  return EXIT_USAGE;
	case OVC_E_INPUT:  return EXIT_INPUT;
	case OVC_E_PERM:   return EXIT_PERM;
	case OVC_E_ROFS:   return EXIT_ROFS;
	case OVC_E_GUARD:  return EXIT_GUARD;
	case OVC_E_AUDIT:  return EXIT_AUDIT;
	case OVC_E_LOCKED: return EXIT_LOCKED;
	case OVC_E_SYSTEM:
	case OVC_E_OK:     break;
	}
	return EXIT_SYSTEM;
}

/* The advice the failing module attached, in words; some depend on who runs ovc. */
static const char *hint_words(const struct ovc_err *err)
{
	bool root = geteuid() == 0;

	switch (err->hint) {
	case OVC_H_PROC_TREE:
		return "is --proc pointing at a proc tree (a saved /proc or an sosreport's proc/ folder)?";
	case OVC_H_PROC_MOUNTED:
		return "is /proc mounted?";
	case OVC_H_PROC_FORMAT:
		return "the file is not in the format the kernel writes; was it edited or truncated?";
	case OVC_H_READ_PERM:
		return root ? "ovc reads with no capabilities, so even root needs read permission on the file"
			    : "check the file's permissions, or run ovc as root";
	case OVC_H_SYSCTL_ACCESS:
		return root ? "root in a user namespace (a rootless container) is not the host's root, and an LSM such as AppArmor may deny /proc/sys: set it on the host"
			    : "only root may change vm.overcommit_*: run ovc set as root";
	case OVC_H_SYSCTL_EPERM:
		return "the kernel refused the write itself (EPERM): a cgroup-BPF sysctl filter or a security policy forbids changing vm.overcommit_* from here";
	case OVC_H_SYSCTL_ROFS:
		return "vm.overcommit_* is host-wide and this /proc/sys is read-only (a container?): set it on the host";
	case OVC_H_SAVED_WRITE:
		return "ovc set writes with no capabilities, so its own user needs write permission on the file through its mode bits (root gets no override)";
	case OVC_H_ROOT_LAYOUT:
		return "is --root pointing at a system root (with its etc/)?";
	case OVC_H_CONFIG_PERM:
		return err->errnum && !root
			       ? "the boot configuration and ovc's lock in /run/ovc belong to root: run ovc as root (or, for an image, as the owner of --root)"
			       : "ovc writes with no capabilities, so root gets no override of mode bits: the directory must be owned by root (or by you) and writable only by its owner";
	case OVC_H_CONFIG_ROFS:
		return "the file system holding the boot configuration is mounted read-only (remount it read-write, or use --root on a writable copy)";
	case OVC_H_PROFILE_TRUST:
		return "profiles, their directories and the directories above them (up to the root) must be owned by root (or by you) and writable only by their owner (a directory above may be sticky instead, as /tmp is), and a profile may not be a link";
	case OVC_H_PROFILE_FORMAT:
		return "the file format is described in ovc-profile(5)";
	case OVC_H_KMSG_PERM:
		return "with kernel.dmesg_restrict=1 the kernel log needs CAP_SYSLOG: run ovc log as root (or read a saved copy with --kmsg FILE)";
	case OVC_H_NONE:
		break;
	}
	if (err->code == OVC_E_GUARD)
		return "--force overrides; see ovc(8)";
	if (err->code == OVC_E_AUDIT)
		return "--audit=auto carries on without the record; --audit=off sends none";
	if (err->code == OVC_E_LOCKED)
		return "--wait SECONDS waits longer; without --wait or --no-wait ovc waits until the lock is free";
	return NULL;
}

static int report(const struct ovc_err *err, bool json, bool plugin);

int cli_report(struct ovc_ctx *ctx, const struct ovc_err *err)
{
	return report(err, ctx->json, ctx->plugin);
}

int cli_report_stderr(struct ovc_ctx *ctx, const struct ovc_err *err)
{
	return report(err, false, ctx->plugin);
}

static int report(const struct ovc_err *err, bool json, bool plugin)
{
	char text[2048];
	const char *hint = hint_words(err);
	int code = exit_for(err);

	if (err->errnum && err->path[0])
		snprintf(text, sizeof(text), "%s '%s': %s", err->msg, err->path,
			 strerror(err->errnum));
	else if (err->errnum)
		snprintf(text, sizeof(text), "%s: %s", err->msg, strerror(err->errnum));
	else if (err->path[0] && err->line)
		snprintf(text, sizeof(text), "%s:%u: %s", err->path, err->line, err->msg);
	else if (err->path[0])
		snprintf(text, sizeof(text), "%s: %s", err->path, err->msg);
	else
		snprintf(text, sizeof(text), "%s", err->msg);
	if (plugin)
		return plugin_unknown(esc(text));
	fprintf(stderr, "ovc: %s\n", esc(text));   /* paths and values from outside */
	if (hint)
		fprintf(stderr, "hint: %s\n", hint);
	if (json)
		json_error(code == EXIT_INPUT ? "input" : code == EXIT_PERM ? "permission"
			   : code == EXIT_ROFS ? "read_only" : code == EXIT_GUARD ? "refused"
			   : code == EXIT_AUDIT ? "audit" : code == EXIT_LOCKED ? "locked"
			   : code == EXIT_USAGE ? "usage" : "system",
			   text, err->path, err->line, err->errnum, hint, code);
	return code;
}

int cli_open_proc(struct ovc_ctx *ctx)
{
	struct ovc_err err = { 0 };
	int rc;

	/* a sosreport's proc/ is read only once the directory is known to be one */
	if (ctx->sosreport && (rc = cli_open_root(ctx)))
		return rc;
	if (ctx->proc.fd < 0 && fsroot_open_proc(&ctx->proc, ctx->proc_dir, &err) < 0)
		return cli_report(ctx, &err);
	return 0;
}

/*
 * An sosreport's top directory holds sos_commands/ (the commands' output), and sos 3.x's
 * version.txt or sos 4.x's sos_reports/ (sos.html, manifest.json) beside the copied
 * files: one of them makes DIR a sosreport.
 */
static int open_sosreport(struct ovc_ctx *ctx)
{
	struct ovc_err err = { 0 };

	if (fsroot_open_root(&ctx->root, ctx->sosreport, &err) < 0) {
		ovc_fail(&err, OVC_E_USAGE, err.errnum, ctx->sosreport, 0,
			 "not a sosreport top directory");
		return cli_report(ctx, &err);
	}
	if (!fsroot_has(&ctx->root, "sos_commands", S_IFDIR) &&
	    !fsroot_has(&ctx->root, "sos_reports", S_IFDIR) &&
	    !fsroot_has(&ctx->root, "version.txt", S_IFREG)) {
		fsroot_close(&ctx->root);
		ovc_fail(&err, OVC_E_USAGE, 0, ctx->sosreport, 0,
			 "not a sosreport top directory: it has no sos_commands/, sos_reports/ or version.txt (give the directory the tarball extracts to)");
		return cli_report(ctx, &err);
	}
	ctx->root_set = !ctx->root.live;
	return 0;
}

int cli_open_root(struct ovc_ctx *ctx)
{
	struct ovc_err err = { 0 };

	if (ctx->root.fd >= 0)
		return 0;
	if (ctx->sosreport)
		return open_sosreport(ctx);
	if (fsroot_open_root(&ctx->root, ctx->root_dir, &err) < 0)
		return cli_report(ctx, &err);
	ctx->root_set = !ctx->root.live;
	return 0;
}

bool cli_root_is_image(struct ovc_ctx *ctx)
{
	struct ovc_err ignored;

	if (ctx->sosreport)
		return true;   /* another host's record; cli_open_root checks it is one */

	if (ctx->root.fd < 0 && fsroot_open_root(&ctx->root, ctx->root_dir, &ignored) < 0)
		return true;   /* not this system's "/"; cli_open_root reports why */
	ctx->root_set = !ctx->root.live;
	return ctx->root_set;
}

int cli_open_host(struct ovc_ctx *ctx)
{
	struct ovc_err err = { 0 };

	if (ctx->host.fd < 0 && fsroot_open_root(&ctx->host, FSROOT_DEFAULT_ROOT, &err) < 0)
		return cli_report(ctx, &err);
	return 0;
}

int cli_load_host(struct ovc_ctx *ctx, struct procfs_host *ph)
{
	struct ovc_err err = { 0 };
	int rc = cli_open_proc(ctx);

	if (rc)
		return rc;
	if (procfs_read_host(&ctx->proc, ph, &err) < 0)
		return cli_report(ctx, &err);
	return 0;
}

void cli_raise_kept(int cap)
{
	if (caps_held(cap))
		caps_raise(cap, NULL);   /* without it, fewer processes can be read: counted */
}

int cli_drop_privileges(struct ovc_ctx *ctx)
{
	struct ovc_err err = { 0 };

	if (caps_drop_all(&err) < 0)
		return cli_report(ctx, &err);
	return 0;
}

int cli_writer_privileges(struct ovc_ctx *ctx, bool audit)
{
	struct ovc_err err = { 0 };

	/* CAP_AUDIT_CONTROL only asks whether auditing is on */
	if (caps_keep_audit(audit, audit, &err) < 0)
		return cli_report(ctx, &err);
	return 0;
}

/* util-linux's close_stdout: a result that was not written is a failure. */
int cli_close_stdout(const struct ovc_ctx *ctx, int rc)
{
	int bad = fflush(stdout) != 0 || ferror(stdout), e = errno;

	if (fclose(stdout) != 0) {
		bad = 1;
		e = errno;
	}
	if (!bad)
		return rc;
	if (!e)
		e = EIO;   /* the failed write was earlier and errno has moved on */
	if (ctx && ctx->committed[0]) {
		fprintf(stderr, "ovc: cannot write the report: %s; the change was made and stays: %s\n",
			strerror(e), ctx->committed);
		return rc == EXIT_OK || rc == EXIT_NO ? EXIT_UNREPORTED : rc;
	}
	if (e == EPIPE)
		return rc;
	fprintf(stderr, "ovc: cannot write the output: %s\n", strerror(e));
	return rc == EXIT_OK || rc == EXIT_NO ? EXIT_SYSTEM : rc;
}

/*
 * "ovc [global options] [status] ... --format nagios": a monitoring plugin from the first
 * argument on, so that even a usage error found before "status" is parsed (an unknown
 * global option) is an UNKNOWN line and exit 3, as the guidelines want for every error.
 */
static bool plugin_argv(int argc, char **argv)
{
	const char *cmd = NULL, *format = NULL;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *a = argv[i];

		if (!cmd && (!strcmp(a, "--proc") || !strcmp(a, "--root") || !strcmp(a, "--sosreport"))) {
			i++;   /* the option's value */
			continue;
		}
		if (!cmd && a[0] != '-') {
			cmd = a;
			if (strcmp(cmd, "status"))
				return false;
			continue;
		}
		if (!strncmp(a, "--format=", 9))   /* the last one wins */
			format = a + 9;
		else if (!strcmp(a, "--format") && i + 1 < argc)
			format = argv[++i];
	}
	return format && !strcmp(format, "nagios");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ovc_ctx ctx = { .cmd = NULL, .proc_dir = FSROOT_DEFAULT_PROC,
			       .root_dir = FSROOT_DEFAULT_ROOT };
	const struct ovc_cmd *cmd;
	char *default_argv[] = { (char *)"status", NULL };
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	int c, rc;

	ctx.proc.fd = ctx.root.fd = ctx.host.fd = -1;
	/* NO_COLOR (no-color.org): any non-empty value disables colour; it selects no files.
	 * --json and --no-color turn it off where they are parsed (cli_common_opt). */
	ctx.color = isatty(STDOUT_FILENO) && !(nc && nc[0]) && !(term && !strcmp(term, "dumb"));
	/* --json anywhere: even a usage error found before it is parsed gets a JSON document */
	for (c = 1; c < argc && strcmp(argv[c], "--"); c++)
		if (!strcmp(argv[c], "--json"))
			ctx.json = true;
	/* getopt's own messages quote arguments raw: cli_bad_option prints them escaped */
	opterr = 0;
	ctx.plugin = plugin_argv(argc, argv);
	/* '+': stop at the command name; the command parses the rest */
	while ((c = cli_getopt(&ctx, argc, argv, "+hV", longopts)) != -1) {
		if (c == 'h' || c == OPT_HELP) {
			print_main_help();
			return cli_close_stdout(NULL, EXIT_OK);
		}
		if (c == 'V') {
			if (ctx.json) {   /* ovc(8) JSON OUTPUT, version */
				struct json j;

				json_init(&j, stdout);
				json_obj(&j, NULL);
				json_str(&j, "version", OVC_VERSION);
				json_end(&j);
			} else {
				printf("ovc %s\n", OVC_VERSION);
			}
			return cli_close_stdout(NULL, EXIT_OK);
		}
		if (!cli_common_opt(&ctx, c, optarg))
			return cli_bad_option(&ctx);
	}
	if (optind < argc) {
		argv += optind;
		argc -= optind;
	} else {
		argv = default_argv;   /* plain "ovc" is "ovc status" */
		argc = 1;
	}
	/* "ovc help [COMMAND]" is "ovc [COMMAND] --help", as git help is */
	if (!strcmp(argv[0], "help")) {
		if (argc > 2)
			return cli_usage_error(&ctx, "unexpected argument '%s'", argv[2]);
		if (argc == 1 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			print_main_help();
			return cli_close_stdout(NULL, EXIT_OK);
		}
		if (!find_command(argv[1]))
			return cli_usage_error(&ctx, "unknown command '%s'", argv[1]);
		cli_print_help(argv[1]);
		return cli_close_stdout(NULL, EXIT_OK);
	}
	cmd = find_command(argv[0]);
	if (!cmd)
		return cli_usage_error(&ctx, "unknown command '%s'", argv[0]);
	ctx.cmd = cmd->name;
	if (cmd->subs) {
		const struct ovc_cmd *sub = cmd->subs, *end = sub;
		const char *word = argc > 1 ? argv[1] : NULL;

		while (end->name)
			end++;
		if (!word)
			return cli_usage_error(&ctx, "%s what? %s", cmd->name, end->summary);
		if (!strcmp(word, "-h") || !strcmp(word, "--help")) {
			cli_print_help(cmd->name);
			return cli_close_stdout(NULL, EXIT_OK);
		}
		while (sub->name && strcmp(sub->name, word) && sub[1].name)
			sub++;
		if (!strcmp(sub->name, word)) {   /* the subcommand's name is not an operand */
			argv[1] = argv[0];
			argc--;
			argv++;
		}
		cmd = sub;
	}
	ctx.writer = cmd->flags & CMD_WRITES_PROC;
	if (ctx.sosreport && ctx.writer)
		refuse_sos_writer(&ctx);
	argv[0] = (char *)"ovc";   /* getopt names the program in its messages */

	/* The privilege policy, per command: read-only commands keep nothing; writers keep
	 * only what the audit record needs (writing /proc/sys needs no capability), and
	 * narrow that once their options are read (cli_writer_privileges). */
	{
		struct ovc_err err = { 0 };

		unsigned flags = cmd->flags;
		int i;

		/* check --fork reads another process's smaps: as top, CAP_SYS_PTRACE */
		for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
			if (!strcmp(cmd->name, "check") && (!strcmp(argv[i], "--fork") ||
							    !strncmp(argv[i], "--fork=", 7)))
				flags = CMD_PTRACE;
			/* status --format prometheus names the largest holders (--top) and
			 * counts the kernel log's refusals and kills */
			if (!strcmp(cmd->name, "status") &&
			    (!strcmp(argv[i], "--format=prometheus") ||
			     (!strcmp(argv[i], "--format") && i + 1 < argc &&
			      !strcmp(argv[i + 1], "prometheus"))))
				flags = CMD_PTRACE | CMD_SYSLOG;
		}
		if (((flags & CMD_SYSLOG) && (flags & CMD_PTRACE)
			     ? caps_keep_two(CAP_SYS_PTRACE, CAP_SYSLOG, &err)
		     : flags & CMD_SYSLOG        ? caps_keep_one(CAP_SYSLOG, &err)
		     : flags & CMD_PTRACE        ? caps_keep_one(CAP_SYS_PTRACE, &err)
		     : flags & CMD_READONLY      ? caps_drop_all(&err)
						 : caps_keep_audit(true, true, &err)) < 0)
			return cli_report(&ctx, &err);
	}
	optind = 0;   /* glibc: reinitialise getopt for the command's own options */
	rc = cmd->run(&ctx, argc, argv);
	fsroot_close(&ctx.proc);
	fsroot_close(&ctx.root);
	fsroot_close(&ctx.host);
	rc = cli_close_stdout(&ctx, rc);
	/* a plugin exits 0 to 3 only (MP_UNKNOWN for any other failure) */
	return ctx.plugin && (rc < MP_OK || rc > MP_UNKNOWN) ? MP_UNKNOWN : rc;
}
