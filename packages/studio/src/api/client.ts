/** One of an API error's `details[]`: the field it is about (`actions.2.condition`), and the column in an expression. */
export interface ErrorDetail {
  path: string;
  message: string;
  column?: number;
}

/** What every API error looks like (`{code, message, details?}`), plus the HTTP status; 0 = no answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The `details` of an error body as it came over the wire; entries without a message are left out. */
export function errorDetailsOf(value: unknown): ErrorDetail[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((detail: { path?: unknown; message?: unknown; column?: unknown } | null) => {
    if (typeof detail?.message !== "string") return [];
    return [
      {
        path: typeof detail.path === "string" ? detail.path : "",
        message: detail.message,
        ...(typeof detail.column === "number" ? { column: detail.column } : {}),
      },
    ];
  });
}

export interface AuthHeaders {
  apiKey: string;
  token: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sends `body` (a string or a Blob) as is with this content type, instead of as JSON. */
  contentType?: string;
  /** Request headers of the call's own, such as If-Match. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface HttpClient {
  /** Parsed JSON of a 2xx answer (undefined for an empty one); an ApiError otherwise. */
  json<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** The raw 2xx response, for downloads and streams. */
  raw(method: string, path: string, options?: RequestOptions): Promise<Response>;
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown; details?: unknown };
    if (typeof body.code === "string" && typeof body.message === "string")
      return new ApiError(response.status, body.code, body.message, errorDetailsOf(body.details));
  } catch {}
  return new ApiError(
    response.status,
    "http_error",
    `the server answered ${response.status} ${response.statusText}`.trim(),
  );
}

/**
 * A fetch wrapper that sends the operator's API key and token as headers. No cookie is involved, so a
 * page on another site cannot make the browser send an authenticated request: there is no CSRF to defend.
 * A 401 on an authenticated call means the token expired or was revoked: `onUnauthorized` ends the session.
 */
export function createHttpClient(
  auth: () => AuthHeaders | undefined,
  onUnauthorized: () => void,
  baseUrl = "",
): HttpClient {
  async function raw(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    const credentials = auth();
    if (credentials) {
      headers["x-conflux-api-key"] = credentials.apiKey;
      headers["x-conflux-token"] = credentials.token;
    }
    let body: string | Blob | undefined;
    if (options.body !== undefined) {
      headers["content-type"] = options.contentType ?? "application/json";
      body =
        options.contentType && (typeof options.body === "string" || options.body instanceof Blob)
          ? options.body
          : JSON.stringify(options.body);
    }
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new ApiError(0, "network", "Cannot reach the Conflux server. Check that it is running.");
    }
    if (response.ok) return response;
    const apiError = await toApiError(response);
    if (response.status === 401 && credentials) onUnauthorized();
    throw apiError;
  }

  return {
    raw,
    async json<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
      const response = await raw(method, path, options);
      // 204, and a 200 or 201 with no body (SORACOM's API answers some that way), carry no value.
      const text = response.status === 204 ? "" : await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}

/** A message for any thrown value, for places that show errors to a person. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
