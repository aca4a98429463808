-- 403_member_arbitration_name: issue 13 item 1 (R2, R30): an arbitration list searched by a name reads the members of that
-- name awaiting arbitration on (g_state, s_name, group_id) (the group's state and the record's name, copied on the
-- member by sql/380 and sql/382; group_id makes it covering), then only their groups. Before, the list walked every
-- arbitration of the arbiter in its order and looked into each group's members for the name (10M records: the
-- ministry's 1,045 arbitrations searched for 黄, 29-39 ms median at c=8).
ALTER TABLE group_member ADD KEY k_member_gstate_sname (g_state, s_name, group_id);
