/** Keys whose values are credentials: set with `pulumi config set --secret`, never in plain text. */
export const SECRET_KEYS = [
  "sentryDsn",
  "slackWebhookUrl",
  "pagerdutyRoutingKey",
  "deadMansSwitchUrl",
] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** A key path at or under a credential key: its value is never shown, whatever its shape. */
export function isCredentialPath(path: readonly PropertyKey[]): boolean {
  return (SECRET_KEYS as readonly PropertyKey[]).includes(path[0]);
}

/** How to set a credential; the one sentence every message about one ends with. */
export function howToSetCredential(key: string, placeholder = "<value>"): string {
  return `set it with \`pulumi config set --secret ${key} ${placeholder}\``;
}
