-- 381_student_birth_name: issue 13 item 1 (R30): a name searched with a birth date (what a registrar knows of a child
-- without an ID number) reads the records born that day by name, whatever the caller's level: about 2,300 records a
-- day nationally at 10M, against a surname's 7 % of a whole province or of the country on (path, name) before (10M:
-- 1.9 s for a province, over 2 s for the ministry). InnoDB appends the id: the name search's keyset order (name, id).
ALTER TABLE student ADD KEY k_student_birth_name (birth_date, name);
