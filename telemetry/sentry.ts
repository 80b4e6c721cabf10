/**
 * What a service needs to report errors to the stack's error tracker (Sentry, Bugsink or an
 * external Sentry: all speak Sentry's protocol) with the Sentry SDK:
 *
 *   import * as Sentry from "@sentry/node";
 *   import { sentryOptions, captureRequestError } from "observability-stack/telemetry/sentry";
 *   Sentry.init(sentryOptions({ dsn: process.env.SENTRY_DSN, environment: "staging" }));
 *   ...
 *   captureRequestError(error, { correlationId, traceId, request });
 *
 * The scrubber masks the seeds' redaction list (telemetry/redaction.ts, the same list the
 * collector applies to logs and traces) before an event leaves the process.
 */
import * as Sentry from "@sentry/node";
import type { Breadcrumb, ErrorEvent, Event, NodeOptions } from "@sentry/node";
import { CORRELATION_FIELDS } from "./correlation";
import { isRedactedKey, REDACTION_MASK } from "./redaction";

/** Deeper than any real payload; stops cycles and pathological nesting. */
const MAX_DEPTH = 12;

/** A copy of a value with the value of every redacted key masked, at any depth. */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
      key,
      isRedactedKey(key) ? REDACTION_MASK : scrubValue(inner, depth + 1),
    ]),
  );
}

/**
 * A request body as the SDK may hold it: an object, JSON text or form-encoded text. Text is
 * scrubbed in its own format; other text is kept (it has no keys to match).
 */
export function scrubBody(data: unknown): unknown {
  if (typeof data !== "string") return scrubValue(data);
  const text = data.trim();
  if (text.startsWith("{") || text.startsWith("[")) {
    try {
      return JSON.stringify(scrubValue(JSON.parse(text)));
    } catch {
      return data;
    }
  }
  if (/^[^=&\s]+=[^&]*(&[^=&\s]+=[^&]*)*$/.test(text)) {
    const params = new URLSearchParams(text);
    for (const key of [...params.keys()]) {
      if (isRedactedKey(key)) params.set(key, REDACTION_MASK);
    }
    return params.toString();
  }
  return data;
}

/** A breadcrumb with its data scrubbed. */
export function scrubBreadcrumb<B extends Breadcrumb>(breadcrumb: B): B {
  return breadcrumb.data === undefined
    ? breadcrumb
    : { ...breadcrumb, data: scrubValue(breadcrumb.data) as B["data"] };
}

/**
 * An event with the redacted keys masked in its request (headers, body, cookies, query),
 * extra, contexts and breadcrumbs. Returns a copy; the event passed in is not changed.
 */
export function scrubEvent<E extends Event>(event: E): E {
  const scrubbed: E = { ...event };
  if (event.request) {
    const request = { ...event.request };
    if (request.headers) request.headers = scrubValue(request.headers) as typeof request.headers;
    if (request.cookies) request.cookies = scrubValue(request.cookies) as typeof request.cookies;
    if (request.data !== undefined) request.data = scrubBody(request.data);
    if (typeof request.query_string === "string") {
      request.query_string = scrubBody(request.query_string) as string;
    } else if (request.query_string) {
      request.query_string = scrubValue(request.query_string) as typeof request.query_string;
    }
    scrubbed.request = request;
  }
  if (event.extra) scrubbed.extra = scrubValue(event.extra) as E["extra"];
  if (event.contexts) scrubbed.contexts = scrubValue(event.contexts) as E["contexts"];
  if (event.breadcrumbs) scrubbed.breadcrumbs = event.breadcrumbs.map(scrubBreadcrumb);
  return scrubbed;
}

/** For `Sentry.init({ beforeSend })`: every event leaves the process scrubbed. */
export function beforeSend(event: ErrorEvent): ErrorEvent {
  return scrubEvent(event);
}

/** SDK options with the scrubber, and without the SDK's collection of user details and cookies. */
export function sentryOptions(options: {
  dsn: string | undefined;
  environment?: string;
  release?: string;
  serviceName?: string;
}): NodeOptions {
  return {
    dsn: options.dsn,
    environment: options.environment,
    release: options.release,
    // No user details or cookies; headers and bodies are kept, scrubbed by beforeSend.
    dataCollection: { userInfo: false, cookies: false },
    beforeSend,
    beforeBreadcrumb: (breadcrumb) => scrubBreadcrumb(breadcrumb),
    initialScope: options.serviceName ? { tags: { service: options.serviceName } } : undefined,
    // Errors only: traces go to the collector over OTLP.
    tracesSampleRate: 0,
  };
}

/** The tags that tie an error report to its request's logs and trace. */
export function correlationTags(ids: { correlationId: string; traceId?: string }) {
  return {
    [CORRELATION_FIELDS.correlationId]: ids.correlationId,
    ...(ids.traceId ? { [CORRELATION_FIELDS.traceId]: ids.traceId } : {}),
  };
}

/**
 * Reports an error of one request, tagged with its correlation ID and trace ID. `request`
 * (method, url, headers, body) is attached as the event's request; it is scrubbed before
 * it is sent. Returns the event ID.
 */
export function captureRequestError(
  error: unknown,
  context: {
    correlationId: string;
    traceId?: string;
    request?: { method?: string; url?: string; headers?: Record<string, string>; data?: unknown };
    extra?: Record<string, unknown>;
  },
): string {
  return Sentry.withScope((scope) => {
    scope.setTags(correlationTags(context));
    if (context.extra) scope.setExtras(context.extra);
    if (context.request) {
      scope.addEventProcessor((event) => ({
        ...event,
        request: { ...event.request, ...context.request },
      }));
    }
    return Sentry.captureException(error);
  });
}
