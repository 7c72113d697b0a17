#!/usr/bin/env bash
# Runs pgjdbc's own test suite (from its source distribution on Maven Central) twice against a
# PostgreSQL set up as pgjdbc's CI sets up its own: without the Lifeline agent, then with
# -javaagent:agent/target/lifeline-agent.jar, and compares the two runs test by test.
#
#   scripts/pgjdbc-suite.sh                      the whole suite (219 classes, one JVM each: ~42 min on 2 cores)
#   scripts/pgjdbc-suite.sh --subset             the classes in scripts/pgjdbc-suite/subset.txt (~3 minutes)
#   scripts/pgjdbc-suite.sh --test SslTest,AbortTest
#   scripts/pgjdbc-suite.sh --agent-args jdbc.maxConnections=15,retry.maxAttempts=1
#
# Needs a JDK 17+ and Maven; everything else comes from Maven Central. Writes everything under
# target/pgjdbc-suite/ (or $PGJDBC_SUITE_DIR): summary.txt, diff.txt, causes.txt, classes.tsv, the
# Surefire reports of both runs and their logs. Exit status: 0 when both runs have the same outcome
# for every test, 1 when some differ, 2 when the suite could not be set up.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOL=$ROOT/scripts/pgjdbc-suite
CACHE=${PGJDBC_SUITE_DIR:-$ROOT/target/pgjdbc-suite}
MVN=${MVN:-mvn}

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  cat <<'EOF'
Options:
  --subset                 run the classes listed in scripts/pgjdbc-suite/subset.txt
  --test A[,B...]          run these test classes only (simple or fully qualified names)
  --agent-args k=v[,k=v]   arguments for the agent (default: none, the agent's defaults)
  --class-timeout SECONDS  kill a test class's JVM after this long (default 900)
  --pgjdbc-version V       use this pgjdbc source distribution (default: pgjdbc.version of pom.xml,
                           or the newest earlier 42.x.y on Maven Central that has one)
  --no-agent-build         use agent/target/lifeline-agent.jar as it is instead of building it
EOF
}

