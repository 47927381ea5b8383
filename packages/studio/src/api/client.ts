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
 * A fetch wrapper. `authenticate` adds the call's credentials to its headers and says whether the call
 * is made in a session: a 401 then means the token expired or was revoked, and `onUnauthorized` ends it.
 */
function httpClient(
  authenticate: (headers: Record<string, string>) => boolean,
  onUnauthorized: () => void,
  baseUrl: string,
): HttpClient {
  async function raw(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    const inSession = authenticate(headers);
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
    if (response.status === 401 && inSession) onUnauthorized();
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

/**
 * The header the server requires of every unsafe call its session cookie authenticates: a cross-site
 * form cannot set it, and a cross-site script that tries needs a CORS preflight the server never grants.
 */
export const studioHeader = "x-conflux-studio";

/**
 * The studio's client: the browser attaches the HttpOnly session cookie to same-origin calls (fetch's
 * default), and every call says it comes from the studio. `signedIn` tells whether a 401 ends a session.
 */
export function createSessionHttpClient(
  signedIn: () => boolean,
  onUnauthorized: () => void,
  baseUrl = "",
): HttpClient {
  return httpClient(
    (headers) => {
      headers[studioHeader] = "1";
      return signedIn();
    },
    onUnauthorized,
    baseUrl,
  );
}

/** A message for any thrown value, for places that show errors to a person. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
