-- 331_rollup_keys: issue 13 item 2 (R24, R30): statistics read few counter rows. count_rollup's key starts with the kind,
-- so a unit's (or its units below') students and members by status and state are one short range without the
-- members-by-due-day rows ('d': state x due day x shard, most of the table), and its overdue members are the 'd' rows of
-- the pending states due before today only: (level, 'd', unit, state, day < today) on the primary key for one unit,
-- and k_rollup_due (level, kind, day, ...) for the ministry's provinces: the days before today, never the weeks ahead.
-- The count n is in no secondary key: a counter's update (n = n + 1, every counted change) writes the primary key only.
ALTER TABLE count_rollup
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (level, kind, unit_key, k1, day, shard),
  ADD KEY k_rollup_due (level, kind, day, unit_key, k1, shard);
-- the same for the groups: by type and state ('g'), and the deadlines and arbitrations due before today ('l', 'a')
ALTER TABLE count_group
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (level, kind, unit_key, k1, k2, day, shard),
  ADD KEY k_group_due (level, kind, day, unit_key, k1, k2, shard);
