/**
 * The few typed errors the platform raises. Each carries an HTTP status and a stable `code`;
 * the API's error middleware turns them into `{error: {code, message, details}}`.
 * Messages are shown to users, so they are in Chinese.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** 400: the request or uploaded file is malformed. */
export class BadRequestError extends AppError {
  constructor(message: string, details?: unknown, code = 'BAD_REQUEST') {
    super(400, code, message, details);
  }
}

/** 401: not signed in, or the session has expired. */
export class UnauthorizedError extends AppError {
  constructor(message = '未登录或登录已过期', code = 'UNAUTHORIZED') {
    super(401, code, message);
  }
}

/** 403: signed in but not allowed to do this. */
export class ForbiddenError extends AppError {
  constructor(message: string, code = 'FORBIDDEN', details?: unknown) {
    super(403, code, message, details);
  }
}

/** 404: the named thing does not exist (or the caller may not know that it does). */
export class NotFoundError extends AppError {
  constructor(message: string, code = 'NOT_FOUND') {
    super(404, code, message);
  }
}

/** 409: the thing exists but is in the wrong state for this action. */
export class ConflictError extends AppError {
  constructor(message: string, code = 'CONFLICT', details?: unknown) {
    super(409, code, message, details);
  }
}

/** 413: the body or upload is too large. */
export class PayloadTooLargeError extends AppError {
  constructor(message = '请求内容过大', code = 'PAYLOAD_TOO_LARGE') {
    super(413, code, message);
  }
}

/** 429: too many attempts; `retryAfterSeconds` becomes the Retry-After header. */
export class TooManyRequestsError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(message: string, code = 'TOO_MANY_REQUESTS', retryAfterSeconds = 1) {
    super(429, code, message, { retryAfterSeconds });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 503: the server is too busy for this now (a bounded queue is full); try again shortly. */
export class ServiceUnavailableError extends AppError {
  constructor(message = '服务繁忙，请稍后再试', code = 'SERVICE_UNAVAILABLE') {
    super(503, code, message);
  }
}

export interface FieldError {
  field: string;
  message: string;
}

/** 422: submitted form data breaks the form's rules; one entry per field. */
export class ValidationError extends AppError {
  declare readonly details: FieldError[];
  constructor(details: FieldError[], message = '表单填写有误') {
    super(422, 'VALIDATION_FAILED', message, details);
  }
}

export interface DeployProblem {
  file: string;
  element?: string;
  line?: number;
  column?: number;
  message: string;
}

/** 400: a deployment was refused; `details` lists every problem found, per file. */
export class DeploymentError extends AppError {
  declare readonly details: DeployProblem[];
  constructor(problems: DeployProblem[]) {
    super(400, 'DEPLOYMENT_INVALID', `部署被拒绝：发现 ${problems.length} 个问题`, problems);
  }
}

/** Thrown inside an engine step when a process expression cannot be evaluated. */
export class ExpressionError extends AppError {
  constructor(message: string, details?: unknown) {
    super(409, 'EXPRESSION_FAILED', message, details);
  }
}
