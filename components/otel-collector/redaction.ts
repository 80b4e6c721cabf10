/** The scrub list lives in telemetry/redaction.ts (services read it too); kept here for existing imports. */
export { HASHED_FIELDS, REDACTED_FIELDS, REDACTION_MASK } from "../../telemetry/redaction";
