/**
 * The value rules of the attribution tag set: enums, formats, allowed lists and the rules that tie keys
 * together. The rules are configurable (`ValueRulesSchema`); checks are plain functions so the pack can
 * run them on hundreds of thousands of resources per second, and `tagSetSchema` wraps the same
 * functions in a zod schema for code that builds a tag set (the components).
 */
import { RE2JS } from "re2js";
import { z } from "zod";
import { shownValue, visible } from "./text";
import { ENVIRONMENTS, LIFECYCLE_PHASES, REQUIRED_TAG_KEYS, type AttributionTagKey, type AttributionTagSet } from "./vocabulary";

/** Lower-case kebab or snake identifier: `fraud-detection`, `cc_1042`, `shared`. Patterns match the whole value. */
export const IDENTIFIER_PATTERN = "[a-z0-9]+(?:[-_][a-z0-9]+)*";
/** A lower-case identifier, `first.last`, or an e-mail address. */
export const PERSON_PATTERN = "[a-z0-9]+(?:[-_.][a-z0-9]+)*|[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}";
const DEFAULT_PATTERN_TEXT: Readonly<Record<string, string>> = {
    [IDENTIFIER_PATTERN]: "be a lower-case kebab or snake identifier (like fraud-detection)",
    [PERSON_PATTERN]: "name a person (jane.doe, an e-mail address) or automation",
};
/** `YYYY-MM-DD`, optionally followed by an ISO 8601 time and zone. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const DAY_MS = 86_400_000;

/**
 * A configured pattern, matched against the whole value by RE2 (re2js): linear time whatever the
 * pattern, so a pattern such as `(a+)+b` cannot hang a preview. RE2 syntax has no lookaround and no
 * backreferences.
 */
function compileUserPattern(source: string): (value: string) => boolean {
    const re = RE2JS.compile(`^(?:${source})$`);
    return (value) => re.matches(value);
}

/** Why RE2 refuses a pattern, or undefined when it compiles. */
export function patternError(source: string): string | undefined {
    try {
        compileUserPattern(source);
        return undefined;
    } catch (e) {
        const reason = e instanceof Error ? e.message.replace(/^error parsing regexp: /, "") : String(e);
        return `not a valid pattern (${visible(reason, { max: 120 })}); patterns use RE2 syntax (no lookaround, no backreferences)`;
    }
}

const regexString = z.string().min(1).superRefine((s, ctx) => {
    const error = patternError(s);
    if (error) ctx.addIssue({ code: "custom", message: error });
});

const allowedList = z.array(z.string().min(1)).min(1);

export const LISTED_KEYS = ["team", "cost_center", "project"] as const;
export const PATTERN_KEYS = ["team", "cost_center", "project", "model_id", "created_by", "managed_by", "experiment_id"] as const;
type ListedKey = (typeof LISTED_KEYS)[number];
type PatternKey = (typeof PATTERN_KEYS)[number];

export const DEFAULT_PATTERNS: Readonly<Record<PatternKey, string>> = {
    team: IDENTIFIER_PATTERN,
    cost_center: IDENTIFIER_PATTERN,
    project: IDENTIFIER_PATTERN,
    model_id: IDENTIFIER_PATTERN,
    created_by: PERSON_PATTERN,
    managed_by: IDENTIFIER_PATTERN,
    experiment_id: IDENTIFIER_PATTERN,
};

export const DEFAULT_EXPIRY_HORIZON_DAYS = { experiment: 30, development: 90 } as const;

