-- 220_tx_token: issue 12 item 2: every write transaction (fcgi/db.c db_tx) records a random request token in the same
-- transaction, so that after a connection lost at COMMIT the service can tell whether it committed (token present)
-- instead of running it again; GET /api/v1/outcomes/{token} lets a client that was answered 503 outcome_unknown ask.
-- Tokens are kept a day (housekeeping deletes older ones by created_at).
CREATE TABLE tx_token (
  token BINARY(16) NOT NULL PRIMARY KEY,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY k_tx_token_created (created_at)
) ENGINE=InnoDB COMMENT 'issue 12 item 2: committed transactions of the last day, by request token';
