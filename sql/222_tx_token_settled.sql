-- 222_tx_token_settled: issue 12 item 2: asking about a token settles it. The lookup inserts the token marked lost:
-- it waits for a transaction still holding that token (a COMMIT in flight on a lost connection) and then either finds
-- it committed (duplicate key: lost = 0) or stores it as lost, so that the old transaction can never commit after
-- the answer "not committed" was given.
ALTER TABLE tx_token
  ADD COLUMN lost TINYINT NOT NULL DEFAULT 0 COMMENT '1: settled as not committed by a lookup (GET /api/v1/outcomes, a lost COMMIT)';
