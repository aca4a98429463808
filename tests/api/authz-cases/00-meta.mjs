// 00-meta.mjs: the foundation's public routes (issue 2) have no jurisdiction.
export default {
  module: 'meta',
  owns: ['/api/v1/health', '/api/v1/openapi.json', '/api/v1/rules'],
  covers: [],
  unscoped: {
    'GET /api/v1/health': 'public health check',
    'GET /api/v1/openapi.json': 'public API description',
    'GET /api/v1/rules': 'public limits and workflow table (issue 10)',
  },
  roleExceptions: [],
  async cases() { return []; },
};
