#!/bin/bash
# bench/append-bound/run.sh <database> [rounds] [seconds]: what bounds an append in PostgreSQL
# alone, with a client that costs nothing (pgbench, 8 clients, pinned to the load core): the
# profile edit's transaction with the chained event (gatehouse_append_events as the database
# has it) in one organization and over 8, against the plain INSERT with and without a NOTIFY;
# tps, mean latency and the backends' wait events (waits.js). The database: one Gatehouse
# migrated and bootstrapped, with its members seeded, then prepare.sql run once.
# To compare the function with and without its NOTIFY in one database, redefine it between runs
# (pg_get_functiondef, edited).
DB=$1; ROUNDS=${2:-3}; T=${3:-4}; HERE=$(dirname "$0")
run() {
  node "$HERE/waits.js" "$DB" $((T - 1)) > /tmp/append-bound-waits.$$ &
  out=$(taskset -c 1 pgbench -n -h 127.0.0.1 -U postgres -c 8 -j 2 -T "$T" -f "$HERE/$1.sql" "$DB" 2>&1)
  wait
  echo "$1: $(echo "$out" | grep -E '^tps' | cut -d' ' -f3) tps, latency $(echo "$out" | grep 'latency average' | cut -d= -f2), load $(cut -d' ' -f1 /proc/loadavg), waits $(cat /tmp/append-bound-waits.$$)"
}
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r"
  for script in append-one append-spread plain plain-notify; do run $script; done
done
rm -f /tmp/append-bound-waits.$$