# Everything runs inside main, which bash has read in full before it starts: editing this file
# while a run is going on does not change that run.
main() {
  SELECTION=all
  TESTS=
  AGENT_ARGS=
  CLASS_TIMEOUT=900
  PGJDBC_VERSION=
  BUILD_AGENT=yes
  while [ $# -gt 0 ]; do
    case "$1" in
      --subset) SELECTION=subset ;;
      --test) SELECTION=test; TESTS=${2:?--test needs class names}; shift ;;
      --test=*) SELECTION=test; TESTS=${1#*=} ;;
      --agent-args) AGENT_ARGS=${2:?--agent-args needs k=v,...}; shift ;;
      --agent-args=*) AGENT_ARGS=${1#*=} ;;
      --class-timeout) CLASS_TIMEOUT=${2:?--class-timeout needs seconds}; shift ;;
      --pgjdbc-version) PGJDBC_VERSION=${2:?--pgjdbc-version needs a version}; shift ;;
      --no-agent-build) BUILD_AGENT=no ;;
      -h|--help) usage; exit 0 ;;
      *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done

  LOGS=$CACHE/logs
  mkdir -p "$CACHE/download" "$LOGS"
  STARTED_AT=$(date +%s)
  say() { echo "[pgjdbc-suite] $*"; }
  die() { echo "[pgjdbc-suite] $*" >&2; exit 2; }
  elapsed() { local s=$(( $(date +%s) - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

  # ---------------------------------------------------------------- the source distribution

  # pgjdbc publishes postgresql-<v>-jdbc-src.tar.gz next to its jar: the driver's sources, its tests,
  # a Maven pom and the SSL tests' client certificates. Not every release has one (42.7.14 has not),
  # so without --pgjdbc-version the newest release at or below the project's version that has one is used.
  fetch_source() {
    local version=$1 file=$CACHE/download/postgresql-$1-jdbc-src.tar.gz
    # Remembers a release Maven Central has no source distribution of (not a failed download).
    local none=$CACHE/download/postgresql-$1-jdbc-src.none
    [ -e "$none" ] && return 1
    if [ ! -s "$file" ]; then
      if ! "$MVN" -B -f "$TOOL/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
          -Dartifact="org.postgresql:postgresql:$version:tar.gz:jdbc-src" \
          -DoutputDirectory="$CACHE/download" >"$LOGS/download-$version.log" 2>&1; then
        grep -qE 'Could not find artifact|was not found in' "$LOGS/download-$version.log" && touch "$none"
        return 1
      fi
    fi
    local listing
    listing=$(tar tzf "$file") || return 1
    grep -q "^postgresql-$version-jdbc-src/src/test/java/" <<<"$listing" || return 1
    grep -q "^postgresql-$version-jdbc-src/pom.xml$" <<<"$listing" || return 1
  }

  POM_VERSION=$(sed -n 's:.*<pgjdbc.version>\(.*\)</pgjdbc.version>.*:\1:p' "$ROOT/pom.xml" | head -1)
  if [ -n "$PGJDBC_VERSION" ]; then
    fetch_source "$PGJDBC_VERSION" || die "no source distribution with tests for pgjdbc $PGJDBC_VERSION (see $LOGS/download-$PGJDBC_VERSION.log)"
  else
    prefix=${POM_VERSION%.*}; patch=${POM_VERSION##*.}
    for ((p = patch; p >= 0 && p > patch - 6; p--)); do
      if fetch_source "$prefix.$p"; then PGJDBC_VERSION=$prefix.$p; break; fi
      say "pgjdbc $prefix.$p has no source distribution with tests on Maven Central"
    done
    [ -n "$PGJDBC_VERSION" ] || die "found no pgjdbc source distribution near $POM_VERSION (see $LOGS/download-*.log)"
  fi
  say "pgjdbc $PGJDBC_VERSION's own suite (the project's pom has $POM_VERSION)"

  SRC_PARENT=$CACHE/src
  SRC=$SRC_PARENT/postgresql-$PGJDBC_VERSION-jdbc-src
  if [ ! -f "$SRC/.prepared" ]; then
    rm -rf "$SRC_PARENT"
    mkdir -p "$SRC_PARENT"
    tar xzf "$CACHE/download/postgresql-$PGJDBC_VERSION-jdbc-src.tar.gz" -C "$SRC_PARENT"
    # It dials a private-range address to provoke a connect timeout: never run it.
    find "$SRC/src/test" -name 'ConnectTimeoutTest.java' -delete
    # SingleCertValidatingFactoryTest reads ../certdir, as in pgjdbc's repository layout.
    ln -s "postgresql-$PGJDBC_VERSION-jdbc-src/certdir" "$SRC_PARENT/certdir"
    # A copy of pgjdbc's pom whose Surefire configuration also takes the agent's argument and a
    # reports directory, so both runs use the same compiled tests and the same settings otherwise.
    grep -q '<argLine>-Xmx1536m</argLine>' "$SRC/pom.xml" \
      || die "pgjdbc $PGJDBC_VERSION's pom.xml has no <argLine>-Xmx1536m</argLine> to extend; adapt scripts/pgjdbc-suite.sh"
    sed -e 's#<argLine>-Xmx1536m</argLine>#<argLine>-Xmx1536m ${suite.argLine}</argLine><reportsDirectory>${suite.reportsDirectory}</reportsDirectory>#' \
        -e '0,/<properties>/s#<properties>#<properties><suite.argLine></suite.argLine><suite.reportsDirectory>${project.build.directory}/surefire-reports</suite.reportsDirectory>#' \
        "$SRC/pom.xml" >"$SRC/pom-lifeline.xml"
    touch "$SRC/.prepared"
  fi
  SUITE_POM=$SRC/pom-lifeline.xml

  # ---------------------------------------------------------------- builds

  if [ "$BUILD_AGENT" = yes ]; then
    say "building the agent"
    (cd "$ROOT" && "$MVN" -B -q -DskipTests -pl agent -am package) >"$LOGS/build-agent.log" 2>&1 \
      || die "the agent did not build: $LOGS/build-agent.log"
  fi
  AGENT_JAR=$ROOT/agent/target/lifeline-agent.jar
  [ -f "$AGENT_JAR" ] || die "no $AGENT_JAR (build it: mvn -B -q -DskipTests -pl agent -am package)"

  say "building the suite's tools and pgjdbc's tests"
  "$MVN" -B -q -f "$TOOL/pom.xml" package org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.outputFile="$CACHE/tool.classpath" \
    >"$LOGS/build-tool.log" 2>&1 || die "the suite's tools did not build: $LOGS/build-tool.log"
  TOOL_CP=$TOOL/target/classes:$(cat "$CACHE/tool.classpath")
  "$MVN" -B -q -f "$SUITE_POM" -DskipShadeDependencies=true test-compile >"$LOGS/build-pgjdbc.log" 2>&1 \
    || die "pgjdbc's tests did not compile: $LOGS/build-pgjdbc.log"

  # ---------------------------------------------------------------- PostgreSQL

  # pgjdbc's CI image initialises with en_US.utf8; use it where the machine has it.
  LOCALE=
  if locale -a 2>/dev/null | grep -qix 'en_US\.utf-\{0,1\}8'; then LOCALE=en_US.UTF-8
  elif locale -a 2>/dev/null | grep -qix 'C\.utf-\{0,1\}8'; then LOCALE=C.UTF-8
  fi
  SERVER_DIR=$CACHE/server
  SERVER_PID=
  stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
      kill "$SERVER_PID" 2>/dev/null || true
      wait "$SERVER_PID" 2>/dev/null || true
    fi
  }
  trap stop_server EXIT
  trap 'exit 130' INT TERM
  rm -f "$SERVER_DIR/server.port"
  java -cp "$TOOL_CP" dev.lifeline.pgjdbcsuite.SuiteServer "$SRC" "$SERVER_DIR" "$LOCALE" >"$LOGS/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 180); do
    [ -s "$SERVER_DIR/server.port" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "PostgreSQL did not start: $LOGS/server.log"
    sleep 1
  done
  [ -s "$SERVER_DIR/server.port" ] || die "PostgreSQL did not start within 180 s: $LOGS/server.log"
  say "PostgreSQL $(cat "$SERVER_DIR/pgdata/PG_VERSION" 2>/dev/null) on port $(cat "$SERVER_DIR/server.port")${LOCALE:+, locale $LOCALE}"

  # ---------------------------------------------------------------- the two runs

  case "$SELECTION" in
    subset) TESTS=$(grep -v '^\s*#' "$TOOL/subset.txt" | awk '{print $1}' | grep -v '^$' | paste -sd, -) ;;
    test) ;;
    all) TESTS= ;;
  esac
  case ",$TESTS," in *,ConnectTimeoutTest,*|*.ConnectTimeoutTest,*) die "ConnectTimeoutTest is never run" ;; esac
  case "$SELECTION" in
    subset) SHOWN="subset: $(tr ',' '\n' <<<"$TESTS" | wc -l | tr -d ' ') classes" ;;
    test) SHOWN="classes: $TESTS" ;;
    all) SHOWN="all classes" ;;
  esac

  run_suite() {
    local mode=$1 argline=$2 reports=$CACHE/runs/$1 log=$LOGS/$1.log started
    rm -rf "$reports"
    started=$(date +%s)
    say "run $mode the agent${argline:+: $argline} ($SHOWN); log $log"
    # One JVM per test class (with the agent, one shared JVM hangs once a leak fills its caps); a
    # class whose JVM outlives --class-timeout is killed and reported as having no report.
    "$MVN" -B -f "$SUITE_POM" surefire:test -DskipShadeDependencies=true \
      -DforkCount=1 -DreuseForks=false -Dsurefire.timeout="$CLASS_TIMEOUT" \
      -DtrimStackTrace=false -Dmaven.test.redirectTestOutputToFile=true \
      -Dmaven.test.failure.ignore=true -DfailIfNoTests=false -Dsurefire.failIfNoSpecifiedTests=false \
      "-Dsuite.argLine=$argline" "-Dsuite.reportsDirectory=$reports" ${TESTS:+"-Dtest=$TESTS"} 2>&1 \
      | tee "$log" | grep --line-buffered -E 'Tests run:.* - in |There was a timeout' \
      | sed -u "s/^\[[A-Z]*\] /  [$mode] /" || true
    grep -q 'T E S T S' "$log" || die "Surefire did not run ($mode the agent): $log"
    say "run $mode the agent took $(elapsed "$started")"
  }

  run_suite without ""
  run_suite with "-javaagent:$AGENT_JAR${AGENT_ARGS:+=$AGENT_ARGS}"

  # ---------------------------------------------------------------- the comparison

  set +e
  java -cp "$TOOL_CP" dev.lifeline.pgjdbcsuite.SuiteComparison \
    "$CACHE/runs/without" "$LOGS/without.log" "$CACHE/runs/with" "$LOGS/with.log" "$CACHE" | tee "$LOGS/comparison.log"
  STATUS=${PIPESTATUS[0]}
  set -e
  say "pgjdbc $PGJDBC_VERSION, $SHOWN, agent args: ${AGENT_ARGS:-none}, took $(elapsed "$STARTED_AT")"
  exit "$STATUS"
}

main "$@"; exit $?
