import * as fs from "fs";
import * as path from "path";
import { renderStack } from "../../components/render";
import { Settings } from "../../config/settings";
import { run, scratchDir, tool } from "./tools";

/** The reviewed pint configuration: checks, and the findings accepted with their reasons. */
export const PINT_CONFIG = path.resolve(__dirname, "../../rules/pint.hcl");
/** Where `npm run render` puts the rule files, below a stack's output directory. */
export const RULES_DIR = "prometheus/rules";

/** One problem pint reports. */
export interface PintProblem {
  path: string;
  /** The check, e.g. promql/series. */
  reporter: string;
  problem: string;
  /** Bug, Warning or Information. */
  severity: string;
  lines: number[];
  /** The alert or recording rule; empty for a problem of a file or group. */
  rule: string;
  /** pint's explanation, e.g. which metric the server had no series for. */
  message: string;
}

export interface PintReport {
  /** pint's exit status: 0 when nothing at the fail-on severity was found. */
  status: number;
  problems: PintProblem[];
  /** pint's log and its human-readable report. */
  output: string;
}

export interface OnlineOptions {
  /** Base URL of the Prometheus to query, e.g. http://127.0.0.1:9090. */
  prometheusUrl: string;
  /**
   * How far back promql/series looks for a metric it does not find now (pint's default is 7d;
   * a test stack's Prometheus is minutes old, and every missing metric costs range queries).
   */
  lookbackRange?: string;
}

/**
 * The configuration pint runs with: the reviewed file, and for online checks a `prometheus`
 * block naming the server to query (required: an unreachable server is a bug, not a warning).
 */
export function pintConfig(online?: OnlineOptions): string {
  const reviewed = fs.readFileSync(PINT_CONFIG, "utf8");
  if (!online) return reviewed;
  return `${reviewed}
prometheus "under-test" {
  uri      = ${JSON.stringify(online.prometheusUrl)}
  timeout  = "1m"
  required = true
  // Prometheus scrapes itself in every stack: a cheaper uptime series than count(up).
  uptime   = "prometheus_build_info"
}

check "promql/series" {
  lookbackRange = ${JSON.stringify(online.lookbackRange ?? "1h")}
  lookbackStep  = "1m"
}
`;
}

/** A stack's rule files as `npm run render` writes them, into dir/prometheus/rules. */
export function writeStackRules(settings: Settings, dir: string): string[] {
  const files = renderStack(settings).filter((file) => file.path.startsWith(`${RULES_DIR}/`));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, file.path), file.content);
  }
  return files.map((file) => file.path);
}

/**
 * `pint lint` on the rule files below dir (render's layout, writeStackRules), reporting
 * problems of every severity. Offline without `online`; with it, pint also runs its online
 * checks (promql/series, promql/rate, promql/vector_matching, alerts/count, ...) against that
 * Prometheus. The e2e calls it with the stack's Prometheus once traffic has flowed.
 */
export function pintLint(dir: string, online?: OnlineOptions): PintReport {
  const scratch = scratchDir("pint");
  try {
    const config = path.join(scratch, "pint.hcl");
    const report = path.join(scratch, "report.json");
    fs.writeFileSync(config, pintConfig(online));
    const args = [
      "--no-color",
      `--config=${config}`,
      ...(online ? [] : ["--offline"]),
      "lint",
      "--min-severity=info",
      "--fail-on=info",
      `--json=${report}`,
      RULES_DIR,
    ];
    // Every rule's problem on its own (not folded into "[+N duplicates]").
    const result = run(tool("pint"), ["--show-duplicates", ...args], dir);
    if (!fs.existsSync(report)) throw new Error(`pint wrote no report:\n${result.output}`);
    const json = JSON.parse(fs.readFileSync(report, "utf8")) as unknown[];
    // The JSON report leaves out the rule and the explanation (which metric is missing): both
    // are read from the text report, which must then hold every problem of the JSON one.
    const problems = parseTextReport(result.output);
    if (problems.length !== json.length)
      throw new Error(
        `pint reported ${json.length} problems, ${problems.length} read from its text:\n${result.output}`,
      );
    return { status: result.status, problems, output: result.output };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * pint's text report: per problem a header (`Bug: <problem> (<check>)`), the place
 * (`  ---> <path>:<line> -> \`<rule>\``), the rule's lines with markers, and the explanation.
 */
export function parseTextReport(output: string): PintProblem[] {
  const header = /^(Bug|Fatal|Warning|Information): (.+) \(([a-z_]+\/[a-z_]+)\)$/;
  // File- and group-level problems name no rule.
  const place = /^\s*---> (.+?):(\d+)(?:-(\d+))?(?: -> `(.+?)`)?/;
  const problems: PintProblem[] = [];
  const lines = output.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const head = header.exec(lines[i]);
    const where = head && place.exec(lines[i + 1] ?? "");
    if (!head || !where) continue;
    const message: string[] = [];
    for (i += 2; i < lines.length && lines[i].trim() !== "" && !header.test(lines[i]); i++) {
      // Skip the rule's own lines (`5 | expr: ...`) and the markers under them (`^^^`),
      // which the explanation may follow on the same line.
      if (/^\s*\d+ \|/.test(lines[i])) continue;
      const text = lines[i].replace(/^[\s^]+/, "").trim();
      if (text) message.push(text);
    }
    const [first, last = first] = [Number(where[2]), Number(where[3] ?? where[2])];
    problems.push({
      severity: head[1],
      problem: head[2],
      reporter: head[3],
      path: where[1],
      lines: Array.from({ length: last - first + 1 }, (_, k) => first + k),
      rule: where[4] ?? "",
      message: message.join(" "),
    });
  }
  return problems;
}

/** One line per problem, for test output and failure messages. */
export function describeProblems(problems: PintProblem[]): string[] {
  return problems.map(
    (p) =>
      `${p.severity} ${p.reporter} ${p.path}:${p.lines[0]} ${p.rule}: ${p.problem}; ${p.message}`,
  );
}
