import { METRIC_EXEMPTIONS } from "../../metrics/exemptions";
import { RULE_PACKS } from "../../rules/packs";
import { selectors } from "../../rules/promql";
import {
  deployedPromqlPanels,
  grafanaQuery,
  PromqlPanel,
  roundInterval,
  usedMetrics,
} from "../support/judgement";
import { stackSettings } from "../support/settings";

const settings = stackSettings("e2e");
const panel = (expr: string, variables: Record<string, string> = {}): PromqlPanel => ({
  dashboard: "d",
  title: "p",
  width: 12,
  targets: [{ refId: "A", expr, instant: false }],
  variables,
});
const window = { end: 1_700_000_000_000, rangeMs: 900_000, scrapeMs: 15_000 };
const query = (p: PromqlPanel, w = window) => grafanaQuery(p, p.targets[0], w);

describe("the live judgement's pure parts", () => {
  test("selectors: name and label matchers, as lezer-promql parses them", () => {
    expect(selectors('rate(a{job="x", b=~"y.*"}[5m]) / on() c + up{job!="z"}')).toEqual([
      {
        name: "a",
        matchers: [
          { label: "job", op: "=", value: "x" },
          { label: "b", op: "=~", value: "y.*" },
        ],
      },
      { name: "c", matchers: [] },
      { name: "up", matchers: [{ label: "job", op: "!=", value: "z" }] },
    ]);
  });

  test("Grafana's interval rounding", () => {
    expect([700, 1100, 1600, 20_000, 100_000].map(roundInterval)).toEqual([
      500, 1000, 2000, 20_000, 120_000,
    ]);
  });

  test("a panel's query over 15 minutes: the scrape interval as step, $__rate_interval 4 × it, variables at their defaults", () => {
    const sent = query(
      panel('sum(rate(x{service=~"$service"}[$__rate_interval])) / $__range_s', {
        service: ".*",
      }),
    );
    expect(sent.expr).toBe('sum(rate(x{service=~".*"}[1m])) / 900');
    expect(sent.stepMs).toBe(15_000);
    expect(sent.end % 15_000).toBe(0);
    expect(sent.end - sent.start).toBe(900_000);
  });

  test("a long range raises $__interval above the scrape interval; a panel's min interval wins", () => {
    const day = { ...window, rangeMs: 86_400_000 };
    expect(query(panel("x[$__interval]"), day).expr).toBe("x[2m]");
    const slow = { ...panel("x[$__rate_interval]"), interval: "5m" };
    expect(query(slow).expr).toBe("x[315s]");
  });

  test("a variable without a value is an error, not an empty string", () => {
    expect(() => query(panel('x{a=~"$nope"}'))).toThrow(/no value for \$nope/);
  });

  test("the e2e stack's panels all interpolate, and their metrics are judged with the jobs their selectors name", () => {
    const panels = deployedPromqlPanels(settings);
    expect(panels.length).toBeGreaterThan(100);
    for (const p of panels) for (const t of p.targets) grafanaQuery(p, t, window);
    const uses = usedMetrics(settings);
    expect(uses).toContainEqual(
      expect.objectContaining({
        metric: "container_memory_working_set_bytes",
        job: { label: "job", op: "=", value: "cadvisor" },
      }),
    );
    expect(uses.find((use) => use.metric === "http_requests_total")?.job).toBeUndefined();
  });

  test("every exemption that names a promtool test points at a test that makes that alert fire", () => {
    for (const exemption of METRIC_EXEMPTIONS) {
      if (exemption.kind === "conditional") expect(exemption.promtoolTest).toBeDefined();
      if (!exemption.promtoolTest) continue;
      const { pack, alert } = exemption.promtoolTest;
      const cases = RULE_PACKS.find((p) => p.name === pack)!.tests.flatMap((t) => t.alerts);
      expect([alert, cases.some((c) => c.alertname === alert && c.expect.length > 0)]).toEqual([
        alert,
        true,
      ]);
    }
  });
});
