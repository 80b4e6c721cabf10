import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./config/errors";
import { loadSettings } from "./config/load";
import { readPulumiConfig } from "./config/pulumi-source";
import { GRAFANA_ADMIN_USER } from "./components/grafana/spec";
import { ObservabilityStack } from "./components/stack";

// Validation runs before any resource exists: bad config stops the program with every problem listed.
const settings = loadOrExplain();
const config = new pulumi.Config();

const stack = new ObservabilityStack("observability", {
  settings,
  configSecret: (key) => config.requireSecret(key),
});

export const environment = settings.environment;
export const target = settings.target;
export const urls = stack.urls;
export const grafanaAdminUser = GRAFANA_ADMIN_USER;
// null rather than undefined when Grafana is disabled, so the output is listed either way.
export const grafanaAdminPassword = stack.grafanaAdminPassword ?? null;
// The error tracker (sentry.mode): where it is, its admin, and the DSN services report to.
export const errorTracker = {
  mode: stack.errorTracking.mode,
  url: stack.errorTracking.url ?? null,
  adminUser: stack.errorTracking.adminUser ?? null,
};
export const errorTrackerAdminPassword = stack.errorTracking.adminPassword ?? null;
export const sentryDsn = stack.errorTracking.dsn ?? null;

function loadOrExplain() {
  try {
    return loadSettings(readPulumiConfig());
  } catch (error) {
    // RunError prints its message alone, without a JavaScript stack trace.
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
