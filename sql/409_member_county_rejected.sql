-- 409_member_county_rejected: issue 13 item 3 (R24, R30): a county's work queue counts its reviews without reading
-- them. The total and the overdue come from the county's counters (count_rollup 'm' and 'd' rows of awaiting_review,
-- sql/320 and 386, written in each change's transaction), the oldest step from the first entry of k_member_county, and
-- the reviews rejected before (q_rejected, sql/398) from this key: only those are read. Before, every request counted
-- all the county's reviews on k_member_county (10M: 934 reviews; the queue served 350-380 requests/s at c=8 with the
-- count, 680-700 without it).
ALTER TABLE group_member ADD KEY k_member_county_rejected (county_code, state, q_rejected);
