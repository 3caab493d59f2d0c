#!/usr/bin/env bash
# The load harness and the JMH benchmarks of Sente for Java; the results are in docs/benchmarks.md.
#
#   sente-bench/bench.sh full                 every scenario against Sente, Socket.IO and bare Jetty,
#                                             ~12 minutes; tables, CSV and charts go to docs/bench/
#   sente-bench/bench.sh smoke                the seconds-long run of the test suite
#   sente-bench/bench.sh full --systems sente,jetty --scenarios ws-rr:1000,ws-push:1000@20000
#                                             any option of dev.sente.bench.Bench (--help lists them)
#   sente-bench/bench.sh full --systems sente,sente-cluster2,socketio,socketio-redis2 \
#       --scenarios ws-push:1000@20000 --drain 20
#                                             several nodes over one redis-server the harness starts
#                                             (sente-cluster2/3: RedisCluster; socketio-redis2: the
#                                             Socket.IO Redis adapter); needs redis-server installed
#   sente-bench/bench.sh profile ws-rr:1000   the same with a JFR recording of each Java server's
#                                             measured window in sente-bench/target/jfr/, summarised
#   sente-bench/bench.sh loss [options]       pushes lost, duplicated, reordered while the connection is
#                                             cut (dev.sente.bench.LossUnderCuts), ~4 minutes
#   sente-bench/bench.sh jmh [JMH options]    the hot paths (BatchBench, WireBench, OutboundBench,
#                                             FanOutBench, SendBench, DeliveryLogBench,
#                                             ReplayBench), ~7 minutes
#
# JAVA picks the JVM for the load generator and the Java servers (default: java on the PATH); the
# published run used JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java. BENCH_JAVA_OPTS adds options
# to the load generator's JVM (e.g. -Dbench.resume=true: the Sente clients ask for resume). Needs
# node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA="${JAVA:-java}"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true # as many sockets as allowed (the idle scenario)

mvn -B -q -pl sente-bench -am package -DskipTests
(cd sente-bench && npm ci --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null)

# A private copy of the reactor's jars: other builds in the tree may rewrite them during a run.
lib=sente-bench/target/bench-lib
rm -rf "$lib" && mkdir -p "$lib"
cp=""
IFS=: read -r -a entries < sente-bench/target/classpath.txt || true
for entry in sente-bench/target/sente-bench-*.jar "${entries[@]}"; do
  case "$entry" in
    "$PWD"/*|sente-bench/*) cp "$entry" "$lib/" && entry="$lib/$(basename "$entry")" ;;
  esac
  cp="${cp:+$cp:}$entry"
done

mode="${1:-full}"
[ $# -gt 0 ] && shift
case "$mode" in
  jmh)
    exec "$JAVA" -cp "$cp" org.openjdk.jmh.Main "$@"
    ;;
  loss)
    exec "$JAVA" -cp "$cp" dev.sente.bench.LossUnderCuts "$@"
    ;;
  profile)
    scenario="${1:-ws-rr:1000}"
    [ $# -gt 0 ] && shift
    rm -rf sente-bench/target/jfr
    "$JAVA" -Xmx4g -Dbench.jfr=sente-bench/target/jfr -cp "$cp" dev.sente.bench.Bench full \
      --out sente-bench/target/profile --systems sente,jetty --scenarios "$scenario" --measure 10 "$@"
    for f in sente-bench/target/jfr/*.jfr; do
      "$JAVA" -cp "$cp" dev.sente.bench.JfrSummary "$f" 25
    done
    ;;
  *)
    # shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
    exec "$JAVA" -Xmx4g ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.sente.bench.Bench "$mode" "$@"
    ;;
esac
