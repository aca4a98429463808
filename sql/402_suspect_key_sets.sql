-- 402_suspect_key_sets: issue 17 item 2 (R31): the import's incremental check writes fewer index entries.
-- 1. Keys of month and day (sx_keys' B keys, bit 0 of k set) now also stand for the former D keys (the readings with a
--    unit left out + the whole birth date): a name of 3 units has 4 keys instead of 5, one of 2 units 2 instead of 3.
--    Such a key pairs only records of the same readings or born the same day (sx_key_pairs); r holds the record's
--    readings (sx_prep.rd) on those keys (NULL on the others), so the check applies the rule on the key row.
-- 2. No index of suspect_key on the record (k_suspect_key_student cost every key a second index entry, a third of
--    the check's writes): each record's keys are one row of suspect_keyset (8 bytes a key), by which a record that
--    changes forgets them and the full run finds the records keyed already.
-- Keys of the former scheme would never meet the new ones: they are forgotten (as in 270 and 370), and the next full
-- run (`xueji --suspects`) stores every live record's keys again (it stores them for every record that has none).
TRUNCATE TABLE suspect_key;
ALTER TABLE suspect_key DROP KEY k_suspect_key_student,
  ADD COLUMN r INT UNSIGNED NULL COMMENT 'on a key of month and day: the record''s readings (sx_prep.rd); else NULL';
CREATE TABLE suspect_keyset (
  student_id BIGINT UNSIGNED NOT NULL,
  ks VARBINARY(192) NOT NULL COMMENT 'the record''s keys in suspect_key: k as 8 bytes each, most significant first',
  PRIMARY KEY (student_id)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;
