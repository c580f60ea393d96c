// The services' one error shape, `{"error": {"code", "message", "field"?, ...details}}`, as an
// Error the screens can branch on: `field` is a JSON pointer into the request body (or a
// parameter name) and lets a form put the message on the field it names.

export interface ErrorDetail {
  code: string;
  message: string;
  field?: string;
  [detail: string]: unknown;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status; 0 when the request never got an answer. */
    readonly status: number,
    readonly detail: ErrorDetail,
    readonly method: string,
    readonly url: string,
  ) {
    super(detail.message);
  }

  get code(): string {
    return this.detail.code;
  }

  get field(): string | undefined {
    return this.detail.field;
  }

  /** The request never reached a service (offline, DNS, connection refused). */
  get isNetwork(): boolean {
    return this.status === 0;
  }

  static network(method: string, url: string, cause: unknown): ApiError {
    const error = new ApiError(
      0,
      { code: 'network', message: 'The service could not be reached. Check your connection and try again.' },
      method.toUpperCase(),
      url,
    );
    (error as { cause?: unknown }).cause = cause;
    return error;
  }

  static async fromResponse(method: string, url: string, response: Response): Promise<ApiError> {
    let detail: ErrorDetail | undefined;
    try {
      const body: unknown = await response.json();
      detail = errorDetailOf(body);
    } catch {
      // A proxy error page or an empty body: fall back to the status alone.
    }
    return new ApiError(
      response.status,
      detail ?? { code: `http_${response.status}`, message: fallbackMessage(response.status) },
      method.toUpperCase(),
      url,
    );
  }
}

export function errorDetailOf(body: unknown): ErrorDetail | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = (body as { error: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, field } = error as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  return {
    ...(error as Record<string, unknown>),
    code,
    message,
    ...(typeof field === 'string' ? { field } : {}),
  };
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'Please sign in to continue.';
  if (status === 403) return 'You do not have access to this.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests; try again in a moment.';
  if (status >= 500) return 'Something went wrong on our side. Try again in a moment.';
  return `The request failed (${status}).`;
}
