import { AlertingSettings, SecretRef, Settings } from "../config/settings";
import { SecretFile } from "../components/spec";
import { FAMILY_LABEL } from "./render";
import { Severity } from "./types";

export const ALERTMANAGER_SECRETS_DIR = "/etc/alertmanager/secrets";

export type ReceiverName = "pagerduty" | "slack" | "deadmansswitch" | "null";

/** A label matcher in Alertmanager's syntax, e.g. `severity="critical"`. */
type MatcherText = `${string}${"=" | "!=" | "=~" | "!~"}"${string}"`;

export interface Route {
  receiver: ReceiverName;
  matchers?: MatcherText[];
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  routes?: Route[];
}

export interface Inhibition {
  source: MatcherText[];
  target: MatcherText[];
  equal: string[];
}

function severity(level: Severity): MatcherText {
  return `severity="${level}"`;
}

/** Critical pages, warnings go to chat, info is recorded only; the Watchdog feeds the dead-man's switch. */
export const ROUTE_TREE: Route = {
  receiver: "null",
  groupBy: ["alertname", "service", "job"],
  groupWait: "30s",
  groupInterval: "5m",
  repeatInterval: "4h",
  routes: [
    {
      receiver: "deadmansswitch",
      matchers: ['alertname="Watchdog"'],
      groupWait: "0s",
      groupInterval: "1m",
      repeatInterval: "1m",
    },
    { receiver: "pagerduty", matchers: [severity("critical")], repeatInterval: "1h" },
    { receiver: "slack", matchers: [severity("warning")] },
    { receiver: "null", matchers: [severity("info")] },
  ],
};

export const INHIBITIONS: Inhibition[] = [
  {
    source: [severity("critical")],
    target: [severity("warning")],
    equal: ["alertname", "service"],
  },
  // The same condition at two levels under two names (CriticalAPIErrorRate over HighAPIErrorRate).
  // Both sides must carry the label: Alertmanager treats two missing labels as equal.
  {
    source: [severity("critical"), `${FAMILY_LABEL}=~".+"`],
    target: [severity("warning"), `${FAMILY_LABEL}=~".+"`],
    equal: [FAMILY_LABEL, "service"],
  },
];

function secretPath(ref: SecretRef): string {
  return `${ALERTMANAGER_SECRETS_DIR}/${ref.secret}`;
}

/** Receivers without a configured credential keep their name and drop what they get. */
function receivers(alerting: AlertingSettings) {
  return [
    {
      name: "pagerduty",
      ...(alerting.pagerduty && {
        pagerduty_configs: [
          { routing_key_file: secretPath(alerting.pagerduty), send_resolved: true },
        ],
      }),
    },
    {
      name: "slack",
      ...(alerting.slack && {
        slack_configs: [
          {
            api_url_file: secretPath(alerting.slack),
            send_resolved: true,
            title: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}",
            text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\n{{ end }}",
          },
        ],
      }),
    },
    {
      name: "deadmansswitch",
      ...(alerting.deadMansSwitch && {
        webhook_configs: [{ url_file: secretPath(alerting.deadMansSwitch), send_resolved: false }],
      }),
    },
    { name: "null" },
  ];
}

function renderRoute(route: Route): Record<string, unknown> {
  return {
    receiver: route.receiver,
    ...(route.matchers && { matchers: route.matchers }),
    ...(route.groupBy && { group_by: route.groupBy }),
    ...(route.groupWait && { group_wait: route.groupWait }),
    ...(route.groupInterval && { group_interval: route.groupInterval }),
    ...(route.repeatInterval && { repeat_interval: route.repeatInterval }),
    ...(route.routes && { routes: route.routes.map(renderRoute) }),
  };
}

export function renderAlertmanagerConfig(settings: Settings): {
  config: object;
  secretFiles: SecretFile[];
} {
  const configured = Object.values(settings.alerting).filter(
    (ref): ref is SecretRef => ref !== undefined,
  );
  return {
    config: {
      route: renderRoute(ROUTE_TREE),
      receivers: receivers(settings.alerting),
      inhibit_rules: INHIBITIONS.map((rule) => ({
        source_matchers: rule.source,
        target_matchers: rule.target,
        equal: rule.equal,
      })),
    },
    secretFiles: configured.map((ref) => ({ mountPath: secretPath(ref), secret: ref })),
  };
}
