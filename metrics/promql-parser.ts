import type { LRParser } from "@lezer/lr";

// lezer-promql's typings are ESM-only; its package also ships the CommonJS build we load here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require("@prometheus-io/lezer-promql") as { parser: LRParser };

/** Prometheus' own PromQL grammar (the one its web UI uses), loaded once for every reader. */
export const promqlParser: LRParser = parser;
