-- 211_suspect_keys: issue 17 item 4 (R31): the blocking keys of every live record (sx_keys: name reading + gender +
-- birth year, reading + month/day, sorted readings with a unit left out, ID-number neighbourhoods), so a registration,
-- an import or an approved change finds its record's candidate pairs by index inside its own transaction (as R9's
-- check does), and the full run (`xueji --suspects`) rebuilds them. k is the 64-bit key as a signed BIGINT.
CREATE TABLE suspect_key (
  k BIGINT NOT NULL,
  student_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (k, student_id),
  KEY k_suspect_key_student (student_id)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;
