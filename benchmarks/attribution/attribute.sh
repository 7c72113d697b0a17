#!/usr/bin/env bash
# Where a SELECT 1 or INSERT cycle's instructions go (a diagnostic for BENCHMARKS.md, not a goal).
#
#   benchmarks/attribution/attribute.sh JDBC_URL select|insert OUT_DIR [AGENT_JAR]
#
# Runs the benchmarks' InstructionsApp (the throughput section's own SELECT 1 and INSERT through
# HikariCP) under callgrind with per-address counts, 20000 calls of warm-up and 4 windows of 10000,
# printing the compiled code of the methods those calls run through, then charges the last window's
# instructions to methods (attribute.py). Without AGENT_JAR the JVM runs without an agent. The
# database needs the table the runner makes:
#   create table if not exists bench_insert(id bigserial primary key, v bigint not null)
# About 4 minutes per run on the 2-core machines of BENCHMARKS.md; needs valgrind and python3.
set -euo pipefail
url="$1"; workload="$2"; out="$3"; agent="${4:-}"
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/../target/lifeline-benchmarks.jar"
mkdir -p "$out"
rm -f "$out"/cg.out*
options=(-Xmx256m -Xbatch -XX:+UseSerialGC -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
         -XX:CompileCommand=quiet)
for pattern in 'dev.lifeline.*::*' 'com.zaxxer.*::*' 'org.postgresql.jdbc.*::*' 'org.postgresql.core.*::*'; do
  options+=("-XX:CompileCommand=print,$pattern")
done
if [ -n "$agent" ]; then
  options+=("-javaagent:$agent")
fi
valgrind --tool=callgrind --separate-threads=yes --dump-instr=yes --smc-check=all-non-file \
    --vex-iropt-register-updates=allregs-at-mem-access --callgrind-out-file="$out/cg.out" \
    java "${options[@]}" -cp "$jar" dev.lifeline.bench.InstructionsApp "$url" "$workload" 20000 10000 4 \
    > "$out/jvm.log" 2>&1
# The calling thread is the one with the most instructions in the last window.
dump="$(for f in "$out"/cg.out.4-*; do echo "$(grep -m1 '^summary:' "$f" | cut -d' ' -f2) $f"; done | sort -n | tail -1 | cut -d' ' -f2)"
python3 "$here/attribute.py" "$dump" "$out/jvm.log" 10000 | tee "$out/attribution.txt"
