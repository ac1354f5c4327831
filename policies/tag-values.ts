/** Attribution tag values follow the vocabulary: enums, formats, allowed lists and cross-key rules. */
import { TagValuesConfigSchema } from "../tagset/config";
import { effectiveTags, knownValues, providerLabel, secretKeys, tagOrigin } from "../tagset/effective-tags";
import { visible } from "../tagset/text";
import { compileRules, tagValueProblems, type CompiledRules, type ValueRules } from "../tagset/rules";
import { quote, resourcePolicy, PASS, type CheckResult, type ResourceAndStackPolicy } from "./framework";

export const TAG_VALUES = "tag-values";

/** Rules are compiled once per distinct configuration (the config is the same for every resource). */
function rulesCache(): (rules: ValueRules) => CompiledRules {
    let last: ValueRules | undefined;
    let compiled: CompiledRules | undefined;
    return (rules) => {
        if (rules !== last || !compiled) {
            compiled = compileRules(rules);
            last = rules;
        }
        return compiled;
    };
}

function hasUnknownValue(values: ReadonlyMap<string, string | undefined>): boolean {
    let unknown = false;
    values.forEach((v) => {
        if (v === undefined) unknown = true;
    });
    return unknown;
}

export function tagValuesPolicy(): ResourceAndStackPolicy {
    const compiled = rulesCache();
    return resourcePolicy({
        name: TAG_VALUES,
        description: "Attribution tag values are valid: environment and lifecycle_phase from their lists, team, cost_center and project from the configured lists or patterns, expires_at a future date within the environment's horizon, and experiments carry experiment_id and expires_at.",
        enforcementLevel: "mandatory",
        remediationSteps: "Correct the named tag value in the provider's default tags or the resource's tags. Allowed lists and patterns are set in this policy's configuration.",
        configSchema: TagValuesConfigSchema,
        recheckInStack: true,
        check: ({ resource, entry, config, today }): CheckResult => {
            const { result } = effectiveTags(resource.props, entry, resource.provider);
            if (result.state !== "known") return { findings: [], conclusive: result.state !== "unknown" };
            const values = knownValues(result.tags);
            const secret = secretKeys(result.tags);
            const problems = tagValueProblems(values, compiled(config), today);
            const conclusive = !hasUnknownValue(values);
            if (!problems.length) return conclusive ? PASS : { findings: [], conclusive };
            const from = (key: string): string => {
                const origin = tagOrigin(key, resource.props, resource.provider);
                if (origin !== "provider") return "";
                const label = providerLabel(resource.provider);
                return label?.kind === "default" ? " (from the default provider's default tags, stack config `aws:defaultTags`)" : label ? ` (from provider \`${visible(label.name, { max: 64 })}\`'s \`defaultTags\`)` : " (from the provider's default tags)";
            };
            const lines = problems.map((p) => `\`${p.key}\`${p.value === undefined ? "" : ` ${quote(p.value, secret.has(p.key))}${from(p.key)}`} ${p.problem}.`);
            return { findings: [{ message: `Invalid attribution tag values: ${lines.join(" ")}` }], conclusive };
        },
    });
}
