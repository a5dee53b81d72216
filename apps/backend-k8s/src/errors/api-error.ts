// The one error type routes throw: the error handler turns it into DESIGN's
// `{ error: { code, message, field? } }` with its status.

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static notFound(what: string, id: string): ApiError {
    return new ApiError(404, 'NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist`);
  }

  static badRequest(code: string, message: string, field?: string): ApiError {
    return new ApiError(400, code, message, field);
  }

  static conflict(code: string, message: string, field?: string): ApiError {
    return new ApiError(409, code, message, field);
  }

  static unauthorized(message = 'sign in first: send Authorization: Bearer <token>'): ApiError {
    return new ApiError(401, 'UNAUTHORIZED', message);
  }

  toBody(): { error: { code: string; message: string; field?: string } } {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}
