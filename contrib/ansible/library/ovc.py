#!/usr/bin/python3
# -*- coding: utf-8 -*-
#
# ovc.py - Ansible module for ovc(8): set, persist or apply a profile for the Linux
# overcommit policy (vm.overcommit_memory, vm.overcommit_ratio, vm.overcommit_kbytes).
#
# The module is a thin layer over "ovc --json": ovc does the simulating, the guard, the
# ordered writes, the rollback and the drop-in; the module only builds the argv, reads
# ovc's JSON document and maps it onto Ansible's changed/check/diff/failed conventions.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ovc
short_description: Set and persist the Linux overcommit policy with ovc
description:
  - Sets C(vm.overcommit_memory), C(vm.overcommit_ratio) and C(vm.overcommit_kbytes)
    through ovc(8) (C(ovc set)),
    optionally also writes ovc's boot drop-in C(/etc/sysctl.d/99-zz-ovc.conf)
    (I(persist)), or applies one of ovc's named profiles (C(ovc profile NAME)).
  - ovc simulates the change first and refuses one that would leave too little room in
    mode 2 (the guard), or a drop-in that another sysctl.d file would override at boot
    (shadowing), or a file at the drop-in's path that ovc did not write. The task then
    fails with ovc's message and exit status; I(force) overrides these refusals.
  - The module calls ovc with C(--json) and reports C(changed) exactly as ovc does -
    nothing written means C(changed=false).
  - With I(persist=true) and none of I(mode), I(ratio), I(kbytes), I(profile), the
    running values are made the boot configuration (C(ovc persist)).
version_added: "0.1.0"
author:
  - ovc contributors
requirements:
  - ovc(8) on the managed host (in C(PATH) or an C(sbin) directory, or see I(executable))
  - root on the managed host for real changes (use C(become))
options:
  mode:
    description:
      - C(vm.overcommit_memory) - C(0) heuristic, C(1) always overcommit, C(2) never.
      - Mutually exclusive with I(profile).
    type: int
    choices: [0, 1, 2]
  ratio:
    description:
      - C(vm.overcommit_ratio), in percent. Writing it makes the kernel zero
        C(vm.overcommit_kbytes).
      - Mutually exclusive with I(kbytes) and I(profile).
    type: int
  kbytes:
    description:
      - C(vm.overcommit_kbytes) - a plain number is kB, or a size with a unit such as
        C(48G). Writing it makes the kernel zero C(vm.overcommit_ratio).
      - Mutually exclusive with I(ratio) and I(profile).
    type: str
  profile:
    description:
      - Apply this ovc profile (see C(ovc profile list)) exactly as C(ovc set) would.
      - Mutually exclusive with I(mode), I(ratio) and I(kbytes).
    type: str
  persist:
    description:
      - Also write ovc's drop-in C(/etc/sysctl.d/99-zz-ovc.conf), all or nothing with
        the running values, so that the policy survives a reboot.
      - Alone (without I(mode), I(ratio), I(kbytes) or I(profile)) it writes the running
        values to the drop-in and changes nothing at run time.
    type: bool
    default: false
  force:
    description:
      - Pass C(--force) - override ovc's guard (too little room in mode 2, a zero
        limit), a file that would shadow the drop-in at boot, or a drop-in ovc did not
        write. The module then warns, as ovc does.
    type: bool
    default: false
  wait:
    description:
      - Seconds to wait for the policy lock when another ovc holds it (C(--wait)),
        to the millisecond; C(0) gives up at once (C(--no-wait)). The task then fails
        with exit status 11 and nothing written.
      - Default - wait until the lock is free, however long that takes.
    type: float
  proc:
    description:
      - Read and write the proc tree under this directory instead of C(/proc)
        (C(--proc)); meant for tests and saved trees.
    type: path
  root:
    description:
      - Prefix of C(/etc), C(/run) and C(/usr) for the drop-in, the lock and the
        profiles (C(--root)) - an image or a chroot. Without I(proc) it is an offline
        image, where only the boot configuration can change (I(persist=true)).
    type: path
  executable:
    description:
      - Path of the ovc program. Default - C(ovc) found in C(PATH) or in C(/sbin),
        C(/usr/sbin) or C(/usr/local/sbin).
    type: path
notes:
  - Supports check mode - ovc runs with C(--dry-run), nothing is written and C(changed)
    says whether something would be. A change the guard refuses fails in check mode too.
  - Supports diff mode - the running values before and after, and the drop-in's text
    before and after when I(persist=true) or a profile is applied with it.
  - Without I(proc) the module changes the running kernel of the managed host.
  - ovc(8) describes the JSON document returned in I(ovc) ("JSON OUTPUT") and the exit
    statuses ("EXIT STATUS").
seealso:
  - name: Overcommit accounting
    description: The kernel's documentation of the three modes and the two limits.
    link: https://www.kernel.org/doc/html/latest/mm/overcommit-accounting.html
'''

EXAMPLES = r'''
- name: Never overcommit, with 80 % of RAM plus swap, now and at boot
  ovc:
    mode: 2
    ratio: 80
    persist: true
  become: true

