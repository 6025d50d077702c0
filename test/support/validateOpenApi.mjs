// Validates the OpenAPI document on stdin with @apidevtools/swagger-parser, in a process of its
// own: the validator's dependencies are ES modules, which Jest's module loader cannot require.
import SwaggerParser from '@apidevtools/swagger-parser';

let text = '';
for await (const chunk of process.stdin) text += chunk;
try {
  const api = await SwaggerParser.validate(JSON.parse(text));
  process.stdout.write(`valid OpenAPI ${api.openapi}\n`);
} catch (error) {
  process.stdout.write(`invalid: ${error.message}\n`);
  process.exitCode = 1;
}
