import { ConfigError } from "../../config/errors";
import { loadSettings } from "../../config/load";
import { Settings } from "../../config/settings";
import { readStackFile } from "../../config/stack-file";
import * as path from "path";

export const PROJECT_DIR = path.resolve(__dirname, "../..");
export const STACKS = ["dev", "staging", "prod"] as const;

export function stackSettings(stack: string): Settings {
  return loadSettings(readStackFile(PROJECT_DIR, stack));
}

/** Settings from config values written inline, as a test's own stack. */
export function settingsFrom(values: Record<string, unknown>, secretKeys: string[] = []): Settings {
  return loadSettings({
    project: "observability-stack",
    stack: "test",
    values,
    secretKeys: new Set(secretKeys),
  });
}

/** The problems a config read is refused with; fails the test when it is accepted. */
export function refusalOf(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("config was accepted");
}

/** The problems inline config values are refused with; fails the test when they are accepted. */
export function problemsOf(values: Record<string, unknown>, secretKeys: string[] = []): string[] {
  return refusalOf(() => settingsFrom(values, secretKeys));
}