- name: Always overcommit (sparse NumPy arrays), recorded as a profile in the drop-in
  ovc:
    profile: sparse-arrays
    persist: true
  become: true

- name: A fixed commit limit of 48 GiB, even though the guard objects
  ovc:
    mode: 2
    kbytes: 48G
    force: true
  become: true

- name: Make the running values the boot configuration, nothing else
  ovc:
    persist: true
  become: true

- name: From cron-like automation - give up after 30 s if another ovc holds the lock
  ovc:
    mode: 1
    wait: 30
  become: true

- name: Against a saved proc tree and an image (as the tests do)
  ovc:
    mode: 1
    persist: true
    proc: /srv/fake/proc
    root: /srv/fake/root
'''

RETURN = r'''
changed:
  description: Something was written (or, in check mode, would be) - a running value or
    the drop-in. From ovc's C(changed) (C(would_change) in check mode).
  returned: always
  type: bool
before:
  description: The running values before - mode, ratio, kbytes, commit_limit_kb,
    headroom_kb, max_alloc_kb, max_alloc_admin_kb (ovc's C(before)). On an offline
    image, the image's boot values.
  returned: when ovc ran
  type: dict
  sample: {"mode": 0, "ratio": 50, "kbytes": 0, "commit_limit_kb": 12342044,
           "headroom_kb": 10248632, "max_alloc_kb": 24684092,
           "max_alloc_admin_kb": 24684092}
after:
  description: The running values after (in check mode, as they would be); keys as in
    I(before).
  returned: when ovc ran
  type: dict
policy:
  description: The policy asked for, as the kernel would hold it - mode, ratio, kbytes.
  returned: when ovc ran
  type: dict
  sample: {"mode": 2, "ratio": 80, "kbytes": 0}
persist:
  description: ovc's drop-in report (C(path), C(changed), C(result), C(content),
    C(previous), C(shadowed), ...), null without I(persist).
  returned: when ovc ran
  type: dict
refused:
  description: A guard of ovc refused the change (the task failed; I(force) overrides).
  returned: when ovc ran
  type: bool
forced:
  description: A guard was overridden with I(force).
  returned: when ovc ran
  type: bool
ovc:
  description: ovc's whole JSON document (ovc(8), "JSON OUTPUT").
  returned: when ovc printed one
  type: dict
cmd:
  description: The ovc command line run.
  returned: always
  type: list
  elements: str
rc:
  description: ovc's exit status (ovc(8), "EXIT STATUS" - 3 refused by a guard, 11 the
    lock was held past I(wait)).
  returned: when ovc ran
  type: int
stderr:
  description: What ovc printed on standard error (its message and hint).
  returned: when ovc ran
  type: str
diff:
  description: In diff mode - the running values and the drop-in, before and after.
  returned: in diff mode
  type: list
  elements: dict
