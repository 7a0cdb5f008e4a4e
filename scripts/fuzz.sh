#!/usr/bin/env bash
# The documented fuzzing run (docs/RELIABILITY.md): builds the libFuzzer targets with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer in build-fuzz/, seeds them from
# fuzz/seeds/requests.txt plus the committed corpus, runs each for RUNS executions (default one
# million) with a 10 s per-input limit and leak detection on (fuzz/lsan.supp suppresses only
# gRPC's own), and merges whatever reached new code back into fuzz/corpus/<target>/
# (minimised; the named reproducers of fixed bugs, regression-*, are kept), which `make test`
# replays. A crash, leak, timeout or violated property stops the run with the reproducer in
# build-fuzz/artifacts/<target>/.
# Usage: scripts/fuzz.sh [target...]   (targets: rpc connect auth http)
#   RUNS=N: executions per target; MAX_TIME=S: stop each after S seconds instead;
#   PARALLEL=1: run the targets at once, one core each.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-1000000}
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(rpc connect auth http)
./scripts/install-deps.sh --fuzz

CC=clang CXX=clang++ cmake -S . -B build-fuzz -DPTRACK_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  >/dev/null
cmake --build build-fuzz -j"${JOBS:-2}" --target fuzz_seed_corpus \
  "${TARGETS[@]/#/fuzz_}"
rm -rf build-fuzz/seeds
build-fuzz/fuzz/fuzz_seed_corpus fuzz/seeds/requests.txt build-fuzz/seeds

fuzz_one() {
  local t=$1 work=build-fuzz/corpus/$1 start limit
  mkdir -p "$work" "build-fuzz/artifacts/$t" "fuzz/corpus/$t"
  cp -n build-fuzz/seeds/"$t"/* fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  limit=(-runs="$RUNS")
  [ -n "${MAX_TIME:-}" ] && limit=(-max_total_time="$MAX_TIME")
  echo "== fuzz_$t: ${limit[*]} (log: build-fuzz/fuzz-$t.log)"
  start=$(date +%s)
  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=fuzz/lsan.supp \
    build-fuzz/fuzz/fuzz_"$t" "${limit[@]}" -timeout=10 \
    -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/"$t"/ \
    "$work" >build-fuzz/fuzz-"$t".log 2>&1 || {
    echo "fuzz_$t FAILED after $(($(date +%s) - start)) s; the end of its log:" >&2
    tail -40 build-fuzz/fuzz-"$t".log >&2
    return 1
  }
  # Keep a minimal corpus with the coverage of the old one and everything new, plus the named
  # reproducers of fixed bugs (regression-*) and hand-written seeds (seed-*), which a merge would
  # drop as adding no coverage.
  rm -rf build-fuzz/merged/"$t" && mkdir -p build-fuzz/merged/"$t"
  build-fuzz/fuzz/fuzz_"$t" -merge=1 build-fuzz/merged/"$t" fuzz/corpus/"$t" "$work" \
    >build-fuzz/merge-"$t".log 2>&1
  cp fuzz/corpus/"$t"/regression-* fuzz/corpus/"$t"/seed-* build-fuzz/merged/"$t"/ 2>/dev/null || true
  rm -rf fuzz/corpus/"$t" && cp -r build-fuzz/merged/"$t" fuzz/corpus/"$t"
  echo "== fuzz_$t: done in $(($(date +%s) - start)) s; corpus $(ls fuzz/corpus/"$t" | wc -l) inputs"
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
    build-fuzz/fuzz-"$t".log | sed "s/^/   $t /"
}

# PARALLEL=1 runs the targets at once (one core each); otherwise one after another.
failed=0
if [ -n "${PARALLEL:-}" ]; then
  pids=()
  for t in "${TARGETS[@]}"; do fuzz_one "$t" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
else
  for t in "${TARGETS[@]}"; do fuzz_one "$t" || failed=1; done
fi
exit $failed
