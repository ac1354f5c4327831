/** Every taggable resource in scope carries every required attribution key with a non-empty value. */
import { RequiredTagsConfigSchema } from "../tagset/config";
import { effectiveTags, hiddenKeys, providerLabel, providerTagConfig, type EffectiveTags, type ProviderView } from "../tagset/effective-tags";
import { visible } from "../tagset/text";
import type { TagMap } from "../tagset/shapes";
import { isCloudControlType } from "../tagset/registry";
import { NO_STRINGS } from "../tagset/values";
import { REQUIRED_TAG_KEYS, intendedKey } from "../tagset/vocabulary";
import { advisory, keyList, keyName, resourcePolicy, type CheckResult, type Finding, type ResourceAndStackPolicy } from "./framework";

export const REQUIRED_TAGS = "required-tags";

/**
 * The fix for resources of the default provider (stack config), naming the keys to set. Tools print each
 * distinct one once per run, under `How to fix`.
 */
export function howToFix(keys: readonly string[], namespace: ProviderNamespace = "aws"): string {
    const listed = keys.length ? keys : REQUIRED_TAG_KEYS;
    return `Set ${listed.length === 1 ? "it" : "them"} once for every resource of the default provider in the stack file (\`${namespace}:defaultTags: {tags: {${listed.map((k) => `${k}: ...`).join(", ")}}}\` under \`config:\` in Pulumi.<stack>.yaml, ` +
        `or \`pulumi config set --path '${namespace}:defaultTags.tags.${listed[0]}' <value>\` for each), on the resource's \`tags\`, or build the resource with tagguard's components.`;
}

/** The provider packages whose default tags tagguard reads: their stack config namespaces. */
export type ProviderNamespace = "aws" | "aws-native";

/** A `howToFix` text inside a message (either provider's); its first group lists the keys it names. */
export const HOW_TO_FIX_PATTERN = /Set (?:it|them) once for every resource of the default provider in the stack file \(`(?:aws|aws-native):defaultTags: \{tags: \{((?:[a-z_]+: \.\.\.(?:, )?)+)\}\}` under `config:` in Pulumi\.<stack>\.yaml, or `pulumi config set --path '(?:aws|aws-native):defaultTags\.tags\.[a-z_]+' <value>` for each\), on the resource's `tags`, or build the resource with tagguard's components\./;

/** The keys a `howToFix` text names (its pattern's first group). */
export const keysOfFix = (listed: string): string[] => [...listed.matchAll(/([a-z_]+): \.\.\./g)].map((m) => m[1]);

/** Which provider's default tags were looked at, and the fix that fits it. */
function providerAdvice(eff: EffectiveTags, provider: ProviderView | undefined, missing: readonly string[], namespace: ProviderNamespace): string {
    const label = providerLabel(provider);
    const config = providerTagConfig(provider).defaults;
    const some = config.state === "known" && config.tags.size > 0;
    if (eff.shape === "asg-list") return "Autoscaling groups never receive provider default tags: list every key in `tags` with `propagateAtLaunch: true`.";
    const name = namespace === "aws" ? "AWS" : "aws-native";
    if (label?.kind === "explicit") {
        return `It uses provider \`${visible(label.name, { max: 64 })}\`, whose \`defaultTags\` ${some ? "do not set them" : "set none"} (the default tags of other providers do not reach its resources): ` +
            `add ${missing.length === 1 ? "it" : "them"} to that provider's \`defaultTags: {tags: {...}}\`, or set ${missing.length === 1 ? "it" : "them"} on the resource's \`tags\`.`;
    }
    if (label?.kind === "default") return `${some ? `The default ${name} provider's default tags (stack config \`${namespace}:defaultTags\`) do not set them.` : `The default ${name} provider sets no default tags (stack config \`${namespace}:defaultTags\`).`} ${howToFix(missing, namespace)}`;
    return howToFix(missing, namespace);
}

/** The stack config namespace of a resource's provider package: `aws-native` for Cloud Control types. */
export const namespaceOf = (type: string): ProviderNamespace => (isCloudControlType(type) ? "aws-native" : "aws");

const MALFORMED: Readonly<Record<EffectiveTags["shape"], string>> = {
    "asg-list": "autoscaling groups take a list of `{ key, value, propagateAtLaunch }`",
    "kv-list": "this Cloud Control type takes a list of `{ key, value }`",
    map: "it must be a map of strings",
};

export interface RequiredKeyStatus {
    missing: readonly string[];
    /** Present, but not known until update. */
    unknown: readonly string[];
    /** Not in the resource's own tags while the provider's default tags are unknown. */
    maybeFromDefaults: readonly string[];
    /** Present with a value that is not a string. */
    notStrings: readonly string[];
    /** `Team` -> `team`: keys spelled almost like a missing one. */
    nearMisses: readonly (readonly [found: string, meant: string])[];
}

