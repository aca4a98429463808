// 70-outcomes.mjs: issue 12 item 2: the outcome of a write by its request token has no jurisdiction: the token is
// 128 random bits the caller was given in its own 503 outcome_unknown, and the answer is only committed yes/no.
export default {
  module: 'outcomes',
  owns: ['/api/v1/outcomes'],
  covers: [],
  unscoped: {
    'GET /api/v1/outcomes/{token}': 'the caller\'s own random request token; answers committed true/false only',
  },
  roleExceptions: [],
  async cases() { return []; },
};
