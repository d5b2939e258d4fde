#!/usr/bin/env bash
# The whole test suite: typecheck, lint, dependency rules, generated files, unit + integration
# (Vitest, real gateway processes), and the public contract kit when ../shared is present.
# Ends with one line `N passed, M failed`, summed over every suite; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
results=.test-results
rm -rf "$results" && mkdir -p "$results"
passed=0
failed=0
failures=()
failed_tests=""

# step NAME CMD...: a check that counts as one test.
step() {
  local name=$1
  shift
  echo "::: $name"
  local t0=$SECONDS
  if "$@" >"$results/$name.log" 2>&1; then
    passed=$((passed + 1))
    echo "    ok ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "    FAILED ($((SECONDS - t0)) s); last lines of $results/$name.log:"
    tail -n 40 "$results/$name.log" | sed 's/^/    | /'
  fi
}

step typecheck pnpm -s typecheck
step lint pnpm -s exec biome ci .
step dependency-rules pnpm -s deps:check
step generated-schemas pnpm -s schemas:check
# Storybook (stories/): a static build, offline, counted as one check.
step storybook env STORYBOOK_DISABLE_TELEMETRY=1 pnpm -s --filter @easel/stories run build

# count_vitest NAME JSON: adds a Vitest JSON report's counts (a missing report is one failure).
count_vitest() {
  local name=$1 json=$2
  if [ -s "$json" ]; then
    read -r p f < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTests||0) + (r.success===false && r.numFailedTests===0 ? 1 : 0))' "$PWD/$json")
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$f" -gt 0 ] && failures+=("$name")
    echo "    $name: $p passed, $f failed"
    # Each failed test (file, name, first lines of its message), repeated at the end of the run.
    if [ "$f" -gt 0 ]; then
      failed_tests+="$(node scripts/failedTests.mjs "$PWD/$json" "$name" "${json%.json}.log")"$'\n'
    fi
  else
    failed=$((failed + 1))
    failures+=("$name (no report)")
    echo "    $name: no JSON report"
  fi
}

# browser-e2e: real `easel dev` + host build in Debian Chromium (e2e/browser/); screenshots in e2e/browser/screenshots/.
for project in unit integration browser-e2e; do
  echo "::: vitest $project"
  t0=$SECONDS
  pnpm -s exec vitest run --project "$project" --reporter=default --reporter=json \
    --outputFile.json="$results/vitest-$project.json" 2>&1 | tee "$results/vitest-$project.log" | grep -E '✓|✗|×|FAIL|Unhandled|Test Files|Tests ' | tail -n 60
  count_vitest "vitest-$project" "$results/vitest-$project.json"
  echo "    ($((SECONDS - t0)) s)"
done

if [ -f ../shared/conformance/run.mjs ]; then
  echo "::: conformance kit"
  node ../shared/conformance/run.mjs >"$results/conformance.log" 2>&1
  grep -E '^(PASS|FAIL|SKIP)' "$results/conformance.log" | grep -v '^PASS' | head -n 40
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$results/conformance.log" | tail -n 1)
  if [ -n "$line" ]; then
    p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$f" -gt 0 ] && failures+=("conformance")
    echo "    conformance: $line"
  else
    failed=$((failed + 1))
    failures+=("conformance (no summary)")
    tail -n 20 "$results/conformance.log"
  fi
fi

if [ ${#failures[@]} -gt 0 ]; then
  echo "failed suites: ${failures[*]}"
fi
if [ -n "$failed_tests" ]; then
  printf '%s' "$failed_tests"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
