SELECT gatehouse_seal((select org from bench_targets where mode = 'one' and i = 0), 1000) AS sealed \gset
\if :sealed = 0
\sleep 2 ms
\endif