export const ValueRulesSchema = z.object({
    allowedValues: z.object({
        team: allowedList.optional().describe("Allowed `team` values."),
        cost_center: allowedList.optional().describe("Allowed `cost_center` values."),
        project: allowedList.optional().describe("Allowed `project` values."),
    }).strict().default({}).describe("Allowed values of `team`, `cost_center` and `project`. A key without a list is checked against its pattern."),
    patterns: z.object({
        team: regexString.optional().describe("Pattern of `team`."),
        cost_center: regexString.optional().describe("Pattern of `cost_center`."),
        project: regexString.optional().describe("Pattern of `project`."),
        model_id: regexString.optional().describe("Pattern of `model_id`; keep `shared` matching it, platform resources use it."),
        created_by: regexString.optional().describe("Pattern of `created_by`."),
        managed_by: regexString.optional().describe("Pattern of `managed_by`."),
        experiment_id: regexString.optional().describe("Pattern of `experiment_id`."),
    }).strict().default({}).describe("Regular expressions (whole value) for keys without an allowed list. Defaults: lower-case kebab/snake identifiers; `created_by` also accepts `first.last` and e-mail addresses."),
    expiryHorizonDays: z.object({
        production: z.int().positive().optional().describe("Horizon for production (none by default)."),
        staging: z.int().positive().optional().describe("Horizon for staging (none by default)."),
        development: z.int().positive().optional().describe("Horizon for development."),
        experiment: z.int().positive().optional().describe("Horizon for experiments."),
    }).strict().default(DEFAULT_EXPIRY_HORIZON_DAYS).describe("Per environment, how many days ahead `expires_at` may lie. An environment without a horizon accepts any future date."),
}).strict();

export type ValueRules = z.infer<typeof ValueRulesSchema>;

export interface ValueProblem {
    key: AttributionTagKey;
    /** What is wrong, without the value itself. */
    problem: string;
    /** The offending value, for a message to quote when it is safe to. */
    value?: string;
}

/** Compiled form of the rules, built once per configuration. */
export interface CompiledRules {
    allowed: Partial<Record<ListedKey, ReadonlySet<string>>>;
    patterns: Record<PatternKey, { test: (value: string) => boolean; text: string }>;
    horizonDays: ValueRules["expiryHorizonDays"];
}

export function compileRules(rules: ValueRules): CompiledRules {
    const allowed: CompiledRules["allowed"] = {};
    for (const key of LISTED_KEYS) {
        const list = rules.allowedValues[key];
        if (list) allowed[key] = new Set(list);
    }
    const patterns = {} as CompiledRules["patterns"];
    for (const key of PATTERN_KEYS) {
        const configured = rules.patterns[key];
        if (configured === undefined) {
            // The built-in patterns are linear in V8's engine as written, and ~25x faster there than in RE2.
            const native = new RegExp(`^(?:${DEFAULT_PATTERNS[key]})$`, "u");
            patterns[key] = { test: (value) => native.test(value), text: DEFAULT_PATTERN_TEXT[DEFAULT_PATTERNS[key]] };
        } else {
            patterns[key] = { test: compileUserPattern(configured), text: DEFAULT_PATTERN_TEXT[configured] ?? `match ${visible(configured, { max: 120 })}` };
        }
    }
    return { allowed, patterns, horizonDays: rules.expiryHorizonDays };
}

export const DEFAULT_RULES: CompiledRules = compileRules(ValueRulesSchema.parse({}));

/** The UTC day of an ISO 8601 date or timestamp, or undefined when it is not a real calendar date. */
export function parseIsoDay(value: string): number | undefined {
    const m = ISO_DATE.exec(value);
    if (!m) return undefined;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const t = Date.UTC(year, month - 1, day);
    const d = new Date(t);
    if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
    return t / DAY_MS;
}

export const utcDay = (date: Date): number => Math.floor(date.getTime() / DAY_MS);

