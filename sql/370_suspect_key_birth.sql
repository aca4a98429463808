-- 370_suspect_key_birth: issue 17 item 1 (R31): each blocking key row carries its record's birth date, so the
-- incremental check's candidate query drops the records sharing a name key but born too far apart (sx_compare
-- suggests none of them) on the key row itself, before it reads their student row (measured at 1M records: ~95 % of
-- the rows a chunk's keys meet; their student look-ups were the larger part of the check's cost). The key of the same
-- non-resident number (any date, sx_number_key) is stored with birth NULL, which meets any date.
-- Keys stored before carry no date: they are forgotten (as in 270), and the next full run (`xueji --suspects`) stores
-- every live record's keys again (it stores them for every record that has none). (Filling the dates here with one
-- UPDATE … JOIN student instead holds a temporary table of every key row: refused by the server on the bench's 5.5M.)
TRUNCATE TABLE suspect_key;
ALTER TABLE suspect_key ADD COLUMN birth DATE NULL COMMENT 'student.birth_date when keyed; NULL: the number key (any date)';
