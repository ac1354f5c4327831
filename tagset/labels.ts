/**
 * The label form of the tag set. On a shared EKS cluster a pod's share of its node is attributed by the
 * pod's labels, which AWS's split cost allocation data imports as cost allocation tags: the same keys as
 * the tags, with values that must also be valid Kubernetes label values. Kubernetes: label values are at
 * most 63 characters, alphanumeric at both ends, with only `-`, `_` and `.` inside (apimachinery's
 * `validation.IsValidLabelValue`). AWS: a label key `k` becomes the tag `user_` + `k` with every
 * non-alphanumeric character as `_`, and only the first 50 labels of a pod, in sorted order, are imported.
 */
import { parseIsoDay, tagValueProblems, type CompiledRules, type ValueProblem } from "./rules";
import { isAttributionKey, type AttributionTagKey } from "./vocabulary";

export const MAX_LABEL_LENGTH = 63;
/** AWS imports at most this many labels of a pod, the first in sorted order. */
export const MAX_IMPORTED_POD_LABELS = 50;

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
/** Prefixes Kubernetes keeps for its own components. */
const RESERVED_PREFIX = /(^|\.)(kubernetes\.io|k8s\.io)$/;

/** Why a string is not a valid label value, or undefined when it is one. */
export function labelValueSyntaxProblem(value: string): string | undefined {
    if (value.length > MAX_LABEL_LENGTH) return `is ${value.length} characters; a label value takes at most ${MAX_LABEL_LENGTH}`;
    if (LABEL_VALUE.test(value)) return undefined;
    return labelValueSyntaxDetail(value);
}

function labelValueSyntaxDetail(value: string): string {
    const bad = [...new Set(value.replace(/[-A-Za-z0-9_.]/g, ""))];
    if (bad.length) return `holds ${bad.slice(0, 5).map((c) => JSON.stringify(c)).join(", ")}, which a label value cannot; label values take letters, digits, "-", "_" and "." only`;
    return "must begin and end with a letter or a digit, as label values do";
}

/** A name with no prefix that is certainly valid: nearly every label key there is (`app`, `team`, `cost_center`). */
const PLAIN_NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Why a string is not a valid label key (`[prefix/]name`), or undefined when it is one. */
export function labelKeySyntaxProblem(key: string): string | undefined {
    if (PLAIN_NAME.test(key)) return undefined;
    const slash = key.lastIndexOf("/");
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    if (!name) return "has no name after its prefix";
    if (name.length > MAX_LABEL_LENGTH) return `has a name of ${name.length} characters; label names take at most ${MAX_LABEL_LENGTH}`;
    if (!LABEL_VALUE.test(name)) return "is not a valid label name (letters, digits, \"-\", \"_\", \".\", alphanumeric at both ends)";
    if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return "has a prefix that is not a DNS subdomain";
    if (prefix !== undefined && RESERVED_PREFIX.test(prefix)) return `uses the prefix "${prefix}/", which Kubernetes keeps for its own components`;
    return undefined;
}

/** The cost allocation tag AWS makes of a pod label in CUR 2.0: `user_` + the key with every non-alphanumeric character as `_`. */
export const costAllocationTagOf = (labelKey: string): string => `user_${labelKey.replace(/[^A-Za-z0-9]/g, "_")}`;

/** A label-safe form of a value, to suggest: characters a label cannot hold become `-`, cut to 63, alphanumeric at both ends. */
export function labelSafe(value: string): string {
    return value.replace(/[^-A-Za-z0-9_.]+/g, "-").slice(0, MAX_LABEL_LENGTH).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "").toLowerCase();
}

/** What is wrong with an attribution key's value as a label, in the label's terms; undefined when it is a valid label value. */
function labelFormProblem(key: AttributionTagKey, value: string): string | undefined {
    if (key === "created_by" && value.includes("@")) {
        const handle = labelSafe(value.slice(0, value.indexOf("@"))) || "jane.doe";
        return `is an e-mail address, which cannot be a label value ("@" is not allowed): use the person's handle, such as \`${handle}\`, or \`automation\``;
    }
    if (key === "expires_at" && parseIsoDay(value) !== undefined && value.length > 10) {
        return `must be a date only (YYYY-MM-DD) in a label: a time holds ":", which a label value cannot (use \`${value.slice(0, 10)}\`)`;
    }
    if (key === "model_id" && /[/:]/.test(value)) {
        return `holds "/" or ":", which a label value cannot: use a label-safe form such as \`${labelSafe(value)}\`, and put the full identifier in an annotation (AWS does not import annotations)`;
    }
    return labelValueSyntaxProblem(value);
}

/**
 * Every rule a pod's attribution labels break: the label form of each value first (a value that cannot be
 * a label is reported as such, not also against the vocabulary), then the vocabulary's value and
 * cross-key rules. `undefined` values are unknown at preview.
 */
export function labelValueProblems(labels: ReadonlyMap<string, string | undefined>, rules: CompiledRules, today: Date): ValueProblem[] {
    const problems: ValueProblem[] = [];
    const asLabels = new Set<string>();
    labels.forEach((value, key) => {
        if (value === undefined || value === "" || !isAttributionKey(key)) return;
        const problem = labelFormProblem(key, value);
        if (problem) {
            problems.push({ key, problem, value });
            asLabels.add(key);
        }
    });
    for (const p of tagValueProblems(labels, rules, today)) if (!asLabels.has(p.key) || p.value === undefined) problems.push(p);
    return problems;
}

/** Keys AWS keeps as they are (letters, digits, `_`): two of them never fold onto one tag. */
const UNFOLDED = /^[A-Za-z0-9_]*$/;

/** Labels that AWS folds onto the same cost allocation tag as an attribution key (`created-by` beside `created_by`). */
export function foldingCollisions(labelKeys: Iterable<string>): { tag: string; keys: string[] }[] {
    const keys = [...labelKeys];
    // Asked for every workload: a collision needs a key that AWS changes.
    if (keys.every((k) => UNFOLDED.test(k))) return [];
    const byTag = new Map<string, string[]>();
    for (const key of keys) {
        const tag = costAllocationTagOf(key);
        byTag.set(tag, [...(byTag.get(tag) ?? []), key]);
    }
    const attributionTags = new Set([...byTag.keys()].filter((tag) => (byTag.get(tag) ?? []).some(isAttributionKey)));
    return [...byTag].filter(([tag, keys]) => keys.length > 1 && attributionTags.has(tag)).map(([tag, keys]) => ({ tag, keys: [...keys].sort() }));
}

/**
 * The attribution keys AWS would not import: those after the 50th label of the pod in sorted order,
 * counting the labels its controller adds at run time. Each with its place in the order.
 */
export function keysBeyondImportLimit(labelKeys: ReadonlySet<string> | ReadonlyMap<string, unknown>, controllerLabels: readonly string[]): { key: string; position: number }[] {
    // Asked for every workload: nearly none has 50 labels.
    if (labelKeys.size + controllerLabels.length <= MAX_IMPORTED_POD_LABELS) return [];
    const sorted = [...new Set([...labelKeys.keys(), ...controllerLabels])].sort();
    if (sorted.length <= MAX_IMPORTED_POD_LABELS) return [];
    return sorted.map((key, i) => ({ key, position: i + 1 })).filter(({ key, position }) => position > MAX_IMPORTED_POD_LABELS && isAttributionKey(key));
}
