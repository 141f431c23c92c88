// A loopback stand-in for the OpenAI API: the test scripts one reply per request and
// reads back every request the real SDK sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> | null;
  raw: string;
}

export type Reply = (req: SeenRequest, res: ServerResponse) => void;

export interface Loopback {
  baseURL: string;
  seen: SeenRequest[];
  /** Replies used in order; a request beyond the script gets HTTP 599. */
  script(...replies: Reply[]): void;
  close(): Promise<void>;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

export function chatCompletion(over: { content?: string; finish_reason?: string; service_tier?: string; usage?: Record<string, unknown>; requestId?: string; model?: string } = {}): Reply {
  return json(
    200,
    {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: over.model ?? 'gpt-5-mini',
      service_tier: over.service_tier ?? 'default',
      choices: [{ index: 0, finish_reason: over.finish_reason ?? 'stop', message: { role: 'assistant', content: over.content ?? 'hello', refusal: null } }],
      usage: over.usage ?? { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    },
    { 'x-request-id': over.requestId ?? 'req_ok_1' },
  );
}

export async function startLoopback(): Promise<Loopback> {
  const seen: SeenRequest[] = [];
  let replies: Reply[] = [];
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      let body: Record<string, unknown> | null = null;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        body = null;
      }
      const r: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, raw };
      seen.push(r);
      open.add(res);
      res.on('close', () => open.delete(res));
      const reply = replies.shift();
      if (!reply) {
        res.writeHead(599, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'no scripted reply left' } }));
        return;
      }
      reply(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    seen,
    script: (...r) => {
      replies = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const UNSUPPORTED_IN_STRICT = ['oneOf', 'allOf', 'not', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern', 'format', 'default', 'patternProperties', 'uniqueItems', 'const'];

/**
 * What OpenAI's strict Structured Outputs would reject in a json_schema (an empty list
 * when it is acceptable): every object lists all its properties as required and sets
 * additionalProperties false, the root is an object, and no unsupported keyword appears.
 */
export function strictSchemaProblems(schema: unknown, at = '#'): string[] {
  const problems: string[] = [];
  if (at === '#' && (schema as { type?: unknown })?.type !== 'object') problems.push('#: the root must be an object');
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}/${i}`));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    for (const k of UNSUPPORTED_IN_STRICT) if (k in o) problems.push(`${path}: '${k}' is not supported in strict mode`);
    if (o.type === 'object' || 'properties' in o) {
      if (o.additionalProperties !== false) problems.push(`${path}: additionalProperties must be false`);
      const props = Object.keys((o.properties ?? {}) as Record<string, unknown>);
      const required = Array.isArray(o.required) ? (o.required as string[]) : [];
      for (const p of props) if (!required.includes(p)) problems.push(`${path}: property '${p}' must be required`);
    }
    for (const [k, v] of Object.entries(o)) if (typeof v === 'object') walk(v, `${path}/${k}`);
  };
  walk(schema, at);
  return problems;
}

/** A chat completion reply that first checks the request's response_format as OpenAI would (HTTP 400 when it breaks strict mode). */
export function strictChatCompletion(over: Parameters<typeof chatCompletion>[0] = {}): Reply {
  return (req, res) => {
    const format = (req.body?.response_format ?? null) as { type?: string; json_schema?: { name?: string; strict?: boolean; schema?: unknown } } | null;
    const problems = !format ? ['no response_format'] : format.type !== 'json_schema' || format.json_schema?.strict !== true || !format.json_schema?.name ? ['response_format must be json_schema with a name and strict: true'] : strictSchemaProblems(format.json_schema.schema);
    if (problems.length) return json(400, { error: { message: `Invalid schema for response_format: ${problems.join('; ')}`, type: 'invalid_request_error', code: 'invalid_json_schema' } })(req, res);
    return chatCompletion(over)(req, res);
  };
}
