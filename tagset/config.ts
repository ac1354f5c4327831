/**
 * The policy pack's configuration: one zod schema per policy, built from shared parts. The JSON Schema
 * each policy sends the engine is generated from these (`toPolicyConfigSchema`), and each policy parses
 * its config with the same schema at run time.
 */
import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";
import { globMatches } from "./exemptions";
import { KUBERNETES_MODULE, SYSTEM_NAMESPACES } from "./kubernetes";
import { S3_OBJECT_TYPES } from "./limits";
import { KNOWN_MODULES, KNOWN_TYPES, entryOf } from "./registry";
import type { RegistryEntry } from "./registry-types";
import { ValueRulesSchema } from "./rules";
import { shownValue, visible } from "./text";
import { ENVIRONMENTS } from "./vocabulary";

/**
 * The services of the mission: EC2 (with EBS, billed as "EC2 - Other"), S3, EKS, SageMaker, MSK, and the
 * Kubernetes workloads and node pools that spend EKS's compute.
 */
export const DEFAULT_SERVICES = ["ec2", "ebs", "s3", "eks", "sagemaker", "msk", KUBERNETES_MODULE] as const;
/** Types outside those modules that carry EC2 cost: autoscaling groups and AWS Batch compute environments launch instances (both providers). */
export const DEFAULT_INCLUDED_TYPES = [
    "aws:autoscaling/group:Group", "aws:batch/computeEnvironment:ComputeEnvironment",
    "aws-native:autoscaling:AutoScalingGroup", "aws-native:batch:ComputeEnvironment",
] as const;
/**
 * Types inside those modules that carry no cost of their own: S3 objects. S3 bills storage and requests
 * per bucket, so object tags attribute nothing, while they count against an object's 10 tags and are
 * billed per tag.
 */
export const DEFAULT_EXCLUDED_TYPES: readonly string[] = S3_OBJECT_TYPES;


/** ` (did you mean "s3"?)` when a known name is close to the given one. */
function didYouMean(given: string, known: readonly string[]): string {
    if (!given || given.length > 200) return "";
    const near = closest(given, known as string[]);
    return distance(given, near) <= Math.max(2, Math.floor(given.length / 3)) ? ` (did you mean "${near}"?)` : "";
}

/** `"s4" is not ...(did you mean "s3"?)`. */
const unknownName = (input: unknown, what: string, known: readonly string[]): string =>
    `${shownValue(input)} ${what}${typeof input === "string" ? didYouMean(input, known) : ""}`;

const isoDay = z.iso.date({ error: "not a calendar date as YYYY-MM-DD" });

const nonBlank = z.string().min(1).refine((s) => s.trim() !== "", { error: "must not be blank" });

const typeToken = nonBlank.refine((t) => entryOf(t) !== undefined, {
    error: (iss) => unknownName(iss.input, "is not a resource type tagguard knows", KNOWN_TYPES),
});

export const ExemptionSchema = z.object({
    urn: nonBlank.optional().describe("URN of the exempt resource; `*` matches any run of characters."),
    name: nonBlank.optional().describe("Resource name pattern; `*` matches any run of characters."),
    type: nonBlank.refine((t) => KNOWN_TYPES.some((k) => globMatches(t, k)), {
        error: (iss) => unknownName(iss.input, "matches no resource type tagguard knows", KNOWN_TYPES),
    }).optional().describe("Type token pattern, such as `aws:ec2/instance:Instance` or `aws:sagemaker/*`."),
    reason: z.string().min(10).describe("Why the resource is exempt: shown in every report of the exemption."),
    expires: isoDay.describe("Last day (YYYY-MM-DD) on which the exemption applies; after it the resource is checked again."),
}).strict().refine((e) => e.urn !== undefined || e.name !== undefined || e.type !== undefined, { error: "an exemption needs at least one of `urn`, `name`, `type`" });

export type Exemption = z.infer<typeof ExemptionSchema>;

