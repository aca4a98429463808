-- 311_import_gate_province: issue 14 item 4: a gate row per province (id = the province's two-digit code, GB/T 2260), so
-- the imports of two provinces commit at the same time; row 1 stays the national gate (a province's import shares it,
-- a national import takes it alone). fcgi/db_registry.c db_reg_import_gate.
INSERT IGNORE INTO import_gate (id) VALUES
  (11),(12),(13),(14),(15),(21),(22),(23),(31),(32),(33),(34),(35),(36),(37),(41),(42),(43),(44),(45),(46),
  (50),(51),(52),(53),(54),(61),(62),(63),(64),(65),(71),(81),(82);
