/**
 * Holds answers to the OpenAPI document (api/openapi/): the API test server records every answer
 * it sends and, when it stops, fails the test file if one of them is not what the document says
 * for its path, method and status (body schema, content type, required headers). The document
 * cannot drift from what the API does without a test noticing.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { openApiDocument } from '../../api/openapi/document';

export interface RecordedAnswer {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(openApiDocument, 'openapi');

type Operation = { responses: Record<string, { headers?: Record<string, { required?: boolean }>; content?: Record<string, unknown> }> };

/** `/v1/usage/chart/{keyId}.png` → a regex for concrete paths, with its JSON pointer. */
const templates = Object.keys(openApiDocument.paths).map((template) => ({
  template,
  re: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

export const pointer = (...parts: string[]): string => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** What is wrong with an answer, by the document; empty when nothing is. */
export function contractViolations(answer: RecordedAnswer): string[] {
  const where = `${answer.method} ${answer.path} → ${answer.status}`;
  const match = templates.find((t) => t.re.test(answer.path));
  if (!match) return [`${where}: the path is not in the OpenAPI document`];
  const paths = openApiDocument.paths as unknown as Record<string, Record<string, Operation>>;
  const operations = paths[match.template] ?? {};
  // The gateway route answers every method alike (documented as GET); HEAD is GET without a body.
  const method = answer.method.toLowerCase();
  // A 405 answers a method the path does not have: it is held to the documented operation's 405.
  const fallback = match.template === '/v1/gateway/authorize' || method === 'head' ? 'get' : answer.status === 405 ? (Object.keys(operations)[0] ?? method) : method;
  const operationName = operations[method] ? method : fallback;
  const operation = operations[operationName];
  if (!operation) return [`${where}: the method is not documented`];
  const response = operation.responses[String(answer.status)];
  if (!response) return [`${where}: the status is not documented`];
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(response.headers ?? {})) {
    if (spec.required && answer.headers[name.toLowerCase()] === undefined) problems.push(`${where}: header ${name} is missing`);
  }
  const contentType = (answer.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  if (!response.content) {
    if (answer.body.length > 0) problems.push(`${where}: a body where the document says none`);
    return problems;
  }
  if (!(contentType in response.content)) return [...problems, `${where}: content type ${contentType || '(none)'} is not documented`];
  if (contentType !== 'application/json' || answer.method === 'HEAD') return problems;
  const schemaRef = `openapi#/${pointer('paths', match.template, operationName, 'responses', String(answer.status), 'content', contentType, 'schema')}`;
  const validate = ajv.getSchema(schemaRef);
  if (!validate) return [...problems, `${where}: no schema at ${schemaRef}`];
  if (!validate(JSON.parse(answer.body.toString('utf8')))) problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
  return problems;
}

/** Wraps a response so its status, headers and body are recorded when it ends, unless skipped (an answer no route gave). */
export function recordAnswer(req: IncomingMessage, res: ServerResponse, into: RecordedAnswer[]): { skip(): void } {
  let skipped = false;
  const chunks: Buffer[] = [];
  let headersGiven: OutgoingHttpHeaders = {};
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    const last = args[args.length - 1];
    if (typeof last === 'object' && last !== null && !Array.isArray(last)) headersGiven = last as OutgoingHttpHeaders;
    return writeHead(...args);
  }) as ServerResponse['writeHead'];
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const [chunk] = args;
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries({ ...res.getHeaders(), ...headersGiven })) if (value !== undefined) headers[name.toLowerCase()] = String(value);
    if (!skipped) into.push({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0] ?? '/', status: res.statusCode, headers, body: Buffer.concat(chunks) });
    return end(...args);
  }) as ServerResponse['end'];
  return { skip: () => void (skipped = true) };
}
