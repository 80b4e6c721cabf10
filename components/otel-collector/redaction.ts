/**
 * Attribute keys whose values never leave a service in clear text (the seeds' list), and the
 * mask that replaces them. The collector's redaction and the Sentry scrubber both read it.
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
