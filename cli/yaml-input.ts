/**
 * YAML the user gave tagguard (project and stack files, models files, Kubernetes manifests), parsed with
 * bounded work. js-yaml keeps an alias as a second reference to its anchor's value, so a kilobyte of
 * nested aliases (a "billion laughs") parses at once but expands to billions of values in whatever reads
 * it next: every document is walked once, without recursion, counting each value as often as aliases
 * repeat it, and refused by name beyond `MAX_YAML_VALUES` values or `MAX_NESTING` levels.
 */
import * as yaml from "js-yaml";
import { MAX_NESTING, isStackOverflow } from "./input";

/** Project and stack files are written by hand: larger than this is refused before it is parsed. */
export const MAX_YAML_FILE_BYTES = 16 * 1024 * 1024;

/** Values a YAML document may expand to, aliases counted as often as they are used. */
export const MAX_YAML_VALUES = 2_000_000;

/** Why a parsed value is too large or too deep to be read safely, or undefined when it is not. */
export function boundsProblem(value: unknown, maxValues = MAX_YAML_VALUES, maxDepth = MAX_NESTING): string | undefined {
    const stack: [unknown, number][] = [[value, 0]];
    let seen = 0;
    while (stack.length) {
        const [v, depth] = stack.pop()!;
        if (++seen > maxValues) return `holds more than ${maxValues} values, counting each use of an alias (an alias bomb?); not read`;
        if (depth > maxDepth) return `nested deeper than ${maxDepth} levels`;
        if (typeof v !== "object" || v === null) continue;
        for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
    }
    return undefined;
}

/** A syntax error's position and reason, as js-yaml gives them. */
export interface YamlSyntaxError {
    line?: number;
    column?: number;
    reason: string;
}

/** Thrown for text that is not valid YAML, or too large or deep to be read. */
export class YamlInputError extends Error {
    constructor(readonly problem: YamlSyntaxError, readonly syntax: boolean) {
        super(problem.reason);
    }
}

function parsed<T>(parse: () => T, check: (value: T) => string | undefined): T {
    let value: T;
    try {
        value = parse();
    } catch (e) {
        // js-yaml descends recursively: text nested deeper than the stack allows is too deep, not invalid.
        if (isStackOverflow(e)) throw new YamlInputError({ reason: `nested deeper than tagguard reads (more than ${MAX_NESTING} levels)` }, false);
        const mark = (e as { mark?: { line: number; column: number } }).mark;
        const reason = (e as { reason?: string }).reason ?? (e instanceof Error ? e.message.split("\n")[0] : String(e));
        throw new YamlInputError({ line: mark ? mark.line + 1 : undefined, column: mark ? mark.column + 1 : undefined, reason }, true);
    }
    const problem = check(value);
    if (problem) throw new YamlInputError({ reason: problem }, false);
    return value;
}

/** One YAML document, bounded. */
export function loadYaml(text: string, options: yaml.LoadOptions): unknown {
    return parsed(() => yaml.load(text, options), (v) => boundsProblem(v));
}

/** Every document of a YAML stream, bounded together. */
export function loadAllYaml(text: string, options: yaml.LoadOptions): unknown[] {
    return parsed(() => yaml.loadAll(text, undefined, options), (v) => boundsProblem(v));
}
