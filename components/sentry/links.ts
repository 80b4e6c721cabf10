import { Settings } from "../../config/settings";
import { CORRELATION_FIELDS } from "../../telemetry/correlation";
import { SENTRY_ORGANIZATION } from "./self-hosted";

/**
 * The error tracker's issue search for one correlation ID, as a Grafana link (the value goes
 * where `${__value.raw}` is), or undefined when there is no tracker to link to. Services tag
 * each error with the correlation ID (telemetry/sentry.ts), so the search finds the errors of
 * the request a log line belongs to.
 * - Bugsink: the issue list of the stack's project, which is the first project of its own
 *   Bugsink (id 1), searched by tag (`correlation_id:<id>`);
 * - Sentry (in-stack or external): the organization's issue search by tag.
 */
export function issueSearchUrl(settings: Settings): string | undefined {
  const tag = `${CORRELATION_FIELDS.correlationId}%3A\${__value.raw}`;
  const sentry = settings.sentry;
  switch (sentry.mode) {
    case "bugsink":
      return `${sentry.url}/issues/${BUGSINK_PROJECT_ID}/?q=${tag}`;
    case "self-hosted":
      return `${sentry.url}/organizations/${SENTRY_ORGANIZATION}/issues/?query=${tag}`;
    case "external":
      return sentry.url === undefined ? undefined : `${sentry.url}/issues/?query=${tag}`;
    case "disabled":
      return undefined;
  }
}

/** The project the stack creates is the first of the Bugsink it deploys. */
export const BUGSINK_PROJECT_ID = 1;
