#!/usr/bin/env node
// gen-students.mjs: writes the demo records (20-students.csv) and register results (21-register-results.json) that
// `make start` registers through the service's own import path with detection on (xueji --seed-demo), so the demo
// shows every problem type (R8): ID duplicates within a county, across counties, cities and provinces and a group of
// three; ID errors (malformed, gender parity, not in the register, name mismatch); an ID change; name+gender+birth
// duplicates (R7 decision); a verified record with its G number (R5); plain pending records to approve.
// Deterministic: re-running gives the same files. Usage: node sql/demo/gen-students.mjs (from the repository root).
import { writeFileSync } from 'node:fs';

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const C = '10X98765432';
/** A valid resident ID: county + birth + 3-digit sequence (odd male, even female) + MOD 11-2 check character. */
function id(county, birth, seq) {
  const b = county + birth.replaceAll('-', '') + String(seq).padStart(3, '0');
  let s = 0;
  for (let i = 0; i < 17; i++) s += (b.charCodeAt(i) - 48) * W[i];
  return b + C[s % 11];
}
const rows = [];
const results = [];
/** One record: [name, gender 男/女, birth, type, number, school, grade, class, enrol, phone]. */
function add(name, g, birth, type, number, school, grade = '3', klass = '1') {
  const y = Number(birth.slice(0, 4));
  rows.push([name, g, birth, type, number, school, grade, klass, `${y + 7}-09-01`, `1380000${String(rows.length).padStart(4, '0')}`]);
  return number;
}
const S = {
  a1: '1301020001', a2: '1301020002', b1: '1301040001', b2: '1301040002', c1: '1302020001', c2: '1302020002',
  d1: '1302030001', d2: '1302030002', e1: '3701020001', e2: '3701020002', f1: '3701030001', f2: '3701030002',
  g1: '3702020001', g2: '3702020002', h1: '3702030001', h2: '3702030002',
};
const county = (s) => s.slice(0, 6);

// plain records: two per school, no clash
const plain = ['李明轩', '王梓涵', '张浩然', '刘欣怡', '陈子墨', '杨雨桐', '黄俊杰', '赵思琪', '吴宇航', '周佳怡', '徐天佑', '孙雅琳',
  '马晨阳', '朱可馨', '胡博文', '郭诗涵', '何嘉豪', '高若曦', '林泽宇', '罗语嫣', '郑皓轩', '梁紫萱', '谢一鸣', '宋梦瑶',
  '唐子豪', '许婉清', '韩昊天', '冯晓彤', '邓文博', '曹雨欣', '彭志远', '曾美琳'];
Object.values(S).forEach((s, i) => {
  for (let k = 0; k < 2; k++) {
    const n = i * 2 + k, male = n % 2 === 0;
    const birth = `201${3 + (n % 5)}-0${1 + (n % 9)}-${String(10 + (n % 18)).padStart(2, '0')}`;
    add(plain[n], male ? '男' : '女', birth, '1', id(county(s), birth, 100 + n * 2 + (male ? 1 : 0)), s, String(1 + (n % 6)), String(1 + (n % 4)));
  }
});

// R8.1 ID duplicates
let x = id('130102', '2014-03-08', 211); // same county, two schools, same child
add('张子轩', '男', '2014-03-08', '1', x, S.a1); add('张子轩', '男', '2014-03-08', '1', x, S.a2);
x = id('130102', '2015-06-21', 213); // same city, two counties (arbiter: 石家庄市)
add('王浩宇', '男', '2015-06-21', '1', x, S.a1); add('王浩宇', '男', '2015-06-21', '1', x, S.b1);
x = id('130104', '2013-11-02', 224); // same province, two cities (arbiter: 河北省)
add('李思雨', '女', '2013-11-02', '1', x, S.b1); add('李思涵', '女', '2013-11-02', '1', x, S.c1);
x = id('130102', '2016-01-15', 235); // two provinces (arbiter: 教育部)
add('赵一鸣', '男', '2016-01-15', '1', x, S.a1); add('赵一鸣', '男', '2016-01-15', '1', x, S.e1);
x = id('130202', '2012-09-30', 246); // a group of three across two provinces, the X written lower-case once
const x3 = x.endsWith('X') ? x.slice(0, 17) + 'x' : x;
add('刘佳琪', '女', '2012-09-30', '1', x, S.a1); add('刘佳琪', '女', '2012-09-30', '1', x3, S.d1); add('刘佳怡', '女', '2012-09-30', '1', x, S.g1);

// R8.2 ID errors
x = id('130102', '2014-07-19', 257);
add('陈浩', '男', '2014-07-19', '1', x.slice(0, 17) + (x[17] === '0' ? '1' : '0'), S.a1); // wrong check character
add('杨静怡', '女', '2015-02-11', '1', id('130104', '2015-02-11', 269), S.b1); // odd 17th digit for a girl
x = add('周子涵', '女', '2013-05-05', '1', id('130102', '2013-05-05', 270), S.a1); // register: not in the register
results.push({ school_code: S.a1, id_number: x, result: 'not_exist' });
x = add('吴俊熙', '男', '2014-10-10', '1', id('370102', '2014-10-10', 281), S.e1); // register: name does not match
results.push({ school_code: S.e1, id_number: x, result: 'name_mismatch' });

// R8.3 ID changed
x = add('孙明哲', '男', '2013-08-18', '1', id('130102', '2013-08-18', 293), S.a1);
results.push({ school_code: S.a1, id_number: x, result: 'changed_to', new_id_number: id('130102', '2013-08-18', 295) });

// R8.4 name + gender + birth duplicates (R7 decision: compared with records of every ID type)
add('林可欣', '女', '2015-04-04', 'A', 'E23456781', S.a1); add('林可欣', '女', '2015-04-04', '1', id('130202', '2015-04-04', 302), S.c1);
add('Anna Müller', '女', '2014-12-24', 'Z', '', S.g1); add('Anna Müller', '女', '2014-12-24', '8', '12345678', S.b1);

// R5 a verified record gets its G number
x = add('郑宇辰', '男', '2013-03-03', '1', id('130102', '2013-03-03', 311), S.a1);
results.push({ school_code: S.a1, id_number: x, result: 'verified' });

const HEADER = '姓名,性别,出生日期,证件类型,证件号码,学校标识码,年级,班级,入学日期,监护人联系电话';
const dir = new URL('.', import.meta.url).pathname;
writeFileSync(dir + '20-students.csv', [HEADER, ...rows.map((r) => r.join(','))].join('\n') + '\n');
writeFileSync(dir + '21-register-results.json', JSON.stringify({ results }, null, 1) + '\n');
process.stderr.write(`demo: ${rows.length} records, ${results.length} register results\n`);
