\set k :client_id % 8
BEGIN;
UPDATE users SET name = 'Command x', updated_at = now() WHERE id = (select uid from bench_targets where mode = 'one' and i = :k);
SELECT * FROM gatehouse_append_events((select org from bench_targets where mode = 'one' and i = :k), now(), jsonb_build_array(jsonb_build_object('i', 0, 'id', gen_random_uuid(), 'type', 'user.profile_updated', 'actor', '{"type":"user","id":null,"ip":"127.0.0.1","userAgent":"bench","requestId":null}'::jsonb, 'subject', '{"type":"user","id":null}'::jsonb, 'payload', '{"fields":["name"]}'::jsonb, 'prefix', '{"a":"', 'middle', '","seq":', 'suffix', '}')));
END;
