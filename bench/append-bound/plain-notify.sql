\set k :client_id % 8
BEGIN;
UPDATE users SET name = 'Command x', updated_at = now() WHERE id = (select uid from bench_targets where mode = 'one' and i = :k);
INSERT INTO bench_plain_audit VALUES (gen_random_uuid(), (select org from bench_targets where mode = 'one' and i = :k), 'user.profile_updated', '{"type":"user","id":null,"ip":"127.0.0.1","userAgent":"bench","requestId":null}', '{"type":"user","id":null}', '{"fields":["name"]}', now());
SELECT pg_notify($$bench_plain$$, $$$$);
END;
