import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "./config/load";
import { readPulumiConfig } from "./config/pulumi-source";
import { GRAFANA_ADMIN_USER } from "./components/grafana/spec";
import { ObservabilityStack } from "./components/stack";

// Validation runs before any resource exists: bad config stops the program with every problem listed.
const settings = loadSettings(readPulumiConfig());
const config = new pulumi.Config();

const stack = new ObservabilityStack("observability", {
  settings,
  configSecret: (key) => config.requireSecret(key),
});

export const environment = settings.environment;
export const target = settings.target;
export const urls = stack.urls;
export const grafanaAdminUser = GRAFANA_ADMIN_USER;
export const grafanaAdminPassword = stack.grafanaAdminPassword;
