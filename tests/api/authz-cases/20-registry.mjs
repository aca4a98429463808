// 20-registry.mjs: own- and foreign-jurisdiction probes of issue 4's routes (students, imports, register results,
// registration approval, the group list), for issue 3's authorization matrix (tests/api/authz-matrix.test.mjs).
import assert from 'node:assert/strict';
import { record, SCHOOLS, csv } from '../../lib/registry.mjs';

export default {
  module: 'registry',
  owns: ['/api/v1/students', '/api/v1/imports', '/api/v1/register-results', '/api/v1/registrations', '/api/v1/groups'],
  covers: [
    'GET /api/v1/students', 'POST /api/v1/students', 'POST /api/v1/students/batch', 'GET /api/v1/students/{id}',
    'POST /api/v1/imports', 'GET /api/v1/imports/{id}', 'POST /api/v1/imports/{id}/commit', 'GET /api/v1/imports/{id}/failed.csv',
    'POST /api/v1/register-results', 'POST /api/v1/registrations/approve', 'GET /api/v1/groups',
  ],
  unscoped: {
    'GET /api/v1/imports/template.csv': 'a static template',
    'GET /api/v1/imports/template.xlsx': 'a static template',
  },
  // ROLE_BUREAU is admitted on the provincial routes only for the XJ_TEST_HOOKS stand-in of a provincial system
  // (registry_is_province); a city bureau is refused by the handler.
  roleExceptions: [],
  async cases(ctx) {
    const { as, sqlCount } = ctx;
    const ownStudent = sqlCount("SELECT s.id FROM student s JOIN unit u ON u.id=s.school_id WHERE u.code='1301020001' AND s.status<>'deleted' ORDER BY s.id LIMIT 1");
    assert.ok(ownStudent > 0, 'a demo record of school 1301020001');
    const ownGroup = sqlCount("SELECT m.group_id FROM group_member m JOIN unit u ON u.id=m.school_id WHERE u.code='1301020001' ORDER BY m.group_id LIMIT 1");
    const job = await (await as('clerk_a')).req('POST', '/api/v1/imports?dry_run=1', { raw: csv([record(SCHOOLS.a)]), headers: { 'content-type': 'text/csv' } });
    assert.equal(job.status, 201, job.text);
    const jobId = job.body.id;
    const hasGroup = (yes) => (r) => assert.equal(r.body.items.some((g) => g.id === ownGroup), yes);
    return [
      { name: 'clerk reads a record of its school', as: 'clerk_a', method: 'GET', path: `/api/v1/students/${ownStudent}`, expect: 200 },
      { name: 'clerk of another school gets 404', as: 'clerk_b', method: 'GET', path: `/api/v1/students/${ownStudent}`, expect: 404 },
      { name: 'county bureau of the school reads it', as: 'county_130102', method: 'GET', path: `/api/v1/students/${ownStudent}`, expect: 200 },
      { name: 'county bureau of a sibling county gets 404', as: 'county_130104', method: 'GET', path: `/api/v1/students/${ownStudent}`, expect: 404 },
      { name: 'province 13 reads it', as: 'province_api:13', method: 'GET', path: `/api/v1/students/${ownStudent}`, expect: 200 },
      { name: 'province 37 gets 404', as: 'province_api:37', method: 'GET', path: `/api/v1/students/${ownStudent}`, expect: 404 },
      { name: 'clerk lists only its school', as: 'clerk_a', method: 'GET', path: '/api/v1/students?limit=200', expect: 200,
        check: (r) => assert.ok(r.body.items.length > 0 && r.body.items.every((s) => s.school.code === SCHOOLS.a.code)) },
      { name: 'province 37 lists no Hebei record', as: 'province_api:37', method: 'GET', path: '/api/v1/students?limit=200', expect: 200,
        check: (r) => assert.ok(r.body.items.every((s) => s.county_code.startsWith('37'))) },
      { name: 'clerk registers into its school', as: 'clerk_a', method: 'POST', path: '/api/v1/students', body: record(SCHOOLS.a), expect: 201 },
      { name: 'clerk cannot register into another school', as: 'clerk_a', method: 'POST', path: '/api/v1/students', body: record(SCHOOLS.b), expect: 422,
        check: (r) => assert.equal(r.body.error.field, 'school_code') },
      { name: 'province 13 pushes a Hebei record', as: 'province_api:13', method: 'POST', path: '/api/v1/students/batch', body: { records: [record(SCHOOLS.c)] }, expect: 200,
        check: (r) => assert.equal(r.body.results[0].status, 'created') },
      { name: 'province 13 cannot push a Shandong record', as: 'province_api:13', method: 'POST', path: '/api/v1/students/batch', body: { records: [record(SCHOOLS.d)] }, expect: 200,
        check: (r) => assert.equal(r.body.results[0].error.field, 'school_code') },
      { name: 'province 13 sends a result for a Hebei record', as: 'province_api:13', method: 'POST', path: '/api/v1/register-results',
        body: { results: [{ student_id: ownStudent, result: 'verified' }] }, expect: 200, check: (r) => assert.notEqual(r.body.results[0].status, 'error') },
      { name: 'province 37 cannot send a result for a Hebei record', as: 'province_api:37', method: 'POST', path: '/api/v1/register-results',
        body: { results: [{ student_id: ownStudent, result: 'not_exist' }] }, expect: 200, check: (r) => assert.equal(r.body.results[0].error.code, 'not_found') },
      { name: 'clerk of another school cannot import into this school', as: 'clerk_b', method: 'POST', path: '/api/v1/imports?dry_run=1',
        raw: csv([record(SCHOOLS.a)]), headers: { 'content-type': 'text/csv' }, expect: 201,
        check: (r) => assert.ok(r.body.rows_valid === 0 && r.body.issues.some((i) => i.field === 'school_code' && i.code === 'school_unknown'), JSON.stringify(r.body.issues)) },
      { name: 'clerk reads its own import', as: 'clerk_a', method: 'GET', path: `/api/v1/imports/${jobId}`, expect: 200 },
      { name: 'clerk of another school cannot see the import', as: 'clerk_b', method: 'GET', path: `/api/v1/imports/${jobId}`, expect: 404 },
      { name: 'nor its failed rows', as: 'clerk_b', method: 'GET', path: `/api/v1/imports/${jobId}/failed.csv`, expect: 404 },
      { name: 'nor commit it', as: 'clerk_b', method: 'POST', path: `/api/v1/imports/${jobId}/commit`, expect: 404 },
      { name: 'a province cannot see a school\'s import', as: 'province_api:13', method: 'GET', path: `/api/v1/imports/${jobId}`, expect: 404 },
      { name: 'county approves a record of its county', as: 'county_130102', method: 'POST', path: '/api/v1/registrations/approve',
        body: { student_ids: [ownStudent] }, expect: 200, check: (r) => assert.notEqual(r.body.results[0].outcome, 'not_found') },
      { name: 'a sibling county cannot approve it', as: 'county_130104', method: 'POST', path: '/api/v1/registrations/approve',
        body: { student_ids: [ownStudent] }, expect: 200, check: (r) => assert.equal(r.body.results[0].outcome, 'not_found') },
      { name: 'the school sees its group', as: 'clerk_a', method: 'GET', path: '/api/v1/groups?limit=100', expect: 200, check: hasGroup(true) },
      { name: 'another county\'s school does not', as: 'clerk_c', method: 'GET', path: '/api/v1/groups?limit=100', expect: 200, check: hasGroup(false) },
      { name: 'province 37 does not', as: 'province_api:37', method: 'GET', path: '/api/v1/groups?limit=100', expect: 200, check: hasGroup(false) },
    ];
  },
};
