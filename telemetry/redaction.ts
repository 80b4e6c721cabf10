/**
 * Keys whose values never leave a service in clear text (the seeds' list), and the mask that
 * replaces them: the one scrub list. The collector's redaction (components/otel-collector)
 * and the Sentry SDK scrubber services use (telemetry/sentry.ts) both read it.
 */
export const REDACTED_FIELDS = [
  "password",
  "passwd",
  "pwd",
  "api_key",
  "apikey",
  "token",
  "secret",
  "private_key",
  "authorization",
  "http.request.header.authorization",
  "credit_card",
  "ssn",
  "tax_id",
] as const;

export const REDACTION_MASK = "***REDACTED***";

/** Kept joinable but unreadable: the seeds ask for phone numbers as hashes. */
export const HASHED_FIELDS = ["phone", "phone_number"] as const;

const REDACTED = new Set<string>(REDACTED_FIELDS);

/** Whether a key's value is masked; keys compare without case (`Authorization`, `PASSWORD`). */
export function isRedactedKey(key: string): boolean {
  return REDACTED.has(key.toLowerCase());
}
