#!/usr/bin/env bash
# fuzz-short.sh runs every Go fuzz target briefly (FUZZTIME, default 5s
# each) after the unit tests; failures leave their input in testdata/fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
t="${FUZZTIME:-5s}"
n=0
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | awk '{print $2}'); do
		echo "[fuzz] $pkg $f ($t)"
		TEST_DATABASE_URL=${TEST_DATABASE_URL:-$(scripts/dev-db.sh url xiaobao_test)} \
			go test -run '^$' -fuzz "^$f\$" -fuzztime "$t" "$pkg" >/tmp/fuzz-$$.log 2>&1 || { cat /tmp/fuzz-$$.log; exit 1; }
		n=$((n + 1))
	done
done
echo "[fuzz] $n fuzz targets ran for $t each without a failure"
