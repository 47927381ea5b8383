import autocannon from "autocannon";

export interface PostLoad {
  body: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** Requests a second over all connections; unset = as fast as the server answers (throughput). */
  rate?: number | undefined;
}

/** POSTs one JSON body to `url` from every connection for `seconds`; resolves with autocannon's result. */
export function postLoad(url: string, load: PostLoad) {
  return autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json", ...load.headers },
    body: load.body,
    connections: load.connections,
    duration: load.seconds,
    ...(load.rate ? { overallRate: load.rate } : {}),
  });
}
