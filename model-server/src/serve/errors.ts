import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { noteRequest } from './request-log.js';

/** One problem in a request body; `index` is null when the body as a whole is wrong. */
export interface ErrorDetail {
  index: number | null;
  field: string;
  reason: string;
}

/** A request body that failed validation; answered with 400 and its details. */
export class InvalidBodyError extends Error {
  readonly statusCode = 400;
  readonly code = 'INVALID_BODY';

  constructor(
    message: string,
    readonly details: ErrorDetail[],
  ) {
    super(message);
    this.name = 'InvalidBodyError';
  }
}

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

/** Turns an ajv error (from route schemas other than the predictions body) into a detail. */
function ajvDetail(error: AjvLikeError): ErrorDetail {
  const parts = (error.instancePath ?? '').split('/').filter((part) => part !== '');
  const index = parts.length > 0 && /^\d+$/.test(parts[0]) ? Number(parts.shift()) : null;
  const field = error.params?.missingProperty ?? error.params?.additionalProperty ?? parts.join('.');
  return { index, field: field === '' ? '(body)' : field, reason: error.message ?? 'is invalid' };
}

/**
 * Error handler of the serve app: client errors keep their status (400, 413, 415, ...) and get
 * `{error, details}`; anything else is a server fault, logged and answered with a generic 500.
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    noteRequest(request, { error: 'internal server error' });
    void reply.code(status).send({ error: 'internal server error', details: [] });
    return;
  }
  let details: ErrorDetail[] = [];
  if (error instanceof InvalidBodyError) details = error.details;
  else if (Array.isArray(error.validation)) details = error.validation.map((item) => ajvDetail(item));
  const message = clientMessage(error, status);
  noteRequest(request, { error: message });
  void reply.code(status).send({ error: message, details });
}

function clientMessage(error: FastifyError, status: number): string {
  if (status === 413) return 'request body too large';
  if (status === 415) return 'unsupported content type: send application/json';
  return error.message;
}
