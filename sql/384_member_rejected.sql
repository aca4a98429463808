-- 384_member_rejected: issue 13 item 1 (R20, R30): the problem list's filter "rejected, to handle again" reads only such
-- members. rejected_open is 1 for a member the bureau rejected that is back with the school (a rejection reason, in
-- unconfirmed or open), NULL otherwise (persistent; SQL_REJECTED of fcgi/db_search.h reads it), and one key
-- (rejected_open, path..., group_id) serves every level (the path checked in the key). Such members are few; before, the
-- filter walked the jurisdiction's members until a page was found: all of them when there were none (10M records: the
-- ministry's request timed out, a province 0.4-0.7 s).
ALTER TABLE group_member
  ADD COLUMN rejected_open TINYINT UNSIGNED AS (IF(reject_reason IS NOT NULL AND state IN ('unconfirmed', 'open'), 1, NULL))
    PERSISTENT COMMENT 'R20: rejected, with the school to handle again (sql/384)',
  ADD KEY k_member_rejected (rejected_open, province_code, city_code, county_code, school_id, group_id);
