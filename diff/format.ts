/** The diff report as Markdown for a pull-request comment, and as JSON: pure functions. */
import {
  budgetText,
  changeCounts,
  DiffReport,
  FieldChange,
  ItemChange,
  percentText,
  StackDiff,
} from "./compare";
import { PreviewReport } from "./preview";

/** Finds the comment to update: the workflow looks for this line. */
export const COMMENT_MARKER = "<!-- observability-stack-diff -->";

/** GitHub refuses comments above 65536 characters; stay well below. */
export const MARKDOWN_LIMIT = 60000;
const ITEMS_PER_SECTION = 40;
const VALUE_LENGTH = 240;

function clip(text: string, length = VALUE_LENGTH): string {
  const line = text.replace(/\s*\n\s*/g, " ");
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

/** A code span that survives backticks in the value. */
export function code(value: string): string {
  const text = clip(value);
  return text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function fieldText(field: FieldChange, kind: ItemChange["kind"]): string {
  if (kind === "added") return `${field.field} ${code(field.after ?? "")}`;
  if (kind === "removed") return `${field.field} ${code(field.before ?? "")}`;
  if (field.before === null) return `${field.field}: added ${code(field.after ?? "")}`;
  if (field.after === null) return `${field.field}: removed ${code(field.before)}`;
  return `${field.field}: ${code(field.before)} → ${code(field.after)}`;
}

function itemLines(change: ItemChange): string[] {
  const name = code(change.key);
  const notes = change.notes.map((note) => `  - ⚠️ ${note.detail}`);
  if (change.kind === "removed") return [`- ➖ ${name} removed`, ...notes];
  if (change.kind === "added") {
    const fields = change.fields.map((field) => fieldText(field, "added")).join(", ");
    return [`- ➕ ${name} added${fields ? `: ${fields}` : ""}`, ...notes];
  }
  if (change.fields.length === 1) {
    const only = change.fields[0];
    // A stack setting is its own field: `retention.metrics`: `3d` → `7d`.
    const text = fieldText(only.field === change.key ? { ...only, field: "" } : only, "changed");
    return [`- ✏️ ${name}${text.startsWith(":") ? text : ` ${text}`}`, ...notes];
  }
  return [
    `- ✏️ ${name}`,
    ...change.fields.map((field) => `  - ${fieldText(field, "changed")}`),
    ...notes,
  ];
}

export function previewLine(preview: PreviewReport): string {
  if (preview.status !== "ok") {
    return preview.status === "skipped"
      ? `Preview skipped: ${preview.message}.`
      : `Preview failed: ${preview.message}`;
  }
  const { create, update, replace, delete: remove } = preview.counts;
  return (
    `Preview: ${create} to create, ${update} to update, ${replace} to replace, ${remove} to delete` +
    (preview.note ? ` (${preview.note})` : "") +
    "."
  );
}

function previewLines(preview: PreviewReport | undefined): string[] {
  if (!preview) return [];
  const lines = [previewLine(preview)];
  if (preview.status === "ok") {
    for (const replace of preview.replaces) {
      const reasons = replace.reasons.length > 0 ? ` (${replace.reasons.join(", ")})` : "";
      lines.push(
        `- 🔁 replace ${code(replace.name)} ${code(replace.type)}${reasons}` +
          (replace.stateful ? " — ⚠️ **stateful: data may be lost**" : ""),
      );
    }
  }
  return ["", ...lines];
}

/** The sections of a stack's details: what two stacks with the same change share. */
function sectionLines(diff: StackDiff): string[] {
  const lines: string[] = [];
  if (diff.summary) {
    lines.push("", `${diff.status === "added" ? "New stack" : "Removed stack"}: ${diff.summary}.`);
  }
  for (const error of diff.errors) lines.push("", "```text", error, "```");
  for (const section of diff.sections) {
    lines.push("", `**${section.title}**`, "");
    for (const error of section.errors) lines.push(`- ❌ ${clip(error, 600)}`);
    const shown = section.changes.slice(0, ITEMS_PER_SECTION);
    for (const change of shown) lines.push(...itemLines(change));
    if (section.changes.length > shown.length) {
      lines.push(`- … and ${section.changes.length - shown.length} more (see \`--format json\`)`);
    }
  }
  return lines;
}

function budgetLines(diff: StackDiff): string[] {
  const { before, after } = diff.budget;
  if (!before && !after) return [];
  const part = (name: "memory" | "cpu") => {
    const a = before ? percentText(before[name]) : "—";
    const b = after ? percentText(after[name]) : "—";
    return a === b ? b : `${a} → ${b}`;
  };
  return ["", `**Budget**: memory ${part("memory")}; CPU ${part("cpu")}.`];
}

function summaryRow(diff: StackDiff): string {
  const warnings = diff.warnings.map((warning) => `⚠️ ${warning.summary}`).join("<br>");
  return `| ${cell(diff.stack)} | ${cell(changeCounts(diff))} | ${cell(budgetText(diff.budget))} | ${cell(warnings)} |`;
}

function heading(report: DiffReport): string {
  return `### Stack changes: ${code(report.base.ref)} (${report.base.commit.slice(0, 7)}) → ${report.head}`;
}

/** True when no stack renders differently (previews aside). */
export function unchanged(report: DiffReport): boolean {
  return report.stacks.every((stack) => stack.status === "unchanged");
}

export function toMarkdown(report: DiffReport): string {
  if (unchanged(report)) {
    const previews = report.stacks
      .filter((stack) => stack.preview)
      .map((stack) => `- **${stack.stack}**: ${previewLine(stack.preview!)}`);
    return [
      COMMENT_MARKER,
      `No changes: ${report.stacks.map((stack) => stack.stack).join(", ") || "no stacks"} render the same at ${code(report.base.ref)} (${report.base.commit.slice(0, 7)}) and in ${report.head}.`,
      ...(previews.length > 0 ? ["", ...previews] : []),
      "",
    ].join("\n");
  }
  const table = [
    "| stack | changes | budget before → after | warnings |",
    "|---|---|---|---|",
    ...report.stacks.map(summaryRow),
  ];
  const shownBodies = new Map<string, string>();
  const details = (diff: StackDiff, full: boolean): string[] => {
    if (diff.status === "unchanged" && !diff.preview) return [];
    const sections = sectionLines(diff);
    // Warnings that belong to a change are shown under it.
    const attached = new Set(
      diff.sections.flatMap((section) => section.changes.flatMap((change) => change.notes)),
    );
    const general = diff.warnings.filter((warning) => !attached.has(warning));
    const key = sections.join("\n");
    const same = sections.length > 0 ? shownBodies.get(key) : undefined;
    if (sections.length > 0 && !same) shownBodies.set(key, diff.stack);
    const body = !full
      ? ["", "(details left out to fit a comment: run `npm run diff` locally)"]
      : same
        ? ["", `Same changes as **${same}**.`]
        : sections;
    return [
      "",
      `<details><summary><b>${diff.stack}</b>: ${changeCounts(diff)}</summary>`,
      ...(general.length > 0
        ? ["", ...general.map((warning) => `- ⚠️ ${clip(warning.detail, 600)}`)]
        : []),
      ...body,
      ...budgetLines(diff),
      ...previewLines(diff.preview),
      "",
      "</details>",
    ];
  };
  const render = (full: boolean) => {
    shownBodies.clear();
    return [
      COMMENT_MARKER,
      heading(report),
      "",
      ...table,
      ...report.stacks.flatMap((diff) => details(diff, full)),
      "",
    ].join("\n");
  };
  const markdown = render(true);
  return markdown.length <= MARKDOWN_LIMIT ? markdown : render(false).slice(0, MARKDOWN_LIMIT);
}

export function toJson(report: DiffReport): string {
  return `${JSON.stringify({ ...report, changed: !unchanged(report) }, null, 2)}\n`;
}