/** Each list of the status comes out sorted. */
const SORTED_REQUIRED_KEYS: readonly string[] = [...REQUIRED_TAG_KEYS].sort();

/** How the required keys stand in a set of known tags (each list sorted). */
export function requiredKeyStatus(tags: TagMap, defaultsUnknown: boolean): RequiredKeyStatus {
    // Asked twice for every resource, and nearly every list is empty: lists are made when a key goes in one.
    let missing: string[] | undefined;
    let unknown: string[] | undefined;
    let maybeFromDefaults: string[] | undefined;
    let notStrings: string[] | undefined;
    for (let i = 0; i < SORTED_REQUIRED_KEYS.length; i++) {
        const key = SORTED_REQUIRED_KEYS[i];
        const v = tags.get(key);
        if (v?.state === "unknown") (unknown ??= []).push(key);
        else if (v?.state === "invalid") (notStrings ??= []).push(key);
        else if (v?.state === "known" && v.value.trim() !== "") continue;
        else if (defaultsUnknown && !v) (maybeFromDefaults ??= []).push(key);
        else (missing ??= []).push(key);
    }
    // A near miss is a found key spelled almost like a missing one: nothing to look for when none is missing.
    let nearMisses: [found: string, meant: string][] | undefined;
    if (missing) {
        const lacking = missing;
        tags.forEach((_, found) => {
            const meant = intendedKey(found);
            if (meant && lacking.includes(meant)) (nearMisses ??= []).push([found, meant]);
        });
        if (nearMisses && nearMisses.length > 1) nearMisses.sort(([a], [b]) => a.localeCompare(b));
    }
    return { missing: missing ?? NO_STRINGS, unknown: unknown ?? NO_STRINGS, maybeFromDefaults: maybeFromDefaults ?? NO_STRINGS, notStrings: notStrings ?? NO_STRINGS, nearMisses: nearMisses ?? NO_NEAR_MISSES };
}

const NO_NEAR_MISSES: RequiredKeyStatus["nearMisses"] = Object.freeze([]);

/** The findings for a resource's effective tags; shared with the audit. */
export function requiredTagFindings(eff: EffectiveTags, provider?: ProviderView, namespace: ProviderNamespace = "aws"): CheckResult {
    const { result } = eff;
    if (result.state === "unknown") {
        return {
            findings: [advisory("`tags` cannot be known during preview (it depends on another resource's output), so required tags are verified from the resource's outputs at update.")],
            conclusive: false,
        };
    }
    if (result.state === "malformed") {
        return { findings: [{ message: `\`tags\` is a ${result.found}, but ${MALFORMED[eff.shape]}.` }], conclusive: true };
    }
    const tags = result.state === "known" ? result.tags : new Map();
    const status = requiredKeyStatus(tags, eff.defaultsUnknown);
    const findings: Finding[] = [];
    if (status.missing.length || status.notStrings.length) {
        const parts: string[] = [];
        if (status.missing.length) parts.push(`Missing required tags: ${keyList(status.missing)} (looked at ${eff.source}).`);
        if (status.notStrings.length) parts.push(`Not strings: ${keyList(status.notStrings)}.`);
        if (status.nearMisses.length) {
            const hidden = hiddenKeys(tags);
            parts.push(`Found ${status.nearMisses.map(([found, meant]) => `${keyName(found, hidden)} (did you mean \`${meant}\`?)`).join(", ")}: keys are case-sensitive, and cost reports split them.`);
        }
        parts.push(providerAdvice(eff, provider, [...status.missing, ...status.notStrings].sort(), namespace));
        findings.push({ message: parts.join(" ") });
    }
    if (status.unknown.length) findings.push(advisory(`Values of ${keyList(status.unknown)} are unknown during preview; they count as present and are verified at update.`));
    if (status.maybeFromDefaults.length) {
        findings.push(advisory(`${keyList(status.maybeFromDefaults)} are not in \`tags\`; the provider's default tags are unknown during preview, so they are verified at update.`));
    }
    return { findings, conclusive: status.unknown.length === 0 && status.maybeFromDefaults.length === 0 };
}

export function requiredTagsPolicy(): ResourceAndStackPolicy {
    return resourcePolicy({
        name: REQUIRED_TAGS,
        description: "Every taggable EC2, EBS, S3, EKS, SageMaker and MSK resource carries the attribution tags team, cost_center, project, model_id, environment, lifecycle_phase, created_by and managed_by.",
        enforcementLevel: "mandatory",
        remediationSteps: howToFix(REQUIRED_TAG_KEYS),
        configSchema: RequiredTagsConfigSchema,
        recheckInStack: true,
        check: ({ resource, entry }) => requiredTagFindings(effectiveTags(resource.props, entry, resource.provider), resource.provider, namespaceOf(resource.type)),
    });
}
