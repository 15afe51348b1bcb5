#!/usr/bin/env bash
# The whole test suite: static checks, then pytest (rules, workflows on the time-skipping server,
# persistence and API on SQLite and a throwaway PostgreSQL, end-to-end on the real dev server).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0
# In CI PostgreSQL must really run: a missing server is a failure there, not a skip.
if [ "${CI:-}" = "true" ]; then export QINGLING_REQUIRE_POSTGRES=1; fi
echo "== ruff"; $BIN/ruff check . || status=1
$BIN/ruff format --check . || status=1
echo "== mypy --strict"; $BIN/mypy || status=1
echo "== import contracts"; $BIN/lint-imports || status=1
echo "== pytest"
$BIN/pytest -q -p no:cacheprovider "$@"
rc=$?
if [ $rc -eq 5 ]; then echo "pytest collected no tests: that is a failure"; rc=1; fi
[ $rc -ne 0 ] && status=$rc
exit $status
