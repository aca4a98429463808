-- 407_member_due_group: issue 13 item 1 (R24, R30): the problem list filtered by overdue or due before a day starts each
-- pending state's walk at the highest group that has a member of that state due before the day. (state, due_date,
-- group_id) gives that group by one descent per due day ("index for group-by": at 10M records 35 days, 0.3 ms for the
-- four states), and the walk on (state, group_id, due_date) (sql/406) then no longer reads the members not yet due above
-- it: after an import the newest open groups are all not yet due (10M, the ministry's overdue=1 read 24,724 index
-- entries of open members for 53 due; 5.3 ms of a 5.4-ms statement). The key's prefix serves its earlier reads.
ALTER TABLE group_member DROP KEY k_member_due, ADD KEY k_member_due (state, due_date, group_id);
