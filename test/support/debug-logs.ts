/**
 * Log records as the collector's debug exporter prints them at `verbosity: detailed` (the
 * text form of pdata, `ResourceLog #0 ... LogRecord #0 ... Body: Str(...)`): how the tests
 * read what Loki's stand-in (components/loki/stand-in.ts) received. Values other than strings
 * keep the exporter's notation (`Int(42)`).
 */
export interface PrintedLogRecord {
  resource: Record<string, string>;
  attributes: Record<string, string>;
  body: string;
  severityText: string;
  traceId: string;
  spanId: string;
}

/** `     -> key: Str(value)`: one attribute line; string values are unwrapped. */
const ATTRIBUTE = /^\s*-> ([^:]+): (.*)$/;

function value(text: string): string {
  const string = /^Str\((.*)\)$/s.exec(text);
  return string ? string[1] : text;
}

/** Every log record in the text, in the order printed. Lines that are not the dump's are skipped. */
export function parseDebugLogs(text: string): PrintedLogRecord[] {
  const records: PrintedLogRecord[] = [];
  let resource: Record<string, string> = {};
  let record: PrintedLogRecord | undefined;
  let section: "resource" | "record" | "other" = "other";
  for (const raw of text.split("\n")) {
    // The collector's own log prefix (time, level) precedes the first line of each dump.
    const line = raw.replace(/^\S+\t\S+\t/, "");
    if (/^ResourceLog #\d+/.test(line)) {
      resource = {};
      record = undefined;
      section = "other";
    } else if (/^Resource attributes:/.test(line)) {
      section = "resource";
    } else if (/^LogRecord #\d+/.test(line)) {
      record = { resource, attributes: {}, body: "", severityText: "", traceId: "", spanId: "" };
      records.push(record);
      section = "other";
    } else if (/^Attributes:/.test(line) && record) {
      section = "record";
    } else if (ATTRIBUTE.test(line) && section !== "other") {
      const [, key, text] = ATTRIBUTE.exec(line)!;
      (section === "resource" ? resource : record!.attributes)[key] = value(text.trim());
    } else if (record && /^Body: /.test(line)) {
      record.body = value(line.slice("Body: ".length).trim());
      section = "other";
    } else if (record && /^SeverityText: /.test(line)) {
      record.severityText = line.slice("SeverityText: ".length).trim();
    } else if (record && /^Trace ID: /.test(line)) {
      record.traceId = line.slice("Trace ID: ".length).trim();
      section = "other";
    } else if (record && /^Span ID: /.test(line)) {
      record.spanId = line.slice("Span ID: ".length).trim();
    } else if (!ATTRIBUTE.test(line)) {
      section = section === "resource" && /^ScopeLogs/.test(line) ? "other" : section;
    }
  }
  return records;
}
