-- 210_suspects: issue 17 (R31) suspected duplicates: pairs of live records no rule of R7 joins but the matcher
-- (fcgi/suspect.c) scores at or above XJ_SUSPECT_THRESHOLD; the bureau's decision (same child / different
-- children) and the fingerprints of the compared fields, so a "different children" decision is forgotten only
-- when one of them changes. A "same child" decision opens a problem group of type suspected_dup (R17/R18).
ALTER TABLE problem_group
  MODIFY COLUMN type VARCHAR(16) NOT NULL COMMENT 'R8: id_dup, id_error, id_changed, nbg_dup; R31: suspected_dup',
  DROP CONSTRAINT ck_group_type,
  ADD CONSTRAINT ck_group_type CHECK (type IN ('id_dup','id_error','id_changed','nbg_dup','suspected_dup'));

CREATE TABLE suspect_pair (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  lo_id BIGINT UNSIGNED NOT NULL COMMENT 'student.id, the lower of the pair',
  hi_id BIGINT UNSIGNED NOT NULL COMMENT 'student.id, the higher of the pair',
  score SMALLINT UNSIGNED NOT NULL COMMENT 'per mille (sx_compare)',
  kind VARCHAR(16) NOT NULL COMMENT 'sx_kind_name: the first deviating field (statistics, bench)',
  rules JSON NOT NULL COMMENT 'sx_explain: [{field, rule, zh, en}]',
  fp BIGINT UNSIGNED NOT NULL COMMENT 'hash of both records'' compared fields (name, gender, birth, ID type/number) when scored',
  state VARCHAR(12) NOT NULL DEFAULT 'open' COMMENT 'open, same_child, different',
  -- the jurisdiction of the pair: both counties, the R2 common superior deciding it, its level
  lo_county CHAR(6) NOT NULL,
  hi_county CHAR(6) NOT NULL,
  arbiter_unit_id INT UNSIGNED NOT NULL COMMENT 'R2: the county (pair within it) or the common superior',
  group_id BIGINT UNSIGNED NULL COMMENT 'the suspected_dup group a same_child decision opened',
  decided_by BIGINT UNSIGNED NULL COMMENT 'app_user.id',
  decided_at DATETIME(6) NULL,
  decided_fp BIGINT UNSIGNED NULL COMMENT 'fp when decided: a different decision stands while fp is unchanged',
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  version INT UNSIGNED NOT NULL DEFAULT 1,
  UNIQUE KEY uk_suspect_pair (lo_id, hi_id),
  KEY k_suspect_hi (hi_id),
  KEY k_suspect_arbiter (arbiter_unit_id, state, id),
  CONSTRAINT ck_suspect_order CHECK (lo_id < hi_id),
  CONSTRAINT ck_suspect_state CHECK (state IN ('open','same_child','different')),
  CONSTRAINT fk_suspect_lo FOREIGN KEY (lo_id) REFERENCES student (id),
  CONSTRAINT fk_suspect_hi FOREIGN KEY (hi_id) REFERENCES student (id),
  CONSTRAINT fk_suspect_arbiter FOREIGN KEY (arbiter_unit_id) REFERENCES unit (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
