/**
 * The policy pack's configuration: one zod schema per policy, built from shared parts. The JSON Schema
 * each policy sends the engine is generated from these (`toPolicyConfigSchema`), and each policy parses
 * its config with the same schema at run time.
 */
import { z } from "zod";
import { REGISTRY } from "./registry.generated";
import type { RegistryEntry } from "./registry-types";
import { ValueRulesSchema, parseIsoDay } from "./rules";
import { ENVIRONMENTS } from "./vocabulary";

/** The services of the mission: EC2 (with EBS, billed as "EC2 - Other"), S3, EKS, SageMaker, MSK. */
export const DEFAULT_SERVICES = ["ec2", "ebs", "s3", "eks", "sagemaker", "msk"] as const;
/** Types outside those modules that carry EC2 cost: autoscaling groups launch the instances. */
export const DEFAULT_INCLUDED_TYPES = ["aws:autoscaling/group:Group"] as const;

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((s) => parseIsoDay(s) !== undefined, { error: "not a calendar date" });

export const ExemptionSchema = z.object({
    urn: z.string().min(1).optional().describe("URN of the exempt resource; `*` matches any run of characters."),
    name: z.string().min(1).optional().describe("Resource name pattern; `*` matches any run of characters."),
    type: z.string().min(1).optional().describe("Type token pattern, such as `aws:ec2/instance:Instance` or `aws:sagemaker/*`."),
    reason: z.string().min(10).describe("Why the resource is exempt: shown in every report of the exemption."),
    expires: isoDay.describe("Last day (YYYY-MM-DD) on which the exemption applies; after it the resource is checked again."),
}).strict().refine((e) => e.urn !== undefined || e.name !== undefined || e.type !== undefined, { error: "an exemption needs at least one of `urn`, `name`, `type`" });

export type Exemption = z.infer<typeof ExemptionSchema>;

const scopeShape = {
    services: z.array(z.string().min(1)).default([...DEFAULT_SERVICES]).describe("Provider modules whose taggable types are checked."),
    includeTypes: z.array(z.string().min(1)).default([...DEFAULT_INCLUDED_TYPES]).describe("Further type tokens to check."),
    excludeTypes: z.array(z.string().min(1)).default([]).describe("Type tokens never checked."),
    exemptions: z.array(ExemptionSchema).default([]).describe("Resources this policy skips, each with a reason and an expiry date."),
};

export const ScopeConfigSchema = z.object(scopeShape).strict();
export type ScopeConfig = z.infer<typeof ScopeConfigSchema>;

export const RequiredTagsConfigSchema = ScopeConfigSchema;
export const TagValuesConfigSchema = z.object({ ...scopeShape, ...ValueRulesSchema.shape }).strict();
export const TagLimitsConfigSchema = ScopeConfigSchema;
export const CostReachConfigSchema = ScopeConfigSchema;
export const CoverageConfigSchema = z.object({
    ...scopeShape,
    expiringWithinDays: z.int().min(0).default(7).describe("Resources whose `expires_at` falls within this many days are listed."),
}).strict();
export const FillDerivableConfigSchema = z.object({
    ...scopeShape,
    environment: z.enum(ENVIRONMENTS).optional().describe("`environment` to fill in when a resource has none."),
    createdBy: z.string().min(1).optional().describe("`created_by` to fill in when a resource has none (for example `automation` in CI)."),
    useStackTags: z.boolean().default(true).describe("Fill `environment` and `created_by` from stack tags of the same names when set."),
}).strict();

/** The JSON Schema (draft-07) sent to the engine: `properties` and `required` of the top-level object. */
export function toPolicyConfigSchema(schema: z.ZodObject): { properties: Record<string, object>; required?: string[] } {
    const json = z.toJSONSchema(schema, { target: "draft-07", io: "input", unrepresentable: "any" }) as { properties?: Record<string, object>; required?: string[] };
    return json.required?.length ? { properties: json.properties ?? {}, required: json.required } : { properties: json.properties ?? {} };
}

/** A config mistake as one line per problem, naming where it is; values are not echoed. */
export function describeConfigError(policy: string, error: z.ZodError): string {
    const lines = error.issues.map((i) => `  - ${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`);
    return `invalid configuration for policy '${policy}':\n${lines.join("\n")}`;
}

export type ParsedConfig<T> = { ok: true; config: T } | { ok: false; message: string };

/** Same keys holding the same values (by reference): the SDK's `getConfig` hands out a fresh copy of one config each call. */
function shallowEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const k of keys) if (a[k] !== b[k]) return false;
    return true;
}

/** Parses a policy's config; remembers the last parse, since the config is the same for every resource. */
export function configParser<S extends z.ZodObject>(policy: string, schema: S): (raw: unknown) => ParsedConfig<z.infer<S>> {
    let lastRaw: Record<string, unknown> | undefined;
    let last: ParsedConfig<z.infer<S>> | undefined;
    return (raw) => {
        const given = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
        if (last && lastRaw && shallowEqual(given, lastRaw)) return last;
        const parsed = schema.safeParse(given);
        last = parsed.success ? { ok: true, config: parsed.data } : { ok: false, message: describeConfigError(policy, parsed.error) };
        lastRaw = { ...given };
        return last;
    };
}

/** The registry entry of a type that is taggable and in scope, or why it is not checked. */
export function scopedEntry(type: string, scope: Pick<ScopeConfig, "services" | "includeTypes" | "excludeTypes">): { entry: RegistryEntry } | { skip: string } {
    const entry = REGISTRY[type];
    if (!entry) return { skip: "not an @pulumi/aws resource type" };
    if (entry.tags === "none") return { skip: `${type} takes no tags` };
    if (scope.excludeTypes.includes(type)) return { skip: `${type} is excluded by configuration` };
    if (!scope.services.includes(entry.module) && !scope.includeTypes.includes(type)) return { skip: `module ${entry.module} is out of scope` };
    return { entry };
}
