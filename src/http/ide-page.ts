import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';
import { IDE_DEFAULT_QUERY, ideOperations } from '../ide-query';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/** The request parameters of GraphQL over HTTP: a GET carrying any of them is an operation, never the IDE page. */
const GRAPHQL_PARAMETERS = ['query', 'extensions', 'operationName', 'variables'];

/**
 * Only a browser navigating to /graphql gets the page: a GET (or HEAD) that lists text/html as its most preferred
 * type and carries no GraphQL parameter. curl's and fetch's wildcard Accept (any type), or none, is an API call and
 * goes through the key check like any other.
 */
export function wantsIdePage(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (!req.headers.accept || req.accepts()[0] !== 'text/html') return false;
  const params = req.query as Record<string, unknown>;
  return !GRAPHQL_PARAMETERS.some((name) => params[name] !== undefined);
}

interface RenderedPage {
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  etag: string;
}

// The inline script and the editor's blob: workers need these; nothing is loaded from elsewhere.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The offline GraphiQL page (about 9 MB of HTML: React, GraphiQL and Monaco inlined). It is rendered and
 * compressed once, on the first browser request (a process that serves only the API never loads the bundle), and
 * kept as three buffers; every response writes one of them as it is, so the 1,000th request costs what the 1st
 * did and 200 concurrent ones share the same bytes. An ETag lets a browser revalidate with a 304.
 */
export function idePage(options: { enabled: boolean; apiKey: string | null; currency: string }) {
  let rendered: Promise<RenderedPage> | null = null;
  const render = async (): Promise<RenderedPage> => {
    const { renderGraphiQL } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, on purpose
      require('@graphql-yoga/render-graphiql') as typeof import('@graphql-yoga/render-graphiql');
    const headers = JSON.stringify(
      { 'X-API-Key': options.apiKey ?? 'paste an API key here' },
      null,
      2,
    );
    // One tab per ready operation; GraphiQL uses them when the browser has no tabs of its own stored yet.
    const defaultTabs = ideOperations({ currency: options.currency, now: new Date() }).map(
      (op) => ({ query: op.query, variables: op.variables ?? null, headers }),
    );
    const identity = Buffer.from(
      renderGraphiQL({
        endpoint: '/graphql',
        title: 'Customer 360 API',
        defaultQuery: IDE_DEFAULT_QUERY,
        defaultTabs,
        headers,
      }),
    );
    const [zipped, br] = await Promise.all([
      gzip(identity, { level: 9 }),
      brotli(identity, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
        },
      }),
    ]);
    return {
      identity,
      gzip: zipped,
      br,
      etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 32)}"`,
    };
  };

  return async (req: Request, res: Response, next: NextFunction) => {
    if (!options.enabled || !wantsIdePage(req)) return next();
    try {
      const page = await (rendered ??= render());
      res.setHeader('vary', 'Accept, Accept-Encoding');
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('etag', page.etag);
      res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
      res.setHeader('x-content-type-options', 'nosniff');
      if (req.fresh) return void res.status(304).end();
      const encoding = req.acceptsEncodings('br', 'gzip', 'identity');
      const body = encoding === 'br' ? page.br : encoding === 'gzip' ? page.gzip : page.identity;
      if (encoding === 'br' || encoding === 'gzip') res.setHeader('content-encoding', encoding);
      res.status(200).type('html').setHeader('content-length', body.length);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      rendered = null;
      next(error);
    }
  };
}
