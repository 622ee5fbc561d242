\set k :client_id % 8
BEGIN;
UPDATE users SET name = 'Command x', updated_at = now() WHERE id = (select uid from bench_targets where mode = 'one' and i = :k);
INSERT INTO event_pending (id, organization_id, type, actor, subject, payload, occurred_at, prefix, middle, suffix) VALUES (gen_random_uuid(), (select org from bench_targets where mode = 'one' and i = :k), 'user.profile_updated', '{"type":"user","id":null,"ip":"127.0.0.1","userAgent":"bench","requestId":null}', '{"type":"user","id":null}', '{"fields":["name"]}', now(), '{"a":"', '","seq":', '}');
END;
