import * as fs from "fs";
import * as path from "path";
import { renderStack } from "../../components/render";
import { Settings } from "../../config/settings";
import { run, scratchDir, tool } from "./tools";

/** The reviewed pint configuration: checks, and the findings accepted with their reasons. */
export const PINT_CONFIG = path.resolve(__dirname, "../../rules/pint.hcl");
/** Where `npm run render` puts the rule files, below a stack's output directory. */
export const RULES_DIR = "prometheus/rules";

/** One problem of pint's JSON report. */
export interface PintProblem {
  path: string;
  reporter: string;
  problem: string;
  details?: string;
  severity: string;
  lines: number[];
}

export interface PintReport {
  /** pint's exit status: 0 when nothing at the fail-on severity was found. */
  status: number;
  problems: PintProblem[];
  /** pint's log and its human-readable report. */
  output: string;
}

/**
 * The configuration pint runs with: the reviewed file, and for online checks a `prometheus`
 * block naming the server to query (required: an unreachable server is a bug, not a warning).
 */
export function pintConfig(prometheusUrl?: string): string {
  const reviewed = fs.readFileSync(PINT_CONFIG, "utf8");
  if (!prometheusUrl) return reviewed;
  return `${reviewed}
prometheus "under-test" {
  uri      = ${JSON.stringify(prometheusUrl)}
  timeout  = "1m"
  required = true
  // Prometheus scrapes itself in every stack: a cheaper uptime series than count(up).
  uptime   = "prometheus_build_info"
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
 * `pint lint` on the rule files below dir (render's layout), reporting problems of every
 * severity. Offline without prometheusUrl; with it, pint also runs its online checks
 * (promql/series, promql/rate, alerts/count, ...) against that Prometheus.
 */
export function pintLint(dir: string, options: { prometheusUrl?: string } = {}): PintReport {
  const scratch = scratchDir("pint");
  try {
    const config = path.join(scratch, "pint.hcl");
    const report = path.join(scratch, "report.json");
    fs.writeFileSync(config, pintConfig(options.prometheusUrl));
    const args = [
      "--no-color",
      `--config=${config}`,
      ...(options.prometheusUrl ? [] : ["--offline"]),
      "lint",
      "--min-severity=info",
      "--fail-on=info",
      `--json=${report}`,
      RULES_DIR,
    ];
    const result = run(tool("pint"), args, dir);
    if (!fs.existsSync(report)) throw new Error(`pint wrote no report:\n${result.output}`);
    const problems = JSON.parse(fs.readFileSync(report, "utf8")) as PintProblem[];
    return { status: result.status, problems, output: result.output };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** One line per problem, for test output and failure messages. */
export function describeProblems(problems: PintProblem[]): string[] {
  return problems.map(
    (p) => `${p.severity} ${p.reporter} ${p.path}:${p.lines.join(",")}: ${p.problem}`,
  );
}
