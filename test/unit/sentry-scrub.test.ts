import { REDACTED_FIELDS, REDACTION_MASK } from "../../telemetry/redaction";
import { beforeSend, scrubBody, scrubEvent, sentryOptions } from "../../telemetry/sentry";
import { renderCollectorConfig } from "../../components/otel-collector/config";
import { REDACTION_PROCESSOR } from "../../components/otel-collector/redaction";
import { settingsFrom } from "../support/settings";

const M = REDACTION_MASK;

describe("the Sentry scrubber (telemetry/sentry.ts)", () => {
  test("masks every key of the one scrub list, whatever its case, in headers, body, extra, contexts and breadcrumbs", () => {
    const event = {
      event_id: "e1",
      message: "boom",
      request: {
        url: "http://api/orders",
        headers: { Authorization: "Bearer abc", "Content-Type": "application/json" },
        data: { password: "hunter2", order: { id: 7, Credit_Card: "4111" } },
        cookies: { Token: "t" },
        query_string: "q=1&api_key=k",
      },
      extra: { user: { PWD: "x", name: "ann" }, list: [{ secret: "s" }] },
      contexts: { billing: { tax_id: "1", ssn: "2", plan: "pro" } },
      breadcrumbs: [{ message: "login", data: { passwd: "p", apikey: "a", user: "ann" } }],
    };
    const scrubbed = scrubEvent(event);
    expect(scrubbed.request).toEqual({
      url: "http://api/orders",
      headers: { Authorization: M, "Content-Type": "application/json" },
      data: { password: M, order: { id: 7, Credit_Card: M } },
      cookies: { Token: M },
      query_string: `q=1&api_key=${encodeURIComponent(M)}`,
    });
    expect(scrubbed.extra).toEqual({ user: { PWD: M, name: "ann" }, list: [{ secret: M }] });
    expect(scrubbed.contexts).toEqual({ billing: { tax_id: M, ssn: M, plan: "pro" } });
    expect(scrubbed.breadcrumbs).toEqual([
      { message: "login", data: { passwd: M, apikey: M, user: "ann" } },
    ]);
    // A copy: the SDK's own event is left as it was.
    expect(event.request.data.password).toBe("hunter2");
  });

  test.each(REDACTED_FIELDS.map((field) => [field]))("%s is masked", (field) => {
    const scrubbed = scrubEvent({ extra: { [field]: "v", [field.toUpperCase()]: "v" } });
    expect(Object.values(scrubbed.extra!)).toEqual([M, M]);
  });

  test("a body held as JSON text or form text is scrubbed in its own format", () => {
    expect(
      JSON.parse(scrubBody('{"password":"p","items":[{"token":"t","n":1}]}') as string),
    ).toEqual({ password: M, items: [{ token: M, n: 1 }] });
    expect(scrubBody("user=ann&password=p")).toBe(`user=ann&password=${encodeURIComponent(M)}`);
    expect(scrubBody("plain text, no keys")).toBe("plain text, no keys");
    expect(scrubBody("{not json")).toBe("{not json");
  });

  test("events without the scrubbed parts pass unchanged", () => {
    const event = { event_id: "e2", message: "x", tags: { correlation_id: "c" } };
    expect(scrubEvent(event)).toEqual(event);
  });

  test("the SDK options carry the scrubber and collect no user details or cookies", () => {
    const options = sentryOptions({ dsn: "http://k@tracker/1", environment: "dev" });
    expect(options.beforeSend).toBe(beforeSend);
    expect(options.dataCollection).toEqual({ userInfo: false, cookies: false });
    expect(options.beforeBreadcrumb!({ data: { token: "t" } }, undefined)).toEqual({
      data: { token: M },
    });
  });

  test("the collector masks the same list, keys compared without case, in every context", () => {
    const config = renderCollectorConfig(settingsFrom({ environment: "dev" })) as any;
    const processor = config.processors[REDACTION_PROCESSOR];
    const contexts = [
      ...processor.trace_statements,
      ...processor.log_statements,
      ...processor.metric_statements,
    ];
    expect(contexts.map((c: { context: string }) => c.context)).toEqual([
      "resource",
      "span",
      "spanevent",
      "resource",
      "log",
      "resource",
      "datapoint",
    ]);
    for (const { statements } of contexts) {
      // The first map rewrite of each context keeps the scrub list's keys, then masks them.
      const keep = /^keep_matching_keys\(cache\["redacted"\], "\(\?i\)(.*)"\)$/.exec(statements[1]);
      const pattern = new RegExp(keep![1].replace(/\\\\/g, "\\"), "i");
      for (const field of REDACTED_FIELDS) {
        expect([field, pattern.test(field), pattern.test(field.toUpperCase())]).toEqual([
          field,
          true,
          true,
        ]);
      }
      for (const kept of ["csrf_token", "password_hint", "user.id", "phone"]) {
        expect([kept, pattern.test(kept)]).toEqual([kept, false]);
      }
      expect(statements[3]).toContain(`"${M}"`);
    }
    // Every pipeline runs it, right after the memory limiter.
    for (const pipeline of Object.values(config.service.pipelines) as { processors: string[] }[]) {
      expect(pipeline.processors.slice(0, 2)).toEqual(["memory_limiter", REDACTION_PROCESSOR]);
    }
  });
});
