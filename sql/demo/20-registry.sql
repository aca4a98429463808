-- 20-registry.sql: more demo schools (two per demo county), for the demo records in 20-students.csv, which
-- `make start` registers through the service's import path with detection (xueji --seed-demo; issue 4).
INSERT IGNORE INTO unit (code, level, name, parent_id, province_code, city_code, county_code)
SELECT s.code, 4, s.name, c.id, c.province_code, c.city_code, c.county_code
FROM (SELECT '1302020002' code, '130202' county, '路南区友谊小学' name
      UNION ALL SELECT '1302030002', '130203', '路北区复兴小学'
      UNION ALL SELECT '3701020002', '370102', '历下区燕山小学'
      UNION ALL SELECT '3701030002', '370103', '市中区经五路小学'
      UNION ALL SELECT '3702020002', '370202', '市南区实验小学'
      UNION ALL SELECT '3702030002', '370203', '市北区新世纪小学') s
JOIN unit c ON c.code = s.county AND c.level = 3;
