// 60-suspects.mjs: authorization-matrix cases of the suspected-duplicate routes (issue 17, R31): the county of a pair
// within it (or the common superior, R2) lists and decides it; other counties and provinces neither see nor decide it.
import { makeStudent, ensureUsers } from '../../lib/workflow.mjs';

export default {
  module: 'suspects',
  owns: ['/api/v1/suspects'],
  covers: ['GET /api/v1/suspects', 'POST /api/v1/suspects/{id}/decision'],
  unscoped: {},
  roleExceptions: [],
  async cases(ctx) {
    ensureUsers();
    const a = makeStudent('1301020001', { status: 'pending' }), b = makeStudent('1301020001', { status: 'pending' });
    const county = ctx.unitId('130102');
    const pid = ctx.sqlCount(`INSERT INTO suspect_pair (lo_id, hi_id, score, kind, rules, fp, lo_county, hi_county, arbiter_unit_id)
      VALUES (${Math.min(a, b)}, ${Math.max(a, b)}, 800, 'variant', '[]', 1, '130102', '130102', ${county}); SELECT LAST_INSERT_ID()`);
    const has = (yes) => (r) => {
      if (r.status !== 200) throw new Error(`expected 200, got ${r.status}`);
      if (r.body.items.some((p) => p.id === pid) !== yes) throw new Error(yes ? 'own pair missing' : 'foreign pair listed');
    };
    const decide = { decision: 'different' };
    return [
      { name: 'the county of the pair lists it', as: 'county_130102', method: 'GET', path: '/api/v1/suspects?limit=100', check: has(true) },
      { name: 'another county does not list it', as: 'county_130104', method: 'GET', path: '/api/v1/suspects?limit=100', check: has(false) },
      { name: 'the city does not list a pair within a county', as: 'city_1301', method: 'GET', path: '/api/v1/suspects?limit=100', check: has(false) },
      { name: 'province 37 does not list it', as: 'prov_37', method: 'GET', path: '/api/v1/suspects?limit=100', check: has(false) },
      { name: 'another county cannot decide it', as: 'county_130104', method: 'POST', path: `/api/v1/suspects/${pid}/decision`, body: decide, expect: 404 },
      { name: 'a foreign province cannot decide it', as: 'prov_37', method: 'POST', path: `/api/v1/suspects/${pid}/decision`, body: decide, expect: 404 },
      { name: 'the county decides it', as: 'county_130102', method: 'POST', path: `/api/v1/suspects/${pid}/decision`, body: decide, expect: 200 },
    ];
  },
};
