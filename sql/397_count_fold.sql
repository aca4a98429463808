-- 397_count_fold: issue 13 item 3 (R24, R30): the overdue counters' past days are folded. The kinds counted "due before
-- today" ('d' members by due day in count_school and count_rollup; 'l' deadlines and 'a' arbitrations in count_group)
-- keep a row per key, day and shard, and statistics sum every row of a day before today: at 10M records the ministry's
-- per-province read was 11,000 such rows, a county's per-school read thousands (stats 64-190 ms at c=8). Housekeeping
-- (`db_counters_fold`, fcgi/db_counters.c) sums each past day's rows into the key's row on day 1000-01-01 (shard 0) and
-- removes them, so a key has one row before today plus the days since the last pass. Every reader already sums
-- day < today, and `--check-counters` compares with the days before today taken together. count_school gets the key the
-- fold reads a day's rows by (count_rollup and count_group have k_rollup_due and k_group_due, sql/331); an update of n
-- writes no secondary key.
ALTER TABLE count_school ADD KEY k_school_due (kind, day);
