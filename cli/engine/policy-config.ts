/**
 * Policy pack configuration as the Pulumi engine handles it (`pkg/resource/analyzer/config.go`): parse
 * the `--policy-pack-config` file, start from each policy's level and top-level schema defaults, apply
 * the pack's initial config, then the `all` level, then per-policy values; validate each policy's
 * properties against its JSON Schema (draft-07) and refuse the run before any resource is analyzed.
 */
import Ajv from "ajv";
import addFormats from "ajv-formats";
import type { z } from "zod";
import { configProblems } from "../../tagset/config";
import { shownValue, visible } from "../../tagset/text";
import { UsageError, parseJsonText, readTextFile, shownPath } from "../input";
import type { AnalyzerInfo, EnforcementLevelName, PolicyConfigEntry } from "./analyzer-client";

const LEVELS: readonly EnforcementLevelName[] = ["advisory", "mandatory", "remediate", "disabled"];

export type GivenPolicyConfig = Record<string, { enforcementLevel?: EnforcementLevelName; properties?: Record<string, unknown> }>;

/** Invalid pack configuration: exit 2 before anything is analyzed, one line per problem. */
export class PolicyConfigError extends Error {
    constructor(readonly problems: string[], where: string) {
        super(`invalid policy pack configuration${where ? ` in ${shownPath(where)}` : ""}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
}

const isLevel = (v: unknown): v is EnforcementLevelName => typeof v === "string" && (LEVELS as readonly string[]).includes(v);

/** Parses the JSON text of a policy pack config file: each key maps to a level or to an object. */
export function parsePolicyPackConfig(text: string, where = ""): GivenPolicyConfig {
    if (!text.trim()) return {};
    let json: unknown;
    try {
        json = parseJsonText(text, where || "policy pack config", "a policy pack config object");
    } catch (e) {
        throw new PolicyConfigError([e instanceof Error ? e.message.replace(/^.*?: /, "") : String(e)], where);
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new PolicyConfigError(["the top level must be an object of policy names"], where);
    const result: GivenPolicyConfig = {};
    const problems: string[] = [];
    for (const [policy, value] of Object.entries(json)) {
        if (typeof value === "string") {
            if (isLevel(value)) result[policy] = { enforcementLevel: value };
            else problems.push(`${shownValue(policy)}: ${shownValue(value)} is not an enforcement level (${LEVELS.join(", ")})`);
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
                problems.push(`${shownValue(policy)}.enforcementLevel: must be one of ${LEVELS.join(", ")}`);
                continue;
            }
            result[policy] = { enforcementLevel, properties: Object.keys(properties).length ? properties : undefined };
        } else {
            problems.push(`${shownValue(policy)}: must be an enforcement level or an object`);
        }
    }
    if (problems.length) throw new PolicyConfigError(problems, where);
    return result;
}

/** Reads a `--policy-pack-config` file; no option, no config. An empty path (an unset CI variable) is an error, not "no config". */
export function readPolicyPackConfigFile(file: string | undefined): GivenPolicyConfig {
    if (file === undefined) return {};
    if (!file.trim()) throw new UsageError("--policy-pack-config: empty path (an unset variable?); leave the option out for no config");
    const text = readTextFile(file, "policy pack config");
    // The engine refuses an empty file too (it is not JSON); an empty config is `{}`.
    if (!text.trim()) throw new UsageError(`--policy-pack-config ${shownPath(file)}: empty file; expected a policy pack config object (\`{}\` for none)`);
    return parsePolicyPackConfig(text, file);
}

function apply(result: Record<string, PolicyConfigEntry>, given: GivenPolicyConfig): void {
    const all = given.all?.enforcementLevel;
    if (all) for (const entry of Object.values(result)) entry.enforcementLevel = all;
    for (const [policy, g] of Object.entries(given)) {
        if (policy === "all") continue;
        const entry = result[policy] ?? { enforcementLevel: "advisory", properties: {} };
        if (g.enforcementLevel) entry.enforcementLevel = g.enforcementLevel;
        Object.assign(entry.properties, g.properties ?? {});
        result[policy] = entry;
    }
}

export interface ReconciledConfig {
    config: Record<string, PolicyConfigEntry>;
    /** Keys naming no policy of the pack: the engine passes them on and ignores them; tagguard says so. */
    warnings: string[];
}

/**
 * The config the engine sends with Configure; throws the validation errors that stop the run. With the
 * pack's own config schemas (`packSchemas`, by policy name), config is also checked as the pack parses it.
 */
export function reconcilePolicyPackConfig(info: AnalyzerInfo, given: GivenPolicyConfig, where = "", packSchemas?: ReadonlyMap<string, z.ZodObject>, engineSchemaCheck = true): ReconciledConfig {
    const result: Record<string, PolicyConfigEntry> = {};
    for (const p of info.policies) {
        const properties: Record<string, unknown> = {};
        for (const [k, schema] of Object.entries(p.configSchema?.properties ?? {})) {
            if (typeof schema === "object" && schema !== null && "default" in schema) properties[k] = (schema as { default: unknown }).default;
        }
        result[p.name] = { enforcementLevel: p.enforcementLevel, properties };
    }
    apply(result, info.initialConfig);
    apply(result, given);
    const unknownPolicies = Object.keys(given).filter((k) => k !== "all" && !info.policies.some((p) => p.name === k));
    const warnings = unknownPolicies.map((k) => `${shownValue(k)}: no such policy in pack ${info.name} (policies: ${info.policies.map((p) => p.name).join(", ")}); ignored`);
    // The engine takes only the level from `all`; settings put there would otherwise vanish without a word.
    const allSettings = Object.keys(given.all?.properties ?? {});
    if (allSettings.length) warnings.push(`"all": only its enforcementLevel applies to every policy; ${allSettings.map((k) => shownValue(k)).join(", ")} ignored (set ${allSettings.length === 1 ? "it" : "them"} under each policy's name)`);
    const problems: string[] = [];
    // gojsonschema, the engine's validator, checks formats such as `date`.
    let engineValidator: Ajv | undefined;
    const ajv = (): Ajv => (engineValidator ??= addFormats(new Ajv({ allErrors: true, strict: false })));
    for (const p of info.policies) {
        // The pack's own schema says more (did-you-mean, RE2 patterns, known types); the engine's JSON
        // Schema check still stands where the pack's schema would accept what the engine refuses.
        const parsed = packSchemas?.get(p.name)?.safeParse(result[p.name].properties);
        if (parsed && !parsed.success) {
            problems.push(...configProblems(parsed.error).map((l) => `${p.name}: ${l}`));
            continue;
        }
        // Without an engine (in-process analysis) the pack's own schemas are the whole check.
        if (!p.configSchema || (!engineSchemaCheck && parsed)) continue;
        const validate = ajv().compile({ type: "object", properties: p.configSchema.properties, ...(p.configSchema.required.length ? { required: p.configSchema.required } : {}) });
        if (!validate(result[p.name].properties)) {
            const errors = validate.errors ?? [];
            for (const e of errors) {
                // An unmet anyOf of `required` alternatives is one problem: "needs one of ...".
                if (e.schemaPath.includes("/anyOf/")) continue;
                const where = e.instancePath ? visible(e.instancePath.slice(1).replace(/\//g, "."), { max: 120 }) : "(root)";
                const alternatives = e.keyword === "anyOf"
                    ? errors.filter((x) => x.instancePath === e.instancePath && x.schemaPath.startsWith(`${e.schemaPath}/`) && x.keyword === "required").map((x) => `\`${String(x.params.missingProperty)}\``)
                    : [];
                problems.push(`${p.name}: ${where}: ${alternatives.length ? `needs at least one of ${alternatives.join(", ")}` : e.message ?? "invalid"}`);
            }
        }
    }
    if (problems.length) throw new PolicyConfigError(problems, where);
    return { config: result, warnings };
}

/**
 * The config of tools that apply tagguard's policies without a pack process (`audit`, `plan`): each
 * policy's properties parsed with its own schema, defaults filled in. Invalid config throws every
 * problem at once; keys naming no policy are warnings, as the engine ignores them.
 */
export function packConfigFor(given: GivenPolicyConfig, schemas: ReadonlyMap<string, z.ZodObject>, where = ""): { config: Map<string, Record<string, unknown>>; warnings: string[] } {
    const problems: string[] = [];
    const config = new Map<string, Record<string, unknown>>();
    for (const [policy, schema] of schemas) {
        const parsed = schema.safeParse(given[policy]?.properties ?? {});
        if (parsed.success) config.set(policy, parsed.data as Record<string, unknown>);
        else problems.push(...configProblems(parsed.error).map((l) => `${policy}: ${l}`));
    }
    if (problems.length) throw new PolicyConfigError(problems, where);
    const warnings = Object.keys(given).filter((k) => k !== "all" && !schemas.has(k)).map((k) => `${shownValue(k)}: no such policy in tagguard's pack (policies: ${[...schemas.keys()].join(", ")}); ignored`);
    return { config, warnings };
}
