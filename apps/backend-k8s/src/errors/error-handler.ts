// One place that shapes every error response: validation failures name the field, malformed
// JSON is a 400, an oversized body a 413, unknown routes a 404, anything unexpected a 500
// whose details go to the log only.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';
import { toConsoleError } from '../kube/actions/action-context.js';

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/spec/0/name` + missing `x` → `spec.0.name.x`; the field the client has to fix. */
export function fieldOf(err: AjvLikeError): string | undefined {
  const parts = (err.instancePath ?? '').split('/').filter(Boolean);
  const extra = err.params?.missingProperty ?? err.params?.additionalProperty;
  if (typeof extra === 'string') parts.push(extra);
  return parts.length ? parts.join('.') : undefined;
}

function validationMessage(err: AjvLikeError, context: string | undefined): string {
  const where = context === 'querystring' ? 'query' : (context ?? 'request');
  const field = fieldOf(err);
  if (err.keyword === 'required') return `${where}: ${field} is required`;
  if (err.keyword === 'additionalProperties') return `${where}: ${field} is not an accepted field`;
  return `${where}: ${field ?? 'value'} ${err.message ?? 'is invalid'}`;
}

export function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  // A cluster's error that no route mapped: its own status (a 401 as 502 CLUSTER_UNAUTHORIZED, not
  // the console session's 401), or the 502/504 naming the cluster, never a bare 500
  const fromCluster = toConsoleError(error);
  if (fromCluster instanceof ApiError) return fromCluster;
  if (error.validation?.length) {
    const first = error.validation[0] as AjvLikeError;
    return ApiError.badRequest('VALIDATION_FAILED', validationMessage(first, error.validationContext), fieldOf(first));
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than the server accepts');
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return ApiError.badRequest('MALFORMED_JSON', 'the body is empty but Content-Type says JSON');
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return ApiError.badRequest('MALFORMED_JSON', `the body is not valid JSON: ${error.message}`);
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return new ApiError(status, error.code ?? 'BAD_REQUEST', error.message);
  return new ApiError(500, 'INTERNAL', 'the server failed unexpectedly; the details are in its log');
}

/** Answers an unmatched request instead of the JSON 404, or returns false to leave it to the 404. */
export type NotFoundFallback = (request: FastifyRequest, reply: FastifyReply) => boolean;

declare module 'fastify' {
  interface FastifyInstance {
    /** set by the web plugin: serves the SPA's index.html for client-side routes */
    notFoundFallback: NotFoundFallback | null;
  }
}

export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const apiError = toApiError(error);
      if (apiError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ code: apiError.code, statusCode: apiError.statusCode }, apiError.message);
      return reply.status(apiError.statusCode).send(apiError.toBody());
    });
    app.decorate('notFoundFallback', null);
    app.setNotFoundHandler((request, reply) => {
      if (app.notFoundFallback?.(request, reply)) return reply;
      const body = new ApiError(404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`).toBody();
      return reply.status(404).send(body);
    });
  },
  { name: 'error-handler' },
);