const scopeShape = {
    services: z.array(z.enum(KNOWN_MODULES as [string, ...string[]], {
        error: (iss) => unknownName(iss.input, "is not a provider module tagguard knows", KNOWN_MODULES),
    })).default([...DEFAULT_SERVICES]).describe("Provider modules whose taggable types are checked (the middle of `aws:<module>/<name>:<Type>`; `kubernetes` for Kubernetes workloads and node pools)."),
    includeTypes: z.array(typeToken).default([...DEFAULT_INCLUDED_TYPES]).describe("Further type tokens to check."),
    excludeTypes: z.array(typeToken).default([...DEFAULT_EXCLUDED_TYPES]).describe("Type tokens never checked. S3 objects are excluded by default (their tags attribute no cost: S3 bills per bucket); set `excludeTypes` without them, such as `[]`, to check them."),
    exemptions: z.array(ExemptionSchema).default([]).describe("Resources this policy skips, each with a reason and an expiry date."),
};

/** A type both included and excluded is a contradiction, not a silent exclusion: the default exclusions name how to lift them. */
function noTypeBothIncludedAndExcluded(scope: { includeTypes: readonly string[]; excludeTypes: readonly string[] }, ctx: z.RefinementCtx): void {
    scope.includeTypes.forEach((type, i) => {
        if (!scope.excludeTypes.includes(type)) return;
        const byDefault = DEFAULT_EXCLUDED_TYPES.includes(type);
        ctx.addIssue({
            code: "custom", path: ["includeTypes", i],
            message: `${shownValue(type)} is also in excludeTypes${byDefault ? " (S3 objects are excluded by default): to check it, set `excludeTypes` without it, such as `[]`" : "; list it in one of the two"}`,
        });
    });
}

export const ScopeConfigSchema = z.object(scopeShape).strict().superRefine(noTypeBothIncludedAndExcluded);
export type ScopeConfig = z.infer<typeof ScopeConfigSchema>;

export const RequiredTagsConfigSchema = ScopeConfigSchema;
export const TagValuesConfigSchema = z.object({ ...scopeShape, ...ValueRulesSchema.shape }).strict().superRefine(noTypeBothIncludedAndExcluded);
export const TagLimitsConfigSchema = ScopeConfigSchema;

const namespacePattern = nonBlank.describe("A namespace; `*` matches any run of characters.");
const namespacesOption = z.object({
    exclude: z.array(namespacePattern).default([...SYSTEM_NAMESPACES]).describe("Namespaces whose workloads are not checked; by default the cluster's own (`kube-system`, `kube-public`, `kube-node-lease`). `*` matches any run of characters."),
    include: z.array(namespacePattern).optional().describe("When given, only workloads in these namespaces are checked (exclusions still apply). `*` matches any run of characters."),
}).strict().default({ exclude: [...SYSTEM_NAMESPACES] }).describe("Which namespaces' Kubernetes workloads are checked. A workload without a namespace is in its provider's namespace, else `default`.");
export type NamespaceScope = z.infer<typeof namespacesOption>;

export const PodLabelsConfigSchema = z.object({ ...scopeShape, ...ValueRulesSchema.shape, namespaces: namespacesOption }).strict().superRefine(noTypeBothIncludedAndExcluded);
export const CostReachConfigSchema = ScopeConfigSchema;
export const CoverageConfigSchema = z.object({
    ...scopeShape,
    namespaces: namespacesOption,
    expiringWithinDays: z.int().min(0).default(7).describe("Resources whose `expires_at` falls within this many days are listed."),
}).strict().superRefine(noTypeBothIncludedAndExcluded);
export const FillDerivableConfigSchema = z.object({
    ...scopeShape,
    environment: z.enum(ENVIRONMENTS).optional().describe("`environment` to fill in when a resource has none."),
    createdBy: z.string().min(1).optional().describe("`created_by` to fill in when a resource has none (for example `automation` in CI)."),
    useStackTags: z.boolean().default(true).describe("Fill `environment` and `created_by` from stack tags of the same names when set."),
}).strict().superRefine(noTypeBothIncludedAndExcluded);

/**
 * The JSON Schema (draft-07) sent to the engine: `properties` and `required` of the top-level object.
 * What zod's refinements check is expressed where JSON Schema can say it, so the engine refuses it too
 * before analyzing anything: an exemption names a target.
 */
