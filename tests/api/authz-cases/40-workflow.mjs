// 40-workflow.mjs: authorization-matrix cases of the workflow routes (issue 5): level rules and jurisdiction probes.
import { makeGroup, ensureUsers } from '../../lib/workflow.mjs';

export default {
  module: 'workflow',
  owns: ['/api/v1/members', '/api/v1/queue', '/api/v1/reminders', '/api/v1/stats', '/api/v1/overdue', '/api/v1/holidays', '/api/v1/feed',
    '/api/v1/groups/{id}'],
  covers: ['GET /api/v1/groups/{id}', 'POST /api/v1/members/{id}/actions', 'POST /api/v1/groups/{id}/arbitration',
    'PUT /api/v1/groups/{id}/deadline', 'GET /api/v1/feed'],
  unscoped: {
    'GET /api/v1/queue': "the caller's own work queue, filtered by its unit in SQL",
    'GET /api/v1/reminders': "the steps of the units directly below the caller's own unit (parent_id / county code in SQL)",
    'GET /api/v1/stats': "counts within the caller's own jurisdiction",
    'GET /api/v1/stats/schools': "the schools within the caller's own jurisdiction (county_code range of its unit)",
    'GET /api/v1/overdue': "the caller's own jurisdiction",
    'GET /api/v1/holidays': 'the national holiday table',
    'PUT /api/v1/holidays': 'national: ministry administrators only',
  },
  roleExceptions: [
    { route: 'PUT /api/v1/groups/{id}/deadline', role: 'bureau', status: 403, why: 'R24: legacy deadlines are set by a province or the ministry; the matrix bureau is a city' },
    { route: 'PUT /api/v1/holidays', role: 'admin', status: 403, why: 'the holiday table is national: ministry administrators only; the matrix admin is a province admin' },
    { route: 'GET /api/v1/feed', role: 'bureau', status: 403, why: 'R29: the change feed is per province; the matrix bureau is a city' },
  ],
  async cases() {
    ensureUsers();
    const g = makeGroup({ type: 'id_dup', members: [{ school: '1301020001' }, { school: '1301040001' }] });
    const mine = g.members[0].id;
    return [
      { name: 'clerk of a member school reads the group', as: 'clerk_a', method: 'GET', path: `/api/v1/groups/${g.id}`, expect: 200 },
      { name: 'a school of another province gets 404', as: 'clerk_d', method: 'GET', path: `/api/v1/groups/${g.id}`, expect: 404 },
      { name: 'the county of a member reads it', as: 'county_130104', method: 'GET', path: `/api/v1/groups/${g.id}`, expect: 200 },
      { name: 'a county of another city gets 404', as: 'county_130202', method: 'GET', path: `/api/v1/groups/${g.id}`, expect: 404 },
      { name: 'province 37 bureau gets 404', as: 'prov_37', method: 'GET', path: `/api/v1/groups/${g.id}`, expect: 404 },
      { name: 'another school cannot act on the member', as: 'clerk_b', method: 'POST', path: `/api/v1/members/${mine}/actions`,
        body: { action: 'submit_delete', expected_version: 1, confirm: true }, expect: [403, 404, 409] },
      { name: 'a foreign school cannot act on the member', as: 'clerk_d', method: 'POST', path: `/api/v1/members/${mine}/actions`,
        body: { action: 'submit_delete', expected_version: 1, confirm: true }, expect: 404 },
      { name: 'a foreign bureau cannot arbitrate', as: 'prov_37', method: 'POST', path: `/api/v1/groups/${g.id}/arbitration`,
        body: { member_id: mine, reason: 'x' }, expect: 404 },
      { name: 'a foreign province cannot set the deadline', as: 'prov_37', method: 'PUT', path: `/api/v1/groups/${g.id}/deadline`,
        body: { deadline: '2030-01-01' }, expect: 404 },
      { name: 'the province feed answers its own province', as: 'province_api:13', method: 'GET', path: '/api/v1/feed', expect: 200 },
    ];
  },
};
