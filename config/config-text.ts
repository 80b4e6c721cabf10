/**
 * A config value as the Pulumi CLI hands it to the program: text, where structured values
 * (written as YAML objects and lists, or set as JSON with `pulumi config set`) arrive
 * JSON-encoded. The program and the stack-file reader decode it alike, so `render` reads a
 * stack file exactly as `pulumi up` reads the same stack.
 */
export function decodeConfigText(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
