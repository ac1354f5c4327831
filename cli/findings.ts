/**
 * What `check` and `plan` do with their findings beyond the pack: a baseline of known findings for
 * adopting the gate on an existing platform, GitHub's annotation limits, and the job summary.
 */
import * as path from "path";
import { UsageError, readJsonFile, shownPath } from "./input";
import { githubData, githubProperty, markdown, markdownMessage } from "./output";

export interface Finding {
    policy: string;
    enforcementLevel: "mandatory" | "advisory";
    /** The resource's URN (`check`) or address (`plan`); null for the stack or plan as a whole. */
    subject: string | null;
    message: string;
}

export type BaselineStatus = "new" | "existing";

/**
 * A finding's kind: its message up to the first value it quotes (`Missing required tags`, `This
 * autoscaling group launches from launch template`). The missing keys or a value may change while the
 * finding stays the same one.
 */
export function messageKind(message: string): string {
    return message.split(/[:`"(\n]/)[0].replace(/\s+/g, " ").trim();
}

export const findingKey = (f: Pick<Finding, "policy" | "subject" | "message">): string => `${f.subject ?? "(stack)"}\u0000${f.policy}\u0000${messageKind(f.message)}`;

export interface Baseline {
    file: string;
    /** Each finding's key, and the plan file it came from (`plan` reports; "" otherwise). */
    findings: readonly { key: string; scope: string }[];
}

/** A plan file as a baseline scope: its path as given, normalized (`./plans/dev.json` is `plans/dev.json`). */
export const planScope = (file: string): string => path.normalize(file).replace(/\\/g, "/");

/** A previous JSON report of `check` or `plan`: the findings it holds, by key. */
export function readBaseline(file: string, subjectField: "urn" | "address"): Baseline {
    if (!file.trim()) throw new UsageError("--baseline: empty path (an unset variable?); leave the option out for no baseline");
    const json = readJsonFile(file, "a previous `--format json` report");
    const violations = (json as { violations?: unknown }).violations;
    if (typeof json !== "object" || json === null || typeof (json as { reportVersion?: unknown }).reportVersion !== "number" || !Array.isArray(violations)) {
        throw new UsageError(`--baseline ${shownPath(file)}: not a tagguard --format json report (no \`reportVersion\` and \`violations\`)`);
    }
    const findings: { key: string; scope: string }[] = [];
    for (const v of violations as unknown[]) {
        const r = v as Record<string, unknown>;
        if (typeof r?.policy !== "string" || typeof r.message !== "string") continue;
        const subject = r[subjectField];
        if (subject !== null && typeof subject !== "string") {
            throw new UsageError(`--baseline ${shownPath(file)}: its findings have no \`${subjectField}\`; give a report of the same command`);
        }
        findings.push({ key: findingKey({ policy: r.policy, subject: subject as string | null, message: r.message }), scope: typeof r.file === "string" ? planScope(r.file) : "" });
    }
    return { file, findings };
}

export interface BaselineSummary {
    file: string;
    new: number;
    existing: number;
    /** Findings of the baseline that are gone. */
    fixed: number;
}

/** A report's finding as `--baseline` marks it. */
interface MarkedFinding extends Omit<Finding, "subject"> {
    baseline?: BaselineStatus;
}

/**
 * Marks each finding new or existing against a previous report (`subjectOf`: its URN or address; the
 * plan-wide summary has none); only new mandatory findings fail the run. `scopeOf` (plans) names the
 * plan a finding is in: where the baseline or the run holds several plans, a finding matches only in the
 * same plan, so a new finding in `prod` at the address of an old one in `dev` is new. With one plan on
 * each side the plan's file name does not matter (it may change between runs).
 */
export function markBaseline<F extends MarkedFinding>(findings: readonly F[], subjectOf: (f: F) => string | null, baseline: Baseline, scopeOf?: (f: F) => string): BaselineSummary & { newMandatory: number } {
    const scoped = scopeOf !== undefined && (new Set(baseline.findings.map((b) => b.scope)).size > 1 || new Set(findings.map(scopeOf)).size > 1);
    const scopedKey = (scope: string, key: string): string => (scoped ? `${scope}\u0000${key}` : key);
    const known = new Set(baseline.findings.map((b) => scopedKey(b.scope, b.key)));
    const seen = new Set<string>();
    for (const f of findings) {
        const key = scopedKey(scopeOf ? scopeOf(f) : "", findingKey({ policy: f.policy, subject: subjectOf(f), message: f.message }));
        seen.add(key);
        f.baseline = known.has(key) ? "existing" : "new";
    }
    const fresh = findings.filter((f) => f.baseline === "new");
    return {
        file: baseline.file,
        new: fresh.length,
        existing: findings.length - fresh.length,
        fixed: [...known].filter((k) => !seen.has(k)).length,
        newMandatory: fresh.filter((f) => f.enforcementLevel === "mandatory").length,
    };
}

/** GitHub Actions shows at most 10 error and 10 warning annotations per step (and 50 per job). */
export const ANNOTATION_LIMIT = 10;

export interface Annotation {
    level: "error" | "warning" | "notice";
    file?: string;
    line?: number;
    column?: number;
    title: string;
    message: string;
}

export function annotationLine(a: Annotation): string {
    const where = a.file ? `file=${githubProperty(a.file)}${a.line ? `,line=${a.line}${a.column ? `,col=${a.column}` : ""}` : ""},` : "";
    return `::${a.level} ${where}title=${githubProperty(a.title)}::${githubData(a.message)}`;
}

/**
 * Workflow commands for the annotations, at most `ANNOTATION_LIMIT` of each level (errors first), and one
 * more that says how many were left out and where to find them.
 */
export function cappedAnnotations(annotations: readonly Annotation[], limit = ANNOTATION_LIMIT): string[] {
    const out: string[] = [];
    const left: Record<string, number> = { error: 0, warning: 0 };
    for (const level of ["error", "warning", "notice"] as const) {
        const of = annotations.filter((a) => a.level === level);
        const shown = level === "notice" ? of : of.slice(0, limit);
        out.push(...shown.map(annotationLine));
        if (level !== "notice") left[level] = of.length - shown.length;
    }
    if (left.error + left.warning > 0) {
        out.push(annotationLine({ level: "notice", title: "tagguard: more findings", message: `${left.error} more errors and ${left.warning} more warnings are not annotated (GitHub shows ${limit} of each per step): see the job summary or the SARIF upload.` }));
    }
    return out;
}

export interface SummaryRow {
    level: "mandatory" | "advisory";
    policy: string;
    subject: string;
    where: string;
    message: string;
    status?: BaselineStatus;
}

/** The Markdown job summary (`$GITHUB_STEP_SUMMARY`): counts, coverage, every finding. */
export function markdownSummary(title: string, lines: readonly string[], rows: readonly SummaryRow[]): string {
    // Each line its own paragraph: Markdown would join consecutive lines into one.
    const out = [`## ${markdown(title)}`, "", ...lines.flatMap((l) => [markdownMessage(l), ""])];
    if (rows.length) {
        const withStatus = rows.some((r) => r.status);
        out.push(`| level | policy | resource | where |${withStatus ? " baseline |" : ""} finding |`, `| --- | --- | --- | --- |${withStatus ? " --- |" : ""} --- |`);
        for (const r of rows) {
            out.push(`| ${r.level} | ${markdownMessage(r.policy)} | ${markdownMessage(r.subject, 300)} | ${markdownMessage(r.where, 300)} |${withStatus ? ` ${r.status ?? ""} |` : ""} ${markdownMessage(r.message)} |`);
        }
    }
    return `${out.join("\n")}\n`;
}
