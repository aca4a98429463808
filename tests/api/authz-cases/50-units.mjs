// 50-units.mjs: own- and foreign-jurisdiction probes of the schools routes (issue 16, R1-R3).
import assert from 'node:assert/strict';
import { sql } from '../../lib/api.mjs';

export default {
  module: 'units',
  owns: ['/api/v1/schools'],
  covers: ['GET /api/v1/schools/{id}', 'PATCH /api/v1/schools/{id}', 'POST /api/v1/schools/{id}/close', 'POST /api/v1/schools/{id}/merge',
    'POST /api/v1/schools/{id}/move'],
  unscoped: {
    'POST /api/v1/schools': 'the county is named in the body and checked against the caller (a foreign one is 422 county_code, see schools.test.mjs)',
    'POST /api/v1/schools/import': 'each row names its county, checked against the caller (a foreign one is the row issue county_code, see schools-import.test.mjs)',
  },
  roleExceptions: [
    { route: 'POST /api/v1/schools/{id}/move', role: 'bureau', status: 403, why: 'issue 16.2: re-districting is the province\'s; the matrix bureau is a city' },
  ],
  async cases() {
    // 长安区第一实验小学 (county 130102): its county and the province see it; another county and another province do not
    const id = Number(sql("SELECT id FROM unit WHERE code = '1301020001'")[0][0]);
    const cases = [];
    for (const [who, expect] of [['clerk_a', 200], ['county_130102', 200], ['city_1301', 200], ['admin_13', 200],
      ['clerk_b', 404], ['county_130104', 404], ['county_370102', 404]]) {
      cases.push({ name: `${who} reads school 1301020001: ${expect}`, as: who, method: 'GET', path: `/api/v1/schools/${id}`, expect,
        check: expect === 200 ? (r) => assert.equal(r.body.code, '1301020001') : undefined });
    }
    // a foreign county's bureau cannot edit or close it (404, nothing changed)
    cases.push({ name: 'county_130104 edits school 1301020001: 404', as: 'county_130104', method: 'PATCH', path: `/api/v1/schools/${id}`,
      body: { version: 1, name: '改名' }, expect: 404 });
    cases.push({ name: 'county_370102 closes school 1301020001: 404', as: 'county_370102', method: 'POST', path: `/api/v1/schools/${id}/close`,
      body: { version: 1 }, expect: 404 });
    cases.push({ name: 'county_130104 merges school 1301020001: 404', as: 'county_130104', method: 'POST', path: `/api/v1/schools/${id}/merge`,
      body: { version: 1, into: id }, expect: 404 });
    // re-districting is the province's (issue 16 item 2): another province's bureau does not find it, a city is refused
    cases.push({ name: 'prov_37 moves school 1301020001: 404', as: 'prov_37', method: 'POST', path: `/api/v1/schools/${id}/move`,
      body: { version: 1, county_code: '370102' }, expect: 404 });
    cases.push({ name: 'city_1301 moves school 1301020001: 403', as: 'city_1301', method: 'POST', path: `/api/v1/schools/${id}/move`,
      body: { version: 1, county_code: '130104' }, expect: 403 });
    return cases;
  },
};
