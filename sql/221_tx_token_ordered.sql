-- 221_tx_token_ordered: issue 12 item 2: a request token begins with its creation time (4 bytes, seconds, big-endian),
-- so tokens are inserted in key order and a day's old ones are one key range: the created_at index is not needed
-- (one B-tree insert per write transaction instead of two).
ALTER TABLE tx_token DROP KEY k_tx_token_created;
