#!/bin/bash
# bench/append-bound/run-sealer.sh <database> [rounds] [seconds] (a prototype; nothing in src/ uses it):
# the chained append in one organization (as the database has it) against the sealer design's
# command side (the event written unchained into event_pending) while one sealer client seals
# the organization in batches of up to 1,000 (sleeping 2 ms when it found nothing), and the plain
# INSERT; all pgbench, 8 clients (+1 sealer) pinned to the load core. Needs prepare.sql, then sealer.sql.
DB=$1; ROUNDS=${2:-3}; T=${3:-4}; HERE=$(dirname "$0")
tps() { echo "$1" | grep -E '^tps' | cut -d' ' -f3; }
bench() { taskset -c 1 pgbench -n -h 127.0.0.1 -U postgres -c "$1" -j "$1" -T "$T" -f "$HERE/$2.sql" "$DB" 2>&1; }
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r (load $(cut -d' ' -f1 /proc/loadavg))"
  echo "  append-one: $(tps "$(bench 8 append-one)") tps"
  bench 1 seal-one > /tmp/append-bound-seal.$$ &
  commands=$(bench 8 pending-one)
  wait
  sealed=$(psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "select count(*) from events e join bench_targets t on t.org = e.organization_id and t.mode = 'one' and t.i = 0")
  echo "  pending + sealer: $(tps "$commands") tps, sealer $(tps "$(cat /tmp/append-bound-seal.$$)") passes/s, left pending $(psql -h 127.0.0.1 -U postgres -d "$DB" -Atc 'select count(*) from event_pending'), events in the organization $sealed"
  echo "  plain: $(tps "$(bench 8 plain)") tps"
done
rm -f /tmp/append-bound-seal.$$
