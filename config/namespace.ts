import { CONFIG_NAMESPACE } from "./errors";

/**
 * How far a namespace may be from ours and still count as a misspelling of it. Pulumi hands
 * the program every namespace's keys, and the readers keep only ours: a key under
 * `observabilty-stack:` would otherwise vanish without a word. Real namespaces (`pulumi`,
 * `kubernetes`, `docker`, `aws`, ...) are many edits away, so they still pass.
 */
const MAX_TYPO_DISTANCE = 2;

/** Levenshtein distance: the fewest insertions, deletions and substitutions from a to b. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The namespace of a full config key (`aws:region` → `aws`); undefined without one. */
function namespaceOf(fullKey: string): string | undefined {
  const colon = fullKey.indexOf(":");
  return colon < 0 ? undefined : fullKey.slice(0, colon);
}

/** One problem per key whose namespace is a near miss of ours, naming the key, the namespace found and ours. */
export function misspeltNamespaceProblems(fullKeys: Iterable<string>): string[] {
  const problems: string[] = [];
  for (const fullKey of fullKeys) {
    const namespace = namespaceOf(fullKey);
    if (namespace === undefined || namespace === CONFIG_NAMESPACE) continue;
    if (editDistance(namespace.toLowerCase(), CONFIG_NAMESPACE) > MAX_TYPO_DISTANCE) continue;
    problems.push(
      `${fullKey}: namespace "${namespace}" is not this project's; did you mean ${CONFIG_NAMESPACE}:${fullKey.slice(namespace.length + 1)}? Keys under another namespace are ignored, so write it as ${CONFIG_NAMESPACE}:<key>`,
    );
  }
  return problems;
}
