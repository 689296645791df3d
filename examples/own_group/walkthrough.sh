#!/usr/bin/env bash
# Your own group as the baseline: import its chat export, calibrate a scenario to it,
# try a stricter ruleset against it on common seeds, and read the reports.
# Run with groupsim installed: ./walkthrough.sh [WORK_FOLDER]; put your group's WhatsApp
# export at WORK_FOLDER/_chat.txt first (without one, a simulated stand-in is written).
# SEEDS (default 10) sets the paired seeds of each comparison.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${1:-work}"
seeds="${SEEDS:-10}"
mkdir -p "$work"
[ -f "$work/_chat.txt" ] || python "$here/make_export.py" "$work/_chat.txt"          # a stand-in export (simulated)

# 1. import: a pseudonymous event log (senders as salted hashes, no text unless --keep-text)
groupsim import "$work/_chat.txt" --out "$work/imported" --salt-file "$work/salt"
# 2. calibrate: a scenario fitted to the log, each number with its 95% interval, and a fit report
groupsim calibrate "$work/_chat.txt" --members 300 --out "$work/my_group.yaml" \
  --salt-file "$work/salt" --report "$work/fit" --force
groupsim validate "$work/my_group.yaml" "$here/stricter.yaml"
# 3. compare: the same group under its own rules (none in an export) and under stricter.yaml,
#    on common seeds (the same members and arrivals in both arms), with a report
groupsim compare "$work/my_group.yaml" "$work/my_group.yaml" --ruleset-b "$here/stricter.yaml" \
  --seeds "$seeds" -j 1 --out "$work/compare" --report -m kicks -m legitimate_kicked
# 4. and if five ad spammers got in: the same two rulesets on that group
python "$here/variant.py" "$work/my_group.yaml" "$work/spam.yaml" "my group, five spammers get in" none 5
groupsim compare "$work/spam.yaml" "$work/spam.yaml" --ruleset-b "$here/stricter.yaml" \
  --seeds "$seeds" -j 1 --out "$work/compare_spam" --report -m kicks -m legitimate_kicked
echo "fit report: $work/fit/fit.md"
echo "reports: $work/compare/report/report.html $work/compare_spam/report/report.html"
