#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for SECONDS (default 30): the short run CI makes.
#   Tests/Fuzz/run.sh              # 30 s per target
#   Tests/Fuzz/run.sh 3600         # a long run: an hour per target
#   Tests/Fuzz/run.sh 600 fuzz-wire   # one target
# The build goes to .build/fuzz (a build with --sanitize=fuzzer instruments every module, so it must
# not share .build/debug with the ordinary build). Each target runs from a copy of its committed seed
# corpus (Tests/Fuzz/TARGET/corpus) in .build/fuzz/corpus/TARGET, which keeps what it finds across
# runs; a crash leaves its input in .build/fuzz/artifacts/ and fails the script. To replay an input
# without the fuzzer: swift build --product TARGET && .build/debug/TARGET FILE.
# To add what a long run found to the committed seeds (after a look at them), use libFuzzer's merge:
#   .build/fuzz/debug/TARGET -merge=1 Tests/Fuzz/TARGET/corpus .build/fuzz/corpus/TARGET
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz-json fuzz-envelope fuzz-log-record fuzz-wire)

for target in "${targets[@]}"; do
    BRAKE_FUZZ=1 swift build -c debug --sanitize=fuzzer --scratch-path .build/fuzz --product "$target"
done

mkdir -p .build/fuzz/artifacts .build/fuzz/logs
for target in "${targets[@]}"; do
    work=.build/fuzz/corpus/$target
    log=.build/fuzz/logs/$target.log
    mkdir -p "$work"
    rm -f .build/fuzz/artifacts/"$target"-*
    echo "== $target: ${seconds}s"
    status=0
    .build/fuzz/debug/"$target" "$work" "Tests/Fuzz/$target/corpus" \
        -max_total_time="$seconds" -max_len=16384 -timeout=10 -print_final_stats=1 \
        -artifact_prefix=.build/fuzz/artifacts/"$target"- >"$log" 2>&1 || status=$?
    grep -E '^Done [0-9]+ runs|^stat::peak_rss_mb' "$log" || true
    if [ "$status" -ne 0 ]; then
        grep -E 'fuzz property violated|Fatal error|ERROR: libFuzzer|SUMMARY' "$log" >&2 || true
        echo "$target failed (exit $status): log in $log, input in .build/fuzz/artifacts/" >&2
        exit 1
    fi
done
echo "fuzzing: every target ran ${seconds}s without a failure"
