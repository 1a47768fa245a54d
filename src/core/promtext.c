/* SPDX-License-Identifier: MIT */
/*
 * promtext.c - the Prometheus text exposition of ovc status (see promtext.h).
 * No I/O, no allocation: the text is built in the caller's buffer.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "promtext.h"

struct out {
	char *buf;
	size_t len, pos;
	bool over;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->pos) {
		o->over = true;
		return;
	}
	o->pos += (size_t)n;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if s does not start one. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		/* no overlongs (e0 a0..), no surrogates (ed 80..9f) */
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return 0;
		return (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		/* no overlongs (f0 90..), nothing above U+10FFFF (f4 80..8f) */
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
			return 0;
		return (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
			       (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

int prom_escape_label(const char *in, char *out, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;

	while (*s) {
		char esc[4] = "";
		size_t n = utf8_len(s), w;
		const char *src = (const char *)s;

		if (*s == '\\' || *s == '"' || *s == '\n') {
			esc[0] = '\\';
			esc[1] = *s == '\n' ? 'n' : (char)*s;
			src = esc;
			w = 2;
		} else if (!n) {
			src = "\xef\xbf\xbd";   /* U+FFFD REPLACEMENT CHARACTER */
			w = 3;
			n = 1;
		} else {
			w = n;
		}
		if (o + w >= len)
			return -1;
		memcpy(out + o, src, w);
		o += w;
		s += n;
	}
	if (o >= len)
		return -1;
	out[o] = '\0';
	return (int)o;
}

int prom_kb_to_bytes(uint64_t kb, char *out, size_t len)
{
	int n;

	if (kb <= UINT64_MAX / 1024) {
		n = snprintf(out, len, "%" PRIu64, kb * 1024);
	} else {
		/* kb x 1024 = (kb / 10^6) x 1024 x 10^6 + (kb % 10^6) x 1024, with the carry */
		uint64_t hi = kb / 1000000 * 1024, lo = kb % 1000000 * 1024;

		hi += lo / 1000000;
		lo %= 1000000;
		n = snprintf(out, len, "%" PRIu64 "%06" PRIu64, hi, lo);
	}
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int prom_skb_to_bytes(int64_t kb, char *out, size_t len)
{
	uint64_t mag;

	if (kb >= 0)
		return prom_kb_to_bytes((uint64_t)kb, out, len);
	if (len < 2)
		return -1;
	out[0] = '-';
	mag = (uint64_t)0 - (uint64_t)kb;   /* |INT64_MIN| fits in uint64_t */
	{
		int n = prom_kb_to_bytes(mag, out + 1, len - 1);

		return n < 0 ? -1 : n + 1;
	}
}

/* A label value, escaped, straight into the output. */
static void put_label(struct out *o, const char *v)
{
	int n;

	if (o->over)
		return;
	n = prom_escape_label(v ? v : "", o->buf + o->pos, o->len - o->pos);
	if (n < 0)
		o->over = true;
	else
		o->pos += (size_t)n;
}

static void family(struct out *o, const char *name, const char *help)
{
	/* HELP text escapes backslash and newline; ours are constants without either */
	put(o, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void bytes_sample(struct out *o, const char *name, const char *labels, uint64_t kb)
{
	char v[32];

	if (prom_kb_to_bytes(kb, v, sizeof(v)) < 0) {
		o->over = true;
		return;
	}
	put(o, "%s%s %s\n", name, labels, v);
}

static void policy_samples(struct out *o, const struct prom_figures *f, int which)
{
	static const char *const tools[] = { "systemd", "procps" };
	size_t t;

	for (t = 0; t < 2; t++) {
		const struct model_policy *p = t ? &f->boot_procps : &f->boot_systemd;

		if (which == 0)
			put(o, "ovc_boot_overcommit_mode{tool=\"%s\"} %d\n", tools[t], p->mode);
		else if (which == 1)
			put(o, "ovc_boot_overcommit_ratio{tool=\"%s\"} %" PRId64 "\n", tools[t],
			    p->ratio);
		else
			put(o, "ovc_boot_overcommit_kbytes{tool=\"%s\"} %" PRIu64 "\n", tools[t],
			    p->kbytes);
	}
}

static void boot_metrics(struct out *o, const struct prom_figures *f)
{
	const struct model_policy *r = &f->policy, *b = &f->boot_systemd;
	bool read = f->boot_read && !f->boot_error;

	family(o, "ovc_boot_config_read", "1 if the boot configuration (sysctl.d) was read; 0 for a saved --proc tree without --root, or when it could not be read.");
	put(o, "ovc_boot_config_read %d\n", read);
	family(o, "ovc_boot_config_error", "1 if the boot configuration could not be read (ovc status says why).");
	put(o, "ovc_boot_config_error %d\n", f->boot_read && f->boot_error);
	if (!read)
		return;
	family(o, "ovc_boot_overcommit_mode", "vm.overcommit_memory as boot applies it, by systemd-sysctl (tool=\"systemd\") or sysctl --system (tool=\"procps\").");
	policy_samples(o, f, 0);
	family(o, "ovc_boot_overcommit_ratio", "vm.overcommit_ratio as boot applies it, per tool.");
	policy_samples(o, f, 1);
	family(o, "ovc_boot_overcommit_kbytes", "vm.overcommit_kbytes as boot applies it, per tool, in kB.");
	policy_samples(o, f, 2);
	family(o, "ovc_boot_drift", "1 if the running value differs from the one systemd-sysctl applies at boot: a reboot changes it (ovc verify).");
	put(o, "ovc_boot_drift{key=\"vm.overcommit_memory\"} %d\n", r->mode != b->mode);
	put(o, "ovc_boot_drift{key=\"vm.overcommit_ratio\"} %d\n", r->ratio != b->ratio);
	put(o, "ovc_boot_drift{key=\"vm.overcommit_kbytes\"} %d\n", r->kbytes != b->kbytes);
	family(o, "ovc_dropin_present", "1 if /etc/sysctl.d/99-zz-ovc.conf exists.");
	put(o, "ovc_dropin_present %d\n", f->dropin_present);
	family(o, "ovc_dropin_managed", "1 if /etc/sysctl.d/99-zz-ovc.conf exists and was written by ovc.");
	put(o, "ovc_dropin_managed %d\n", f->dropin_present && f->dropin_managed);
	/* an info metric: present only when there is something to say */
	if (f->dropin_present && f->dropin_managed && f->profile && f->profile[0]) {
		family(o, "ovc_profile_info", "The profile recorded in ovc's drop-in (absent when none is).");
		put(o, "ovc_profile_info{profile=\"");
		put_label(o, f->profile);
		put(o, "\"} 1\n");
	}
}

static void holder_labels(struct out *o, const struct prom_holder *h)
{
	put(o, "{pid=\"%" PRId64 "\",comm=\"", h->pid);
	put_label(o, h->comm);
	put(o, "\",cgroup=\"");
	put_label(o, h->cgroup);
	put(o, "\"}");
}

static void top_metrics(struct out *o, const struct prom_figures *f)
{
	char v[32];
	size_t i;
	int which;

	for (which = 0; which < 2; which++) {
		const char *name = which ? "ovc_top_fork_bytes" : "ovc_top_commit_bytes";

		family(o, name, which ? "What a fork of each of the largest holders would charge (ovc top's fork cost)." : "The commit charge of the largest holders of Committed_AS (ovc top), --top of them: bounded cardinality.");
		for (i = 0; i < f->ntop && i < PROM_TOP_MAX; i++) {
			if (prom_kb_to_bytes(which ? f->top[i].fork_kb : f->top[i].commit_kb, v,
					     sizeof(v)) < 0) {
				o->over = true;
				return;
			}
			put(o, "%s", name);
			holder_labels(o, &f->top[i]);
			put(o, " %s\n", v);
		}
	}
	family(o, "ovc_unattributed_bytes", "Committed_AS not attributed to a process or an object that ovc read (negative when over-attributed).");
	if (prom_skb_to_bytes(f->unattributed_kb, v, sizeof(v)) < 0)
		o->over = true;
	else
		put(o, "ovc_unattributed_bytes %s\n", v);
	family(o, "ovc_unreadable_processes", "Processes whose mappings ovc could not read (no ptrace access).");
	put(o, "ovc_unreadable_processes %" PRIu64 "\n", f->unreadable);
}

int prom_render(const struct prom_figures *f, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };
	char v[32];

	if (!len)
		return -1;
	buf[0] = '\0';
	family(&o, "ovc_scrape_success", "1 if ovc read the overcommit settings and /proc/meminfo; 0 if not (the other ovc_ metrics are then absent).");
	put(&o, "ovc_scrape_success %d\n", f->ok);
	family(&o, "ovc_build_info", "The version of ovc that wrote these metrics.");
	put(&o, "ovc_build_info{version=\"");
	put_label(&o, f->version);
	put(&o, "\"} 1\n");
	if (!f->ok)
		return o.over ? -1 : (int)o.pos;

	family(&o, "ovc_overcommit_mode", "vm.overcommit_memory: 0 heuristic, 1 always, 2 never overcommit.");
	put(&o, "ovc_overcommit_mode %d\n", f->policy.mode);
	family(&o, "ovc_overcommit_ratio", "vm.overcommit_ratio: the percentage of RAM (less hugetlb) in CommitLimit; 0 while vm.overcommit_kbytes is set.");
	put(&o, "ovc_overcommit_ratio %" PRId64 "\n", f->policy.ratio);
	family(&o, "ovc_overcommit_kbytes", "vm.overcommit_kbytes in kB, as sysctl shows it; 0 while the ratio is in effect.");
	put(&o, "ovc_overcommit_kbytes %" PRIu64 "\n", f->policy.kbytes);
	family(&o, "ovc_commit_limit_bytes", "CommitLimit: how far mode 2 lets Committed_AS grow (the kernel's formula for the running values).");
	bytes_sample(&o, "ovc_commit_limit_bytes", "", f->commit_limit_kb);
	family(&o, "ovc_committed_as_bytes", "Committed_AS: the address space committed now.");
	bytes_sample(&o, "ovc_committed_as_bytes", "", f->committed_as_kb);
	family(&o, "ovc_headroom_bytes", "CommitLimit minus Committed_AS, negative when past it (enforced only in mode 2).");
	if (prom_skb_to_bytes(f->headroom_kb, v, sizeof(v)) < 0)
		o.over = true;
	else
		put(&o, "ovc_headroom_bytes %s\n", v);
	family(&o, "ovc_largest_allocation_bytes", "The largest single allocation that succeeds now, for a process without (privilege=\"user\") and with CAP_SYS_ADMIN (privilege=\"admin\").");
	bytes_sample(&o, "ovc_largest_allocation_bytes", "{privilege=\"user\"}", f->max_alloc_kb);
	bytes_sample(&o, "ovc_largest_allocation_bytes", "{privilege=\"admin\"}",
		     f->max_alloc_admin_kb);
	family(&o, "ovc_largest_allocation_limit_info", "What decides the largest allocation of privilege=\"user\" (JSON binding_limit).");
	put(&o, "ovc_largest_allocation_limit_info{limit=\"");
	put_label(&o, f->binding_limit);
	put(&o, "\"} 1\n");
	boot_metrics(&o, f);
	if (f->top_read)
		top_metrics(&o, f);
	family(&o, "ovc_kernel_log_read", "1 if the kernel log (/dev/kmsg) could be read for the counts below; 0 without CAP_SYSLOG under kernel.dmesg_restrict=1, or on a saved tree.");
	put(&o, "ovc_kernel_log_read %d\n", f->log_read);
	if (f->log_read) {
		family(&o, "ovc_kernel_log_entries", "Refusals and OOM kills in the kernel log now (ovc log), by kind; a gauge: the log buffer wraps.");
		put(&o, "ovc_kernel_log_entries{kind=\"commit_refused\"} %" PRIu64 "\n", f->log_refused);
		put(&o, "ovc_kernel_log_entries{kind=\"rlimit_data\"} %" PRIu64 "\n", f->log_rlimit_data);
		put(&o, "ovc_kernel_log_entries{kind=\"oom_kill\"} %" PRIu64 "\n", f->log_oom_kill);
		put(&o, "ovc_kernel_log_entries{kind=\"cgroup_oom_kill\"} %" PRIu64 "\n",
		    f->log_cgroup_oom_kill);
		family(&o, "ovc_kernel_log_suppressed", "Commit refusals the kernel's rate limit did not print, in the log now.");
		put(&o, "ovc_kernel_log_suppressed %" PRIu64 "\n", f->log_suppressed);
		family(&o, "ovc_kernel_log_wrapped", "1 if the kernel log buffer has wrapped: older entries are gone.");
		put(&o, "ovc_kernel_log_wrapped %d\n", f->log_wrapped);
	}
	return o.over ? -1 : (int)o.pos;
}