export const formatDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** What is wrong with one key's value on its own (cross-key rules aside), if anything. */
export function valueProblem(key: AttributionTagKey, value: string, rules: CompiledRules = DEFAULT_RULES): string | undefined {
    switch (key) {
        case "environment":
            return (ENVIRONMENTS as readonly string[]).includes(value) ? undefined : `must be one of ${ENVIRONMENTS.join(", ")}`;
        case "lifecycle_phase":
            return (LIFECYCLE_PHASES as readonly string[]).includes(value) ? undefined : `must be one of ${LIFECYCLE_PHASES.join(", ")}`;
        case "expires_at":
            return parseIsoDay(value) === undefined ? "must be an ISO 8601 date (YYYY-MM-DD)" : undefined;
        default: {
            const list = rules.allowed[key as ListedKey];
            if (list) return list.has(value) ? undefined : `must be one of ${[...list].join(", ")}`;
            const pattern = rules.patterns[key as PatternKey];
            return pattern.test(value) ? undefined : `must ${pattern.text}`;
        }
    }
}

/** The keys whose values have rules of their own. */
const JUDGED_KEYS: readonly AttributionTagKey[] = [...REQUIRED_TAG_KEYS, "expires_at", "experiment_id"];

/**
 * Every rule a set of tags breaks. `undefined` marks a key whose value is not known yet (preview):
 * it counts as present for the cross-key rules and its own value is not judged.
 */
export function tagValueProblems(tags: ReadonlyMap<string, string | undefined>, rules: CompiledRules, today: Date): ValueProblem[] {
    const problems: ValueProblem[] = [];
    for (let k = 0; k < JUDGED_KEYS.length; k++) {
        const key = JUDGED_KEYS[k];
        const value = tags.get(key);
        if (value === undefined || value === "") continue; // absent, empty and unknown are the required-tags policy's business
        const problem = valueProblem(key, value, rules);
        if (problem) problems.push({ key, problem, value });
    }
    const environment = tags.get("environment");
    if (environment === "experiment") {
        for (const key of ["experiment_id", "expires_at"] as const) {
            if (!tags.has(key) || tags.get(key) === "") problems.push({ key, problem: "is required when `environment` is experiment" });
        }
    }
    const expires = tags.get("expires_at");
    const expiresDay = expires === undefined ? undefined : parseIsoDay(expires);
    if (expires !== undefined && expiresDay !== undefined) {
        const todayDay = utcDay(today);
        if (expiresDay < todayDay) {
            problems.push({ key: "expires_at", problem: `is in the past (today is ${formatDay(todayDay)}): extend it or delete the resource`, value: expires });
        } else if (environment !== undefined) {
            const horizon = rules.horizonDays[environment as keyof CompiledRules["horizonDays"]];
            if (horizon !== undefined && expiresDay > todayDay + horizon) {
                problems.push({ key: "expires_at", problem: `lies more than ${horizon} days ahead, the horizon for ${environment} (latest ${formatDay(todayDay + horizon)})`, value: expires });
            }
        }
    }
    return problems;
}

const tagValue = z.string().min(1);

/**
 * The tag set as a zod schema, for code that builds one (the components): the required keys, the
 * optional ones, and every value rule above.
 */
export function tagSetSchema(rules: CompiledRules = DEFAULT_RULES, today: () => Date = () => new Date()): z.ZodType<AttributionTagSet> {
    return z.object({
        team: tagValue,
        cost_center: tagValue,
        project: tagValue,
        model_id: tagValue,
        environment: z.enum(ENVIRONMENTS, { error: (iss) => `${shownValue(iss.input)} must be one of ${ENVIRONMENTS.join(", ")}` }),
        lifecycle_phase: z.enum(LIFECYCLE_PHASES, { error: (iss) => `${shownValue(iss.input)} must be one of ${LIFECYCLE_PHASES.join(", ")}` }),
        created_by: tagValue,
        managed_by: tagValue,
        expires_at: tagValue.optional(),
        experiment_id: tagValue.optional(),
    }).superRefine((tags, ctx) => {
        const map = new Map(Object.entries(tags).filter((e): e is [string, string] => e[1] !== undefined));
        for (const p of tagValueProblems(map, rules, today())) {
            ctx.addIssue({ code: "custom", path: [p.key], message: `\`${p.key}\` ${p.value === undefined ? "" : `${shownValue(p.value)} `}${p.problem}` });
        }
    });
}