export function toPolicyConfigSchema(schema: z.ZodObject): { properties: Record<string, object>; required?: string[] } {
    // Generating it is a noticeable part of starting the pack; the pack and the tools construct the policies more than once.
    let generated = generatedSchemas.get(schema);
    if (!generated) generatedSchemas.set(schema, (generated = generateConfigSchema(schema)));
    return structuredClone(generated);
}

const generatedSchemas = new WeakMap<z.ZodObject, { properties: Record<string, object>; required?: string[] }>();

function generateConfigSchema(schema: z.ZodObject): { properties: Record<string, object>; required?: string[] } {
    const json = z.toJSONSchema(schema, {
        target: "draft-07", io: "input", unrepresentable: "any",
        override: (ctx) => {
            if (ctx.zodSchema === ExemptionSchema) ctx.jsonSchema.anyOf = [{ required: ["urn"] }, { required: ["name"] }, { required: ["type"] }];
        },
    }) as { properties?: Record<string, object>; required?: string[] };
    return json.required?.length ? { properties: json.properties ?? {}, required: json.required } : { properties: json.properties ?? {} };
}

/** Each problem of a config as `path: message`, made visible (keys and messages may quote the user's text). */
export function configProblems(error: z.ZodError): string[] {
    return error.issues.map((i) => visible(`${i.path.length ? i.path.map(String).join(".") : "(top level)"}: ${i.message}`, { max: 300 }));
}

/** A config mistake as one line per problem, naming where it is; values are not echoed. */
export function describeConfigError(policy: string, error: z.ZodError): string {
    return `invalid configuration for policy '${policy}':\n${configProblems(error).map((l) => `  - ${l}`).join("\n")}`;
}

export type ParsedConfig<T> = { ok: true; config: T } | { ok: false; message: string };

/** Same keys holding the same values (by reference): the SDK's `getConfig` hands out a fresh copy of one config each call. */
function shallowEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
    // Called for every resource and policy: counted with for-in, which allocates no key arrays.
    let count = 0;
    for (const k in a) {
        if (!Object.prototype.hasOwnProperty.call(a, k)) continue;
        if (!Object.prototype.hasOwnProperty.call(b, k) || a[k] !== b[k]) return false;
        count++;
    }
    for (const k in b) if (Object.prototype.hasOwnProperty.call(b, k)) count--;
    return count === 0;
}

/** Parses a policy's config; remembers the last parse, since the config is the same for every resource. */
export function configParser<S extends z.ZodObject>(policy: string, schema: S): (raw: unknown) => ParsedConfig<z.infer<S>> {
    let lastRaw: Record<string, unknown> | undefined;
    let lastFrozen: unknown;
    let last: ParsedConfig<z.infer<S>> | undefined;
    return (raw) => {
        // A frozen object handed in again cannot have changed (tools running the policies in process hand out one).
        if (last && raw === lastFrozen) return last;
        const given = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
        if (last && lastRaw && shallowEqual(given, lastRaw)) return last;
        const parsed = schema.safeParse(given);
        last = parsed.success ? { ok: true, config: parsed.data } : { ok: false, message: describeConfigError(policy, parsed.error) };
        lastRaw = { ...given };
        lastFrozen = Object.isFrozen(raw) ? raw : undefined;
        return last;
    };
}

/** The registry entry of a type that is taggable and in scope, or why it is not checked. */
export function scopedEntry(type: string, scope: Pick<ScopeConfig, "services" | "includeTypes" | "excludeTypes">): { entry: RegistryEntry } | { skip: string } {
    const entry = entryOf(type);
    if (!entry) return { skip: "not a resource type tagguard knows" };
    if (entry.tags === "none" && !entry.carriers?.length) return { skip: `${type} takes no tags` };
    if (scope.excludeTypes.includes(type)) return { skip: `${type} is excluded by configuration` };
    if (!scope.services.includes(entry.module) && !scope.includeTypes.includes(type)) return { skip: `module ${entry.module} is out of scope` };
    return { entry };
}
