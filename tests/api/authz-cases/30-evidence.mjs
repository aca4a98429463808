// 30-evidence.mjs: own- and foreign-jurisdiction probes of issue 6's routes (evidence download and metadata, R23, R1-R3).
import assert from 'node:assert/strict';
import { uniqueJpeg, upload } from '../../lib/evidence.mjs';

export default {
  module: 'evidence',
  owns: ['/api/v1/evidence'],
  covers: ['GET /api/v1/evidence/{id}', 'GET /api/v1/evidence/{id}/meta'],
  unscoped: {
    'POST /api/v1/evidence': "uploads are bound to the caller's own school (no target to choose); multipart only, so the {} probe gets 415",
  },
  roleExceptions: [],
  async cases(ctx) {
    const { as } = ctx;
    // a file of 长安区第一实验小学 (clerk_a, county 130102, city 1301, province 13)
    const up = await upload(await as('clerk_a'), [{ filename: 'authz.jpg', data: uniqueJpeg() }]);
    assert.equal(up.status, 201, up.text);
    const id = up.body[0].id;
    const cases = [];
    for (const [who, expect] of [['clerk_a', 200], ['leader_a', 200], ['county_130102', 200], ['city_1301', 200], ['prov_13', 200],
      ['clerk_b', 404], ['leader_b', 404], ['county_130104', 404], ['county_370102', 404], ['prov_37', 404]]) {
      cases.push({ name: `${who} downloads a file of 1301020001: ${expect}`, as: who, method: 'GET', path: `/api/v1/evidence/${id}`, expect });
      cases.push({ name: `${who} reads its metadata: ${expect}`, as: who, method: 'GET', path: `/api/v1/evidence/${id}/meta`, expect,
        check: expect === 200 ? (r) => assert.equal(r.body.id, id) : undefined });
    }
    return cases;
  },
};
