#!/usr/bin/env bats
# 99-summary.bats - runs last: the totals of this run of tests/faults (faults injected,
# kills, invariants checked, ovc runs, parallel runs) and the known bugs it reproduced,
# each with one reproducer. Fails if no fault at all was counted (a broken harness).

load ../helpers/common
load lib

@test "summary: faults injected, invariants checked, known bugs" {
	local counts=${OVC_FAULTS_COUNTS:-$BATS_RUN_TMPDIR/ovc-faults-counts} id n
	[[ -f $counts ]] || skip "no counts: run the whole tests/faults directory"
	total() { awk -v k="$1" '$1 == k { s += $2 } END { print s + 0 }' "$counts"; }
	{
		echo "# ---- fault injection summary ----"
		echo "# faults injected:    $(total faults) (errno)"
		echo "# kills (SIGKILL):    $(total kills)"
		echo "# invariants checked: $(total invariants)"
		echo "# ovc runs:           $(total runs)"
		echo "# parallel runs:      $(total parallel)"
		echo "# known-bug checks violated: $(total known)"
		if [[ -f $counts.kseen ]]; then
			for id in $(sort -u "$counts.kseen"); do
				n=$(grep -c " ${id}:" "$counts.known" 2>/dev/null || true)
				if ((n)); then
					echo "#   $id: $n checks in $(grep " ${id}:" "$counts.known" | sed 's/.*| //' | sort -u | wc -l) cases, e.g."
					echo "#     $(grep -m1 " ${id}:" "$counts.known" | sed 's/.*| //')"
				else
					echo "#   $id: did not reproduce (fixed? then remove its KNOWN-BUG marker)"
				fi
			done
		fi
	} >&3
	(($(total faults) > 0))
}
