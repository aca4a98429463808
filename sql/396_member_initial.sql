-- 396_member_initial: issue 13 item 1 (R30): the ministry's problem list searched by a one-character name prefix (a
-- surname: 王 is a few per cent of all names) reads that character's members in group order and stops at the page's
-- last group. s_initial is the first character of the member's copy of its student's name (s_name, sql/382), kept by
-- the database itself (a persistent column); key (s_initial, group_id). Below the ministry the path's name keys of
-- sql/382 are narrow enough. Before, the ministry read and grouped every member of that surname (10M records: 28,000
-- members, 109 ms a page).
ALTER TABLE group_member
  ADD COLUMN s_initial VARCHAR(1) AS (LEFT(s_name, 1)) PERSISTENT
    COMMENT 'the first character of s_name (sql/396)',
  ADD KEY k_member_sinitial (s_initial, group_id);