'''

import json
import os

from ansible.module_utils.basic import AnsibleModule

KNOBS = (
    ('vm.overcommit_memory', 'mode'),
    ('vm.overcommit_ratio', 'ratio'),
    ('vm.overcommit_kbytes', 'kbytes'),
)


def build_argv(module, ovc):
    """The ovc command line for the module's parameters (an argv list, never a shell)."""
    p = module.params
    argv = [ovc, '--json', '--no-color']
    if p['proc'] is not None:
        argv += ['--proc', p['proc']]

    if p['profile'] is not None:
        command = 'profile'
        argv += ['profile', 'apply', p['profile']]
    elif p['mode'] is None and p['ratio'] is None and p['kbytes'] is None:
        # only persist=true (checked by the caller): the running values become the
        # boot configuration, nothing changes at run time
        command = 'persist'
        argv += ['persist']
    else:
        command = 'set'
        argv += ['set']
        if p['mode'] is not None:
            argv += ['--mode', str(p['mode'])]
        if p['ratio'] is not None:
            argv += ['--ratio', str(p['ratio'])]
        if p['kbytes'] is not None:
            argv += ['--kbytes', p['kbytes']]

    if p['persist'] and command != 'persist':
        argv.append('--persist')
    if p['force']:
        argv.append('--force')
    if module.check_mode:
        argv.append('--dry-run')
    if p['wait'] is not None:
        # whole milliseconds, as ovc takes them: 2.5 -> "2.5", 30.0 -> "30"
        argv += ['--wait', ('%.3f' % p['wait']).rstrip('0').rstrip('.')]
    if p['root'] is not None:
        argv += ['--root', p['root']]
    return argv


def values_text(values):
    """vm.overcommit_* = N lines for ovc's before/after objects."""
    if not isinstance(values, dict):
        return ''
    lines = []
    for key, field in KNOBS:
        if values.get(field) is not None:
            lines.append('%s = %s\n' % (key, values[field]))
    return ''.join(lines)


def build_diff(module, doc):
    diffs = []
    p = module.params
    if doc.get('offline'):
        where = 'boot values of the image %s' % p['root']
    else:
        where = 'running, %s/sys/vm' % (p['proc'] if p['proc'] is not None else '/proc')
    diffs.append({
        'before_header': 'vm.overcommit_* (%s)' % where,
        'after_header': 'vm.overcommit_* (%s)' % where,
        'before': values_text(doc.get('before')),
        'after': values_text(doc.get('after')),
    })

    persist = doc.get('persist')
    if isinstance(persist, dict):
        path = persist.get('path') or 'drop-in'
        previous = persist.get('previous') or {}
        before = previous.get('content')
        if persist.get('action') == 'remove':
            after = None
        else:
            after = persist.get('content')
        diffs.append({
            'before_header': path if before is not None else '%s (absent)' % path,
            'after_header': path if after is not None else '%s (absent)' % path,
            'before': before or '',
            'after': after or '',
        })
    return diffs


def forced_warnings(doc):
    """A drop-in ovc did not write, replaced or removed because of force=true (ovc says
    so in its text output only; the guard and shadowing warnings are in its JSON)."""
    persist = doc.get('persist') or {}
    previous = persist.get('previous') or {}
    if doc.get('forced') and previous.get('present') and not previous.get('managed'):
        return ['ovc: %s was not written by ovc; force=true %s it'
                % (persist.get('path'),
                   'removed' if persist.get('action') == 'remove' else 'replaced')]
    return []


def failure_message(rc, doc, stderr):
    """ovc's own words: its standard error (message and hint), else the JSON error."""
    text = (stderr or '').strip()
    if text:
        return text
    err = doc.get('error') if isinstance(doc, dict) else None
    if isinstance(err, dict) and err.get('message'):
        msg = 'ovc: %s' % err['message']
        if err.get('hint'):
            msg += '\nhint: %s' % err['hint']
        return msg
    refusal = doc.get('refusal') if isinstance(doc, dict) else None
    if isinstance(refusal, dict) and refusal.get('message'):
        return 'ovc: %s' % refusal['message']
    if isinstance(doc, dict) and doc.get('refused'):
        return 'ovc refused the change (exit %d)' % rc
    return 'ovc failed with exit status %d' % rc


def main():
    module = AnsibleModule(
        argument_spec=dict(
            mode=dict(type='int', choices=[0, 1, 2]),
            ratio=dict(type='int'),
            kbytes=dict(type='str'),
            profile=dict(type='str'),
            persist=dict(type='bool', default=False),
            force=dict(type='bool', default=False),
            wait=dict(type='float'),
            proc=dict(type='path'),
            root=dict(type='path'),
            executable=dict(type='path'),
        ),
        mutually_exclusive=[
            ('ratio', 'kbytes'),
            ('profile', 'mode'),
            ('profile', 'ratio'),
            ('profile', 'kbytes'),
        ],
        supports_check_mode=True,
    )
    p = module.params

    if (p['mode'] is None and p['ratio'] is None and p['kbytes'] is None
            and p['profile'] is None and not p['persist']):
        module.fail_json(msg='one of the following is required: mode, ratio, kbytes, '
                             'profile, persist=true')
    if p['wait'] is not None and not 0 <= p['wait'] <= 86400:
        module.fail_json(msg='wait must be between 0 and 86400 seconds, not %s' % p['wait'])
    if p['kbytes'] is not None and not p['kbytes'].strip():
        module.fail_json(msg='kbytes must not be empty')
    if p['profile'] is not None and (not p['profile'] or p['profile'].startswith('-')):
        module.fail_json(msg='profile must be a profile name, not %r' % p['profile'])

    if p['executable'] is not None:
        ovc = p['executable']
        if not (os.path.isfile(ovc) and os.access(ovc, os.X_OK)):
            module.fail_json(msg='executable %s is not an executable file' % ovc)
    else:
        ovc = module.get_bin_path('ovc', required=True)

    argv = build_argv(module, ovc)
    rc, out, err = module.run_command(argv, environ_update={'LC_ALL': 'C', 'NO_COLOR': '1'})

    result = dict(changed=False, cmd=argv, rc=rc, stderr=err)
    try:
        doc = json.loads(out) if out.strip() else None
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        result['stdout'] = out
        module.fail_json(msg=failure_message(rc, None, err) if rc != 0 else
                         'ovc printed no JSON document', **result)

    result['ovc'] = doc
    for key in ('before', 'after', 'policy', 'persist', 'refused', 'refusal', 'forced'):
        if key in doc:
            result[key] = doc[key]

    if rc != 0:
        # exit 9: a partial change could not be undone - something stays written
        result['changed'] = bool(doc.get('changed'))
        module.fail_json(msg=failure_message(rc, doc, err), **result)

    if module.check_mode:
        result['changed'] = bool(doc.get('would_change'))
    else:
        result['changed'] = bool(doc.get('changed'))

    for text in forced_warnings(doc):
        module.warn(text)
    for w in doc.get('warnings') or []:
        if isinstance(w, dict) and w.get('text'):
            module.warn('ovc: %s' % w['text'])

    if module._diff:
        result['diff'] = build_diff(module, doc)

    module.exit_json(**result)


if __name__ == '__main__':
    main()
