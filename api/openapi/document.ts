/**
 * GET /openapi.json: the API described in OpenAPI 3.1 (style rule 14: what gateway and client
 * tooling expects). Serialized once; tests validate it and hold every answer to it.
 */
import { paths } from './paths';
import { schemas } from './schemas';

export const OPENAPI_PATH = '/openapi.json';

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'keyops API',
    version: '1',
    description: 'Verify API keys issued from Slack, authorize requests at a gateway, and report usage. The bearer token is the deployment\'s VERIFY_API_TOKEN.',
  },
  paths,
  components: {
    schemas,
    securitySchemes: {
      verifyToken: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer $VERIFY_API_TOKEN' },
      gatewayToken: { type: 'apiKey', in: 'header', name: 'X-Keyops-Gateway-Token', description: '$VERIFY_API_TOKEN, sent by the gateway' },
    },
  },
} as const;

export const openApiJson = JSON.stringify(openApiDocument);
