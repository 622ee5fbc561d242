#!/bin/bash
# bench/append-bound/run-sealer.sh <database> [rounds] [seconds]: the command side of the event
# sealer (Migration20261203005000_event_sealer: the profile edit's transaction writing its event
# unchained into event_pending) while one client seals in batches of up to 1,000 with the real
# gatehouse_seal_events (sleeping 2 ms when it found nothing), against the plain INSERT, and the
# chained append in one organization where the database still has it (gatehouse_append_events:
# a database migrated by a build before the sealer). pgbench, 8 clients (+1 sealer) pinned to
# the load core. Needs prepare.sql.
DB=$1; ROUNDS=${2:-3}; T=${3:-4}; HERE=$(dirname "$0")
tps() { echo "$1" | grep -E '^tps' | cut -d' ' -f3; }
bench() { taskset -c 1 pgbench -n -h 127.0.0.1 -U postgres -c "$1" -j "$1" -T "$T" -f "$HERE/$2.sql" "$DB" 2>&1; }
q() { psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "$1"; }
chained=$(q "select to_regprocedure('gatehouse_append_events(uuid, timestamptz, jsonb)') is not null")
pending=$(q "select to_regclass('event_pending') is not null")
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r (load $(cut -d' ' -f1 /proc/loadavg))"
  [ "$chained" = t ] && echo "  append-one (chained): $(tps "$(bench 8 append-one)") tps"
  if [ "$pending" = t ]; then
    bench 1 seal-one > /tmp/append-bound-seal.$$ &
    commands=$(bench 8 pending-one)
    wait
    sealed=$(q "select count(*) from events e join bench_targets t on t.org = e.organization_id and t.mode = 'one' and t.i = 0")
    echo "  pending + sealer: $(tps "$commands") tps, sealer $(tps "$(cat /tmp/append-bound-seal.$$)") passes/s, left pending $(q 'select count(*) from event_pending'), events in the organization $sealed"
  fi
  echo "  plain: $(tps "$(bench 8 plain)") tps"
done
rm -f /tmp/append-bound-seal.$$
