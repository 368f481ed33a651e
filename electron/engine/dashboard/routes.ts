// The generic adapter: one route per method of shared/api.ts, so a method added
// to the contract exists here without further code. Path params, query and JSON
// body merge into the args, which the method's own zod schema validates.
import type { Express, NextFunction, Request, Response } from 'express';
import { API_METHODS, apiArgs, apiRoutes, type ApiHandlers, type ApiMethod } from '../../../shared/api';
import { describeIssues } from '../../../shared/config';
import { HttpError, toErrorBody } from '../util/errors';
import type { Logger } from '../util/logger';

export function registerApiRoutes(app: Express, handlers: ApiHandlers, logger: Logger): void {
  for (const method of API_METHODS) {
    const route = apiRoutes[method];
    const verb = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
    app[verb](route.path, (req, res) => {
      void callMethod(method, req, handlers, logger).then(({ status, body }) => {
        try {
          res.status(status).json(body);
        } catch (err) {
          // An answer that cannot be serialized must still be answered, never left hanging.
          logger.error(`API ${method} answer could not be sent`, { error: err });
          if (!res.headersSent) res.status(500).json(toErrorBody(err).body);
        }
      });
    });
  }
}

async function callMethod(
  method: ApiMethod,
  req: Request,
  handlers: ApiHandlers,
  logger: Logger,
): Promise<{ status: number; body: unknown }> {
  try {
    const body: unknown = req.body;
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw new HttpError(400, 'bad_request', 'The request body must be a JSON object.');
    }
    const raw = { ...(req.query as Record<string, unknown>), ...(body as object | undefined), ...req.params };
    const parsed = apiArgs[method].safeParse(raw);
    if (!parsed.success) {
      throw new HttpError(400, 'bad_request', `The request is not valid: ${describeIssues(parsed.error)}`);
    }
    const handler = handlers[method] as ((args: unknown) => Promise<unknown>) | undefined;
    if (typeof handler !== 'function') {
      throw new HttpError(501, 'not_implemented', 'This part of Hookdock is not available yet.');
    }
    const result = await handler(parsed.data);
    return { status: 200, body: result ?? null };
  } catch (err) {
    const { status, body } = toErrorBody(err);
    if (status >= 500 && !(err instanceof HttpError)) logger.error(`API ${method} failed`, { error: err });
    return { status, body };
  }
}

/** Body-parser failures (bad JSON, too large) as our error shape. */
export function apiErrorHandler(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  const type = (err as { type?: string }).type;
  let mapped: unknown = err;
  if (type === 'entity.parse.failed') mapped = new HttpError(400, 'bad_request', 'The request body is not valid JSON.');
  else if (type === 'entity.too.large') mapped = new HttpError(413, 'too_large', 'The request body is too large.');
  else if (type === 'encoding.unsupported' || type === 'charset.unsupported')
    mapped = new HttpError(415, 'unsupported', 'The request body encoding is not supported.');
  const { status, body } = toErrorBody(mapped);
  res.status(status).json(body);
}
