import { REDACTED_FIELDS, REDACTION_MASK } from "../../telemetry/redaction";
import { beforeSend, scrubBody, scrubEvent, sentryOptions } from "../../telemetry/sentry";
import { renderCollectorConfig } from "../../components/otel-collector/config";
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

  test("the collector redacts the same list", () => {
    const config = renderCollectorConfig(settingsFrom({ environment: "dev" })) as any;
    const keys = config.processors["attributes/redact"].actions
      .filter((action: { action: string }) => action.action === "update")
      .map((action: { key: string; value: string }) => [action.key, action.value]);
    expect(keys).toEqual(REDACTED_FIELDS.map((field) => [field, M]));
  });
});
