-- 00-accounts.sql: demo schools and accounts for every role (idempotent). Needs the division seed loaded first.
-- demo password: Xueji@2026demo
-- account: clerk_a    school clerk,  石家庄市长安区 第一实验小学 (1301020001)
-- account: leader_a   school leader, same school
-- account: clerk_b    school clerk,  石家庄市桥西区 育才小学 (1301040001)
-- account: leader_b   school leader, same school
-- account: clerk_c    school clerk,  唐山市路南区 路南小学 (1302020001)
-- account: clerk_d    school clerk,  济南市历下区 历下实验小学 (3701020001)
-- account: clerk_e    school clerk,  青岛市市南区 市南小学 (3702020001)
-- account: county_130102  county bureau clerk, 长安区 (reviews schools of 130102)
-- account: county_130104  county bureau clerk, 桥西区
-- account: county_130202  county bureau clerk, 路南区
-- account: county_370102  county bureau clerk, 历下区
-- account: county_370202  county bureau clerk, 市南区
-- account: city_1301     city bureau (arbitration, statistics), 石家庄市
-- account: prov_13       province bureau, 河北省
-- account: prov_37       province bureau, 山东省
-- account: ministry      ministry bureau (cross-province arbitration)
-- account: admin_13      administrator, 河北省 (users and provincial API credentials)
-- account: admin         administrator, 教育部

-- schools (level 4) under real counties: two provinces, two cities each, two counties each
INSERT IGNORE INTO unit (code, level, name, parent_id, province_code, city_code, county_code)
SELECT s.code, 4, s.name, c.id, c.province_code, c.city_code, c.county_code
FROM (SELECT '1301020001' code, '130102' county, '长安区第一实验小学' name
      UNION ALL SELECT '1301020002', '130102', '长安区育红小学'
      UNION ALL SELECT '1301040001', '130104', '桥西区育才小学'
      UNION ALL SELECT '1301040002', '130104', '桥西区东里小学'
      UNION ALL SELECT '1302020001', '130202', '路南区路南小学'
      UNION ALL SELECT '1302030001', '130203', '路北区光明小学'
      UNION ALL SELECT '3701020001', '370102', '历下区历下实验小学'
      UNION ALL SELECT '3701030001', '370103', '市中区胜利小学'
      UNION ALL SELECT '3702020001', '370202', '市南区市南小学'
      UNION ALL SELECT '3702030001', '370203', '市北区辽源小学') s
JOIN unit c ON c.code = s.county AND c.level = 3;

INSERT IGNORE INTO app_user (username, display_name, role, unit_id, password_hash)
SELECT u.username, u.display_name, u.role, x.id, '$argon2id$v=19$m=19456,t=2,p=1$8WmfqunjDj+7nVvO918yuw$vJpLRl9gR+YfC4GK4eTQ2+AaMSJB1mba0dKC1qpWbAE'
FROM (SELECT 'clerk_a' username, '张老师' display_name, 'school_clerk' role, '1301020001' code
      UNION ALL SELECT 'leader_a', '王校长', 'school_leader', '1301020001'
      UNION ALL SELECT 'clerk_b', '李老师', 'school_clerk', '1301040001'
      UNION ALL SELECT 'leader_b', '赵校长', 'school_leader', '1301040001'
      UNION ALL SELECT 'clerk_c', '刘老师', 'school_clerk', '1302020001'
      UNION ALL SELECT 'clerk_d', '陈老师', 'school_clerk', '3701020001'
      UNION ALL SELECT 'clerk_e', '杨老师', 'school_clerk', '3702020001'
      UNION ALL SELECT 'county_130102', '长安区教育局', 'county', '130102'
      UNION ALL SELECT 'county_130104', '桥西区教育局', 'county', '130104'
      UNION ALL SELECT 'county_130202', '路南区教育局', 'county', '130202'
      UNION ALL SELECT 'county_370102', '历下区教育局', 'county', '370102'
      UNION ALL SELECT 'county_370202', '市南区教育局', 'county', '370202'
      UNION ALL SELECT 'city_1301', '石家庄市教育局', 'bureau', '130100'
      UNION ALL SELECT 'prov_13', '河北省教育厅', 'bureau', '130000'
      UNION ALL SELECT 'prov_37', '山东省教育厅', 'bureau', '370000'
      UNION ALL SELECT 'ministry', '教育部', 'bureau', '000000'
      UNION ALL SELECT 'admin_13', '河北省管理员', 'admin', '130000'
      UNION ALL SELECT 'admin', '系统管理员', 'admin', '000000') u
JOIN unit x ON x.code = u.code;
