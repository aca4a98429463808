-- 212_suspect_kind: issue 17: suspect_pair.kind holds every sx_kind_name ("day_month_swapped" is 17 characters).
ALTER TABLE suspect_pair MODIFY COLUMN kind VARCHAR(24) NOT NULL COMMENT 'sx_kind_name: the first deviating field (statistics, bench)';
