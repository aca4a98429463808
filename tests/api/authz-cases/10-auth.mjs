// 10-auth.mjs: own- and foreign-jurisdiction probes of issue 3's routes (users, units, credentials, security log).
import assert from 'node:assert/strict';

export default {
  module: 'auth',
  owns: ['/api/v1/session', '/api/v1/users', '/api/v1/units', '/api/v1/credentials', '/api/v1/security-log'],
  covers: [
    'GET /api/v1/users', 'POST /api/v1/users', 'PATCH /api/v1/users/{id}', 'POST /api/v1/users/{id}/password-reset',
    'GET /api/v1/units', 'GET /api/v1/credentials', 'POST /api/v1/credentials', 'DELETE /api/v1/credentials/{id}',
    'GET /api/v1/security-log',
  ],
  unscoped: {
    'POST /api/v1/session': 'sign-in: public',
    'GET /api/v1/session': "the caller's own session",
    'DELETE /api/v1/session': "the caller's own session",
    'PUT /api/v1/session/password': "the caller's own password",
  },
  roleExceptions: [],
  async cases(ctx) {
    const { as, unitId, userId, uniqueName, sqlCount } = ctx;
    const school13 = unitId('1301020002');
    const school37 = unitId('3701020001');
    // a throw-away user of province 13, to reset without touching the demo accounts
    const admin = await as('admin_13');
    const made = await admin.post('/api/v1/users', { username: uniqueName('authz'), role: 'school_clerk', unit_id: school13 });
    assert.equal(made.status, 201, made.text);
    ctx.remember(made.body.temporary_password);
    const cred = await admin.post('/api/v1/credentials', { name: 'authz probe' });
    assert.equal(cred.status, 201, cred.text);
    ctx.remember(cred.body.token);
    const cred37 = sqlCount(`SELECT id FROM api_credential WHERE token_hash = UNHEX(SHA2('${ctx.DEMO_TOKENS[37]}', 256))`);
    const nonEmpty = (r) => assert.ok(r.body.items.length > 0, 'own jurisdiction: not empty');
    const empty = (r) => assert.deepEqual(r.body.items, [], 'foreign jurisdiction: nothing');
    return [
      { name: 'admin lists users of a school of its province', as: 'admin_13', method: 'GET', path: `/api/v1/users?unit=${school13}`, expect: 200, check: nonEmpty },
      { name: 'admin lists no users of another province', as: 'admin_13', method: 'GET', path: `/api/v1/users?unit=${school37}`, expect: 200, check: empty },
      { name: 'admin creates a user in its province', as: 'admin_13', method: 'POST', path: '/api/v1/users',
        body: { username: uniqueName('authz'), role: 'school_clerk', unit_id: school13 }, expect: 201, check: (r) => ctx.remember(r.body.temporary_password) },
      { name: 'admin cannot create a user in another province', as: 'admin_13', method: 'POST', path: '/api/v1/users',
        body: { username: uniqueName('authz'), role: 'school_clerk', unit_id: school37 }, expect: 422 },
      { name: 'admin changes a user of its province', as: 'admin_13', method: 'PATCH', path: `/api/v1/users/${made.body.user.id}`, body: { display_name: '改名' }, expect: 200 },
      { name: 'admin cannot change a user of another province', as: 'admin_13', method: 'PATCH', path: `/api/v1/users/${userId('clerk_d')}`, body: { display_name: 'x' }, expect: 404 },
      { name: 'admin resets a user of its province', as: 'admin_13', method: 'POST', path: `/api/v1/users/${made.body.user.id}/password-reset`, expect: 200,
        check: (r) => ctx.remember(r.body.temporary_password) },
      { name: 'admin cannot reset a user of another province', as: 'admin_13', method: 'POST', path: `/api/v1/users/${userId('clerk_d')}/password-reset`, expect: 404 },
      { name: 'county lists the schools of its county', as: 'county_130102', method: 'GET', path: `/api/v1/units?parent=${unitId('130102')}`, expect: 200, check: nonEmpty },
      { name: 'county lists nothing of a sibling county', as: 'county_130102', method: 'GET', path: `/api/v1/units?parent=${unitId('130104')}`, expect: 200, check: empty },
      { name: 'province API lists the cities of its province', as: 'province_api:13', method: 'GET', path: `/api/v1/units?parent=${unitId('130000')}`, expect: 200, check: nonEmpty },
      { name: 'province API lists nothing of another province', as: 'province_api:13', method: 'GET', path: `/api/v1/units?parent=${unitId('370000')}`, expect: 200, check: empty },
      { name: 'admin lists its province\'s credentials, not another\'s', as: 'admin_13', method: 'GET', path: '/api/v1/credentials?limit=200', expect: 200,
        check: (r) => { assert.ok(r.body.items.some((c) => c.id === cred.body.credential.id)); assert.ok(!r.body.items.some((c) => c.id === cred37)); } },
      { name: 'province admin creates a credential for its own province', as: 'admin_13', method: 'POST', path: '/api/v1/credentials', body: { name: 'authz own' }, expect: 201,
        check: (r) => { ctx.remember(r.body.token); assert.equal(r.body.credential.unit.code, '130000'); } },
      { name: 'ministry admin creates a national (read-only) credential', as: 'admin', method: 'POST', path: '/api/v1/credentials', body: { name: 'authz national' }, expect: 201,
        check: (r) => { ctx.remember(r.body.token); assert.equal(r.body.credential.unit.code, '000000'); } },
      { name: 'admin revokes a credential of its province', as: 'admin_13', method: 'DELETE', path: `/api/v1/credentials/${cred.body.credential.id}`, expect: 204 },
      { name: 'admin cannot revoke another province\'s credential', as: 'admin_13', method: 'DELETE', path: `/api/v1/credentials/${cred37}`, expect: 404 },
      { name: 'admin sees only its province\'s security events', as: 'admin_13', method: 'GET', path: '/api/v1/security-log?limit=200', expect: 200,
        check: (r) => assert.ok(r.body.items.length > 0 && r.body.items.every((e) => e.unit.code?.startsWith('13'))) },
    ];
  },
};
