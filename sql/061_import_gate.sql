-- 061_import_gate: one row whose lock import commits take first (fcgi/registry.c commit_tx2).
-- Import commits take this row's lock first, so two large imports never deadlock each other over counters,
-- clash keys and index gaps (a 50,000-row commit holds thousands of locks for seconds); the second waits.
CREATE TABLE import_gate (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO import_gate (id) VALUES (1);
