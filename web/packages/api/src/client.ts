// A thin typed fetch client over the generated `paths` of one service: path and query
// parameters, JSON bodies and success bodies are checked against the OpenAPI document, and
// every non-2xx answer becomes an ApiError carrying the service's error body.
import { ApiError } from './error.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Paths of `P` that define method `M`. */
export type PathsWith<P, M extends HttpMethod> = {
  [K in keyof P]: P[K] extends Record<M, infer Op> ? ([Op] extends [never | undefined] ? never : K) : never;
}[keyof P] &
  string;

type OperationOf<P, K extends keyof P, M extends HttpMethod> = NonNullable<
  P[K] extends Record<M, infer Op> ? Op : never
>;

type ParametersOf<Op> = Op extends { parameters: infer Params } ? Params : Record<string, never>;
type PathParams<Op> = ParametersOf<Op> extends { path?: infer Path } ? Path : never;
type QueryParams<Op> = ParametersOf<Op> extends { query?: infer Query } ? Query : never;

type JsonContent<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type RequestBodyOf<Op> = Op extends { requestBody?: infer Body } ? JsonContent<NonNullable<Body>> : never;

type SuccessStatus = 200 | 201 | 202 | 204;
/** The JSON body of the operation's success answers (undefined for 204). */
export type SuccessBody<Op> = Op extends { responses: infer Responses }
  ? {
      [S in keyof Responses]: S extends SuccessStatus
        ? S extends 204
          ? undefined
          : JsonContent<Responses[S]> extends never
            ? undefined
            : JsonContent<Responses[S]>
        : never;
    }[keyof Responses]
  : never;

type Defined<T> = [T] extends [never] ? never : undefined extends T ? never : T;

/** Options of one call: required keys appear only where the operation requires them. */
export type RequestOptions<Op> = {
  headers?: Record<string, string>;
  signal?: AbortSignal;
} & ([PathParams<Op>] extends [never]
  ? { path?: undefined }
  : [Defined<PathParams<Op>>] extends [never]
    ? { path?: PathParams<Op> }
    : { path: PathParams<Op> }) &
  ([QueryParams<Op>] extends [never] ? { query?: undefined } : { query?: QueryParams<Op> }) &
  ([RequestBodyOf<Op>] extends [never] ? { body?: undefined } : { body: RequestBodyOf<Op> });

/** Options may be left out when none of them is required. */
type Args<Op> =
  Partial<RequestOptions<Op>> extends RequestOptions<Op>
    ? [options?: RequestOptions<Op>]
    : [options: RequestOptions<Op>];

export interface ClientOptions {
  /** Where the services are; the apps use their own origin (''). */
  baseUrl?: string;
  /** The bearer token to send, if anybody is signed in. */
  accessToken?: () => Promise<string | null | undefined> | string | null | undefined;
  /** Called with every 401 before it is thrown, e.g. to send the user to sign in. */
  onUnauthorized?: (error: ApiError) => void;
  fetch?: typeof fetch;
}

export interface Client<P> {
  get<K extends PathsWith<P, 'get'>>(
    path: K,
    ...args: Args<OperationOf<P, K, 'get'>>
  ): Promise<SuccessBody<OperationOf<P, K, 'get'>>>;
  post<K extends PathsWith<P, 'post'>>(
    path: K,
    ...args: Args<OperationOf<P, K, 'post'>>
  ): Promise<SuccessBody<OperationOf<P, K, 'post'>>>;
  put<K extends PathsWith<P, 'put'>>(
    path: K,
    ...args: Args<OperationOf<P, K, 'put'>>
  ): Promise<SuccessBody<OperationOf<P, K, 'put'>>>;
  patch<K extends PathsWith<P, 'patch'>>(
    path: K,
    ...args: Args<OperationOf<P, K, 'patch'>>
  ): Promise<SuccessBody<OperationOf<P, K, 'patch'>>>;
  delete<K extends PathsWith<P, 'delete'>>(
    path: K,
    ...args: Args<OperationOf<P, K, 'delete'>>
  ): Promise<SuccessBody<OperationOf<P, K, 'delete'>>>;
}

interface LooseOptions {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Fills `{name}` placeholders, percent-encoding each value. */
export function expandPath(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null)
      throw new Error(`missing path parameter "${name}" for ${template}`);
    return encodeURIComponent(String(value));
  });
}

/** Serialises query parameters; undefined, null and empty strings are left out, arrays repeat. */
export function queryString(query: Record<string, unknown> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function createClient<P>(options: ClientOptions = {}): Client<P> {
  const baseUrl = options.baseUrl ?? '';
  const call = async (method: HttpMethod, template: string, request: LooseOptions = {}): Promise<unknown> => {
    const headers = new Headers(request.headers);
    headers.set('Accept', 'application/json');
    const token = await options.accessToken?.();
    if (token) headers.set('Authorization', `Bearer ${token}`);
    let body: string | undefined;
    if (request.body !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(request.body);
    }
    const url = `${baseUrl}${expandPath(template, request.path)}${queryString(request.query)}`;
    const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: method.toUpperCase(),
        headers,
        body,
        signal: request.signal ?? null,
      });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      throw ApiError.network(method, url, cause);
    }
    if (!response.ok) {
      const error = await ApiError.fromResponse(method, url, response);
      if (error.status === 401) options.onUnauthorized?.(error);
      throw error;
    }
    if (response.status === 204) return undefined;
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  };
  const method =
    (name: HttpMethod) =>
    (path: string, request?: LooseOptions): Promise<unknown> =>
      call(name, path, request);
  return {
    get: method('get'),
    post: method('post'),
    put: method('put'),
    patch: method('patch'),
    delete: method('delete'),
  } as Client<P>;
}
