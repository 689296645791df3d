#!/usr/bin/env bash
# Your own group as the baseline: import its chat export, calibrate a scenario to it,
# try a stricter ruleset against it on common seeds, and read the report.
# Run from this folder with groupsim installed; replace _chat.txt with your group's export.
set -euo pipefail
work="${1:-work}"
mkdir -p "$work"
[ -f "$work/_chat.txt" ] || python make_export.py "$work/_chat.txt"          # a stand-in export (simulated)

groupsim import "$work/_chat.txt" --out "$work/imported" --salt-file "$work/salt"        # pseudonymous events.parquet
groupsim calibrate "$work/_chat.txt" --members 300 --out "$work/my_group.yaml" \
  --salt-file "$work/salt" --report "$work/fit" --force                                   # fitted scenario + fit report
groupsim validate "$work/my_group.yaml"

# What if five ad spammers get in? The same group with no rules, and with kick-on-ad.
python variant.py "$work/my_group.yaml" "$work/spam.yaml" "my group, spammers, no rules" none 5
python variant.py "$work/my_group.yaml" "$work/spam_kick.yaml" "my group, spammers, kick on ads" no_ads_kick 5
groupsim compare "$work/spam.yaml" "$work/spam_kick.yaml" --seeds 10 -j 1 \
  --out "$work/compare" --report                                                          # paired, common random numbers
echo "report: $work/compare/report/report.html"
