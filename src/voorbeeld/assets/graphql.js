// Sends an operation of queries.js to the API with plain `fetch`: the whole client a page of
// this size needs. Reads are public, so no token is sent.

const ENDPOINT = "/graphql";

/** A GraphQL or HTTP failure, with the server's `extensions.code` where it gave one. */
export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

/**
 * Runs `operation` (from queries.js) with `variables` and returns its `data`.
 * Throws an ApiError when the answer holds errors (the page shows no partial data), and an
 * AbortError when `signal` is aborted, which callers ignore.
 */
export async function request(operation, variables = {}, { signal } = {}) {
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ operationName: operation.name, query: operation.document, variables }),
    signal,
  });
  const body = await response.json().catch(() => null);
  const [first] = body?.errors ?? [];
  if (first) throw new ApiError(first.message, first.extensions?.code ?? "UNKNOWN");
  if (!response.ok || !body?.data) throw new ApiError(`HTTP ${response.status}`, `HTTP_${response.status}`);
  return body.data;
}

/** Whether `error` only says that a newer request replaced this one. */
export function isAbort(error) {
  return error?.name === "AbortError";
}

/** A line for the status area of a section: the message and the server's error code. */
export function describe(error) {
  return error instanceof ApiError ? `${error.message} (${error.code})` : String(error?.message ?? error);
}
