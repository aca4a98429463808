-- 10-credentials.sql: demo provincial API credentials (R29), one per demo province (idempotent).
-- Only the SHA-256 of each token is stored; the tokens themselves are public demo values, never for production.
-- demo credential: province 13 (河北省)  Authorization: Bearer xjp_DEMO13-not-secret-demo-credential-hebei0000
-- demo credential: province 37 (山东省)  Authorization: Bearer xjp_DEMO37-not-secret-demo-credential-shandong0
INSERT IGNORE INTO api_credential (token_hash, prefix, name, unit_id)
SELECT UNHEX(c.h), c.prefix, c.name, u.id
FROM (SELECT '738171344a476f6801addd49cf71e1ca24acad52e9a6a74561e9217ff128bf05' h, 'xjp_DEMO13-n' prefix,
             '河北省学籍系统 (demo)' name, '130000' code
      UNION ALL SELECT '046d3f8e0172a1a50ac53efe941f3781b47906f5a3a31db914b7298a78b17110', 'xjp_DEMO37-n',
             '山东省学籍系统 (demo)', '370000') c
JOIN unit u ON u.code = c.code AND u.level = 1;
