/** `keyops openapi`: the API's OpenAPI 3.1 document, as GET /openapi.json serves it. */
import { openApiDocument } from '../../api/openapi/document';
import type { CliCommand } from '../command';

export const openapiCommand: CliCommand = {
  words: ['openapi'],
  summary: 'print the API description (OpenAPI 3.1 JSON, as GET /openapi.json serves it)',
  description: 'For client generators and API gateways: npx keyops openapi > keyops-openapi.json',
  async run({ io }) {
    io.out(JSON.stringify(openApiDocument, null, 2));
    return 0;
  },
};
