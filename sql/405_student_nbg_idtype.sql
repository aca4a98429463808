-- 405_student_nbg_idtype: issue 14 item 3 (R7, R30): the name+gender+birth key carries the ID type, so a full
-- re-detection's candidate keys come from the index alone with R7's condition that a shared name+gender+birth is a
-- clash only when one of its records holds no resident ID number: the keys that only residents share (two children of
-- one name, sex and birthday, each with his own ID number; 169,481 of 220,934 shared keys at 10M records) are no
-- candidates and are not looked into one by one. Equality lookups on (name, gender, birth_date) read the same prefix.
ALTER TABLE student DROP KEY k_student_nbg, ADD KEY k_student_nbg (name, gender, birth_date, id_type);
