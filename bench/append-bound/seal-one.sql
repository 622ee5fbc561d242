SELECT count(*) AS sealed FROM gatehouse_seal_events(1000) \gset
\if :sealed = 0
\sleep 2 ms
\endif
