// Goals of the performance issue whose features are on other branches: each shows in the
// report as pending until a scenario file of the same name lands in bench/scenarios/.
module.exports = [
  { name: 'audit-pipeline', order: 80, issue: 13, title: 'audit pipeline, command → projection', goal: '≥ 2,000 events/s; lag p99 ≤ 100 ms at 500 events/s' },
  { name: 'projection-rebuild', order: 85, issue: 13, title: 'projection rebuild', goal: '≥ 10,000 events/s' },
  { name: 'audit-query', order: 90, issue: 13, title: 'audit query, filtered first page over 1M events', goal: 'p95 ≤ 10 ms (API), ≤ 2 ms (database)' },
  { name: 'audit-export', order: 95, issue: 13, title: 'audit export, 1M events NDJSON', goal: '≥ 50 MB/s, RSS growth ≤ 50 MB' },
];
