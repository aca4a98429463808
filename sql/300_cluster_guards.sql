-- 300_cluster_guards.sql: issue 15 item 3 (R30, SPEC §6): the import gate holds across Galera nodes.
-- Galera certifies the rows a transaction writes (and, through foreign keys, the parent rows its new rows reference),
-- never the rows it only locks for reading: SELECT ... FOR UPDATE is local to one node. The import gate was such a
-- read lock; now every import commit increments this counter first: on one node the row lock serialises the commits
-- as before; through two nodes the second writeset to be ordered fails certification (error 1213 at COMMIT) and the
-- service runs that commit again on fresh data.
ALTER TABLE import_gate
  ADD COLUMN passes BIGINT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'import commits that passed the gate (each writes it)';
