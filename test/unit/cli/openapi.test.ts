import { openApiDocument } from '../../../api/openapi/document';
import { runKeyopsCli } from '../../support/cliRun';

describe('npx keyops openapi', () => {
  it('prints the OpenAPI 3.1 document GET /openapi.json serves', async () => {
    const run = await runKeyopsCli(['openapi']);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as { openapi: string; paths: Record<string, unknown> };
    expect(printed).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
    expect(Object.keys(printed.paths)).toEqual(expect.arrayContaining(['/v1/keys/verify', '/v1/gateway/authorize', '/v1/usage']));
  });
});
