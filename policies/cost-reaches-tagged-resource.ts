/**
 * Cost reaches a tagged resource: the instances and volumes that autoscaling groups, node groups,
 * launch templates, fleets, AWS Batch compute environments and instances create carry the tag set too,
 * SageMaker domains propagate their tags, and SageMaker HyperPod clusters, which are billed for their
 * instance groups themselves, carry it on their own tags. Tags on the launching resource alone attribute
 * nothing: the bill's line items are the instances and volumes. Both providers' shapes: `@pulumi/aws`
 * and the Cloud Control provider `@pulumi/aws-native`.
 */
import { CostReachConfigSchema } from "../tagset/config";
import { carrierPlaces, effectiveTags, providerTagConfig, type ProviderTagConfig } from "../tagset/effective-tags";
import { hasOwnTags, type RegistryEntry, type TagCarrier } from "../tagset/registry-types";
import { entryOf, isCloudControlType } from "../tagset/registry";
import { LAUNCHED_RESOURCE_TYPES, isFargateCompute, mapShape, tagSpecificationsShape, type ReadResult, type TagMap } from "../tagset/shapes";
import { visible } from "../tagset/text";
import { isUnknown, readOwn, readPath, unwrapSecret } from "../tagset/values";
import { REQUIRED_TAG_KEYS } from "../tagset/vocabulary";
import { advisory, keyList, resourcePolicy, PASS, type CheckContext, type CheckResult, type Finding, type ResourceAndStackPolicy, type ResourceView, type StackView } from "./framework";

export const COST_REACHES_TAGGED_RESOURCE = "cost-reaches-tagged-resource";

type Gaps = { state: "unknown" } | { state: "known"; missing: string[] };

const present = (tags: TagMap | undefined, key: string): boolean => {
    const v = tags?.get(key);
    return v !== undefined && (v.state === "unknown" || (v.state === "known" && v.value.trim() !== ""));
};

/** Required keys missing from a tag map merged over (optional) provider defaults. */
function gaps(read: ReadResult, defaults?: ReadResult): Gaps {
    if (read.state === "unknown") return { state: "unknown" };
    const own = read.state === "known" ? read.tags : undefined;
    const base = defaults?.state === "known" ? defaults.tags : undefined;
    const missing = REQUIRED_TAG_KEYS.filter((k) => !present(own, k) && !present(base, k));
    if (missing.length && defaults?.state === "unknown") return { state: "unknown" };
    return { state: "known", missing };
}

/** Where a launch template keeps the tag specifications of what it launches: `tagSpecifications`, or Cloud Control's `launchTemplateData.tagSpecifications`. */
function launchSpecifications(entry: RegistryEntry): TagCarrier {
    return entry.carriers?.find((c) => c.shape === "tag-specifications") ?? { path: "tagSpecifications[]", shape: "tag-specifications" };
}

/** What a launch template's tag specifications leave untagged among instances and volumes. */
export function launchTemplateGaps(props: unknown, entry: RegistryEntry): { unknown: boolean; problems: string[] } {
    const carrier = launchSpecifications(entry);
    const where = carrier.path.replace(/\[\]$/, "");
    const specs = tagSpecificationsShape.read(readPath(props, where)[0], carrier.tagList === true);
    if (specs.state === "unknown") return { unknown: true, problems: [] };
    if (specs.state === "malformed") return { unknown: false, problems: [`\`${where}\` is a ${specs.found}, expected a list`] };
    const problems: string[] = [];
    let unknown = specs.state === "known" && specs.unknownTypes > 0;
    for (const type of LAUNCHED_RESOURCE_TYPES) {
        const read = specs.state === "known" ? specs.byType.get(type) : undefined;
        if (!read) {
            problems.push(`no tag specification for \`${type}\``);
            continue;
        }
        const g = gaps(read);
        if (g.state === "unknown") unknown = true;
        else if (g.missing.length) problems.push(`\`${type}\` tags lack ${keyList(g.missing)}`);
    }
    return { unknown, problems };
}

export const LAUNCH_TEMPLATE_FIX = "Give the launch template `tagSpecifications` for `instance` and `volume` that carry the full tag set (provider default tags do not reach them), or use tagguard's components.";

/** The same fix for a Cloud Control launch template, whose own `tagSpecifications` tag only the template (a mistake public programs make). */
export const CLOUD_CONTROL_LAUNCH_TEMPLATE_FIX = "Give the launch template `launchTemplateData.tagSpecifications` for `instance` and `volume` that carry the full tag set (its own `tagSpecifications` tag only the template, and provider default tags do not reach them), or use tagguard's components.";

/** The launch-template fix in the words of the template's provider. */
const launchTemplateFix = (type: string): string => (isCloudControlType(type) ? CLOUD_CONTROL_LAUNCH_TEMPLATE_FIX : LAUNCH_TEMPLATE_FIX);

/** A stack resource's registry entry, if it is a launch template of either provider. */
const isLaunchTemplate = (r: ResourceView): boolean => entryOf(r.type)?.launchTemplate === true;

/** The ids and names a launch template is referred to by: `@pulumi/aws` outputs `id` and `name`, Cloud Control `launchTemplateId` and `launchTemplateName`. */
const TEMPLATE_KEYS = ["id", "name", "launchTemplateId", "launchTemplateName"] as const;

/** The launch-template references a resource sets. */
function launchTemplateRefsSet(resource: ResourceView, entry: RegistryEntry): { path: string; value: unknown }[] {
    const refs: { path: string; value: unknown }[] = [];
    for (const path of entry.launchTemplateRefs ?? []) for (const value of readPath(resource.props, path)) refs.push({ path, value });
    return refs;
}

/** The stack's launch templates by id and by name, built once per stack. */
const launchTemplateIndex = new WeakMap<StackView, Map<string, ResourceView>>();

function launchTemplatesOf(stack: StackView): Map<string, ResourceView> {
    let index = launchTemplateIndex.get(stack);
    if (!index) {
        index = new Map();
        for (const r of stack.resources) {
            if (!isLaunchTemplate(r)) continue;
            for (const key of TEMPLATE_KEYS) {
                const v = unwrapSecret(readOwn(r.props, key));
                if (typeof v === "string" && !isUnknown(v) && !index.has(v)) index.set(v, r);
            }
        }
        launchTemplateIndex.set(stack, index);
    }
    return index;
}

/** The launch template a reference points at: by the reference's dependencies, else by id or name. */
function resolveLaunchTemplate(ctx: CheckContext<unknown>, ref: { path: string; value: unknown }): ResourceView | undefined {
    const stack = ctx.stack;
    if (!stack) return undefined;
    const templates = stack.dependenciesOf(ctx.resource.urn, ref.path.split(/[.[]/)[0]).filter(isLaunchTemplate);
    if (templates.length === 1) return templates[0];
    const wanted = TEMPLATE_KEYS
        .map((k) => unwrapSecret(readOwn(unwrapSecret(ref.value), k)))
        .filter((v): v is string => typeof v === "string" && !isUnknown(v));
    if (templates.length) return templates.find((t) => wanted.some((w) => TEMPLATE_KEYS.some((k) => w === unwrapSecret(readOwn(t.props, k)))));
    const index = launchTemplatesOf(stack);
    return wanted.map((w) => index.get(w)).find((t) => t !== undefined);
}

/**
 * Judges the launch templates a resource launches from. In the resource half it defers (the template is
 * another resource); in the stack half it finds each template and checks its tag specifications.
 */
function judgeLaunchTemplates(ctx: CheckContext<unknown>, refs: { path: string; value: unknown }[], what: string): CheckResult {
    if (!ctx.stack) return { findings: [], conclusive: false };
    const findings: Finding[] = [];
    // A fleet lists one config per subnet or instance type, often all from the same template: one finding each.
    const judged = new Set<string>();
    for (const ref of refs) {
        const template = resolveLaunchTemplate(ctx, ref);
        const key = template ? `template ${template.urn}` : `unresolved ${ref.path}`;
        if (judged.has(key)) continue;
        judged.add(key);
        if (!template) {
            findings.push(advisory(`${what} launches from a launch template (\`${ref.path}\`) that tagguard cannot find in this stack, so it cannot verify that it tags instances and volumes.`));
            continue;
        }
        const lt = launchTemplateGaps(template.props, entryOf(template.type) ?? ctx.entry);
        if (lt.problems.length) {
            findings.push({ message: `${what} launches from launch template \`${visible(template.name, { max: 64 })}\`, whose instances and volumes would be unattributable: ${lt.problems.join("; ")}. ${launchTemplateFix(template.type)}` });
        }
    }
    return { findings, conclusive: true };
}

function checkAutoscalingGroup(ctx: CheckContext<unknown>): CheckResult {
    const eff = effectiveTags(ctx.resource.props, ctx.entry);
    const refs = launchTemplateRefsSet(ctx.resource, ctx.entry);
    if (eff.result.state === "unknown") return refs.length ? judgeLaunchTemplates(ctx, refs, "This autoscaling group") : { findings: [], conclusive: false };
    const tags = eff.result.state === "known" ? eff.result.tags : undefined;
    const notPropagated = REQUIRED_TAG_KEYS.filter((k) => !present(tags, k) || eff.notPropagated?.has(k));
    if (!notPropagated.length) {
        return refs.length ? PASS : { findings: [advisory("Instances get their tags from `propagateAtLaunch`, but an autoscaling group's tags never reach EBS volumes: launch from a launch template whose `tagSpecifications` tag `volume` to attribute volume cost.")], conclusive: true };
    }
    if (refs.length) return judgeLaunchTemplates(ctx, refs, "This autoscaling group");
    return {
        findings: [{ message: `Instances launched by this autoscaling group would not carry ${keyList(notPropagated)}: list each required key in \`tags\` with \`propagateAtLaunch: true\`, or launch from a launch template that tags \`instance\` and \`volume\`.` }],
        conclusive: true,
    };
}

function checkLaunchTemplate(ctx: CheckContext<unknown>): CheckResult {
    const lt = launchTemplateGaps(ctx.resource.props, ctx.entry);
    const findings: Finding[] = [];
    if (lt.problems.length) findings.push({ message: `Instances and volumes launched from this template would be unattributable: ${lt.problems.join("; ")}. ${launchTemplateFix(ctx.resource.type)}` });
    if (lt.unknown) findings.push(advisory("Some tag specifications are unknown during preview; they are verified at update."));
    return { findings, conclusive: !lt.unknown };
}

/** Instances (and spot requests): their volumes get tags from `volumeTags` or block-device tags, plus default tags. */
function checkInstanceVolumes(ctx: CheckContext<unknown>, defaults: ProviderTagConfig["defaults"]): CheckResult {
    const carriers = (ctx.entry.carriers ?? []).filter((c) => c.reaches === "volumes");
    const volumeTags = carriers.find((c) => c.path === "volumeTags");
    const volumeTagsSet = volumeTags && carrierPlaces(ctx.resource.props, volumeTags).find((p) => p.value !== undefined);
    // `volumeTags` tags every volume of the instance; without it, the root volume (which exists whether or
    // not the program describes it) and each listed device carry their own.
    const places = volumeTagsSet ? [volumeTagsSet] : carriers.filter((c) => c !== volumeTags).flatMap((c) => carrierPlaces(ctx.resource.props, c));
    const results = places.map(({ where, value }) => ({ where, gaps: gaps(mapShape.read(value), defaults) }));
    if (results.some((r) => r.gaps.state === "unknown")) {
        return { findings: [advisory("Volume tags are unknown during preview; they are verified at update.")], conclusive: false };
    }
    const lacking = results.filter((r): r is { where: string; gaps: { state: "known"; missing: string[] } } => r.gaps.state === "known" && r.gaps.missing.length > 0);
    if (!lacking.length) return PASS;
    const refs = launchTemplateRefsSet(ctx.resource, ctx.entry);
    if (refs.length) return judgeLaunchTemplates(ctx, refs, "This instance");
    const detail = lacking.map((l) => `\`${l.where}\` lacks ${keyList(l.gaps.missing)}`).join("; ");
    return {
        findings: [{ message: `The EBS volumes of this instance would be unattributable (instance tags never reach volumes): ${detail}. Set \`volumeTags\` to the tag set, or put the tag set in the provider's default tags, which AWS applies to instance volumes too.` }],
        conclusive: true,
    };
}

/** AWS Batch compute environments of both providers. */
const BATCH_COMPUTE_ENVIRONMENT_TYPES: readonly string[] = ["aws:batch/computeEnvironment:ComputeEnvironment", "aws-native:batch:ComputeEnvironment"];
const BATCH_COMPUTE_TYPE = "computeResources.type";
/** What a HyperPod instance group says about what it runs, and where else its cost may go. */
const INSTANCE_GROUP_FIELDS = ["instanceGroupName", "instanceType", "instanceCount", "trainingPlanArn", "environmentConfig.fSxLustreConfig.sizeInGiB"] as const;

/** Properties this policy reads beyond the registry's paths, by type: tools that build resources from other sources copy them too. */
export const COST_REACH_EXTRA_PATHS: Readonly<Record<string, readonly string[]>> = {
    ...Object.fromEntries(BATCH_COMPUTE_ENVIRONMENT_TYPES.map((t) => [t, [BATCH_COMPUTE_TYPE]])),
    "aws-native:sagemaker:Cluster": (["instanceGroups[]", "restrictedInstanceGroups[]"] as const).flatMap((g) => INSTANCE_GROUP_FIELDS.map((f) => `${g}.${f}`)),
    "aws-native:ec2:Instance": ["propagateTagsToVolumeOnCreation"],
};

/** Fleets and AWS Batch compute environments: each place their instances get tags from must carry the set. */
function checkLaunchSpecifications(ctx: CheckContext<unknown>): CheckResult {
    const batch = BATCH_COMPUTE_ENVIRONMENT_TYPES.includes(ctx.resource.type);
    const what = batch ? "compute environment" : "fleet";
    if (batch) {
        // Fargate environments and unmanaged ones (no `computeResources`) launch no EC2 instances.
        const computeType = unwrapSecret(readPath(ctx.resource.props, BATCH_COMPUTE_TYPE)[0]);
        if (isUnknown(computeType)) return { findings: [advisory("`computeResources` is unknown during preview; it is verified at update.")], conclusive: false };
        if (computeType === undefined || isFargateCompute(computeType)) return PASS;
    }
    const refs = launchTemplateRefsSet(ctx.resource, ctx.entry);
    if (refs.length) return judgeLaunchTemplates(ctx, refs, `This ${what}`);
    const lacking: string[] = [];
    let unknown = false;
    // Each listed specification launches instances, with tags or without.
    for (const c of (ctx.entry.carriers ?? []).filter((c) => c.reaches === "instances")) {
        for (const { where, value } of carrierPlaces(ctx.resource.props, c)) {
            if (c.shape === "tag-specifications") {
                // A launch specification's tag specifications: the `instance` entry tags what it launches.
                const specs = tagSpecificationsShape.read(value, c.tagList === true);
                if (specs.state === "unknown") unknown = true;
                else if (specs.state === "malformed") lacking.push(`\`${where}\` is a ${specs.found}, expected a list`);
                else {
                    const read = specs.state === "known" ? specs.byType.get("instance") : undefined;
                    const g = read ? gaps(read) : undefined;
                    if (!g) lacking.push(`\`${where}\` has no tag specification for \`instance\``);
                    else if (g.state === "unknown" || (specs.state === "known" && specs.unknownTypes > 0)) unknown = true;
                    else if (g.missing.length) lacking.push(`\`${where}\` (\`instance\`) lacks ${keyList(g.missing)}`);
                }
                continue;
            }
            const g = gaps(mapShape.read(value));
            if (g.state === "unknown") unknown = true;
            else if (g.missing.length) lacking.push(`\`${where}\` lacks ${keyList(g.missing)}`);
        }
    }
    if (unknown) return { findings: [advisory(`The tags of the ${what}'s instances are unknown during preview; they are verified at update.`)], conclusive: false };
    // Batch: the environment's own `tags` (and provider default tags) never reach its instances (AWS by design).
    const fix = batch ? " Set `computeResources.tags` to the tag set: AWS Batch applies them to the instances it launches, and neither the environment's own tags nor provider default tags reach them." : "";
    return lacking.length ? { findings: [{ message: `Instances of this ${what} would be unattributable: ${lacking.join("; ")}.${fix}` }], conclusive: true } : PASS;
}

/** Cloud Control instances: their own tags (provider default tags included) reach their volumes only with `propagateTagsToVolumeOnCreation`. */
function checkVolumeTagPropagation(ctx: CheckContext<unknown>): CheckResult {
    const path = ctx.entry.volumeTagPropagation ?? "propagateTagsToVolumeOnCreation";
    const value = unwrapSecret(readPath(ctx.resource.props, path)[0]);
    if (isUnknown(value)) return { findings: [advisory(`\`${path}\` is unknown during preview; it is verified at update.`)], conclusive: false };
    if (value === true || value === "true") return PASS;
    const refs = launchTemplateRefsSet(ctx.resource, ctx.entry);
    if (refs.length) return judgeLaunchTemplates(ctx, refs, "This instance");
    return {
        findings: [{ message: `The EBS volumes of this instance would be unattributable: an instance's tags reach its volumes only with \`${path}: true\` (the default is false). Set it, or launch from a launch template whose \`tagSpecifications\` tag \`volume\`.` }],
        conclusive: true,
    };
}

/** ` (4 × ml.p5.48xlarge)`: what an instance group runs, from what is known at preview. */
function groupLabel(group: unknown, index: number, list: string): string {
    const field = (f: string): unknown => unwrapSecret(readPath(group, f)[0]);
    const name = field("instanceGroupName");
    const type = field("instanceType");
    const count = field("instanceCount");
    const known = (v: unknown): v is string | number => (typeof v === "string" || typeof v === "number") && !isUnknown(v);
    const label = known(name) ? `\`${visible(String(name), { max: 63 })}\`` : `\`${list}[${index}]\``;
    const size = known(type) ? `${known(count) ? `${count} × ` : ""}${visible(String(type), { max: 40 })}` : "";
    return size ? `${label} (${size})` : label;
}

/**
 * SageMaker HyperPod: the instances of a cluster's instance groups, and the EBS volumes they get, are
 * billed as SageMaker usage of the cluster itself (\`Cluster:ml.*\` usage types, the cluster's ARN), so the
 * cluster's own tags attribute them; nothing else carries tags to them. What HyperPod creates elsewhere
 * (the FSx for Lustre file system of a restricted instance group) and capacity bought apart (a training
 * plan) are billed to other resources.
 */
function checkInstanceGroups(ctx: CheckContext<unknown>): CheckResult {
    const eff = effectiveTags(ctx.resource.props, ctx.entry, ctx.resource.provider);
    const findings: Finding[] = [];
    const groups = (ctx.entry.instanceGroups ?? []).flatMap((path) => {
        const list = path.replace(/\[\]$/, "");
        return readPath(ctx.resource.props, path).map((group, i) => ({ list, group, label: groupLabel(unwrapSecret(group), i, list) }));
    });
    const g = eff.result.state === "unknown" ? { state: "unknown" as const } : gaps(eff.result, eff.defaultsUnknown ? { state: "unknown" } : undefined);
    if (g.state === "known" && g.missing.length) {
        const what = groups.length ? `The instances of its instance groups ${groups.map((x) => x.label).join(", ")} and their EBS volumes` : "The instances and EBS volumes of its instance groups";
        findings.push({ message: `${what} are billed to this HyperPod cluster itself (SageMaker usage \`Cluster:ml.*\` on its ARN), and no other tags reach them: without ${keyList(g.missing)} on the cluster's \`tags\`, that cost lands unattributed. Give the cluster the full tag set (tagguard's HyperPod component does), or set it in the provider's default tags.` });
    }
    for (const { group, label } of groups) {
        const plan = unwrapSecret(readPath(unwrapSecret(group), "trainingPlanArn")[0]);
        if (typeof plan === "string" && !isUnknown(plan) && plan !== "") {
            findings.push(advisory(`Instance group ${label} runs on a SageMaker training plan: the plan's upfront fee is billed to the training plan, not to this cluster, and is attributed by the plan's own tags (give it the tag set when you reserve it).`));
        }
        const fsx = unwrapSecret(readPath(unwrapSecret(group), "environmentConfig.fSxLustreConfig")[0]);
        if (fsx !== undefined && fsx !== null) {
            findings.push(advisory(`Restricted instance group ${label} has HyperPod create an FSx for Lustre file system: Amazon FSx bills it apart from the cluster, and AWS does not document that the cluster's tags reach it, so check its tags in Cost Explorer after creation.`));
        }
    }
    return { findings, conclusive: g.state === "known" };
}

function checkTagPropagation(ctx: CheckContext<unknown>): CheckResult {
    const value = unwrapSecret(readOwn(ctx.resource.props, "tagPropagation"));
    if (isUnknown(value)) return { findings: [advisory("`tagPropagation` is unknown during preview; it is verified at update.")], conclusive: false };
    if (typeof value === "string" && value.toUpperCase() === "ENABLED") return PASS;
    return { findings: [{ message: "Apps, spaces and jobs created in this domain would be unattributable: set `tagPropagation: \"ENABLED\"` so the domain's tags reach them (the default is disabled)." }], conclusive: true };
}

/** Types whose instances can only be tagged through a launch template (EKS managed node groups). */
function checkLaunchTemplateRequired(ctx: CheckContext<unknown>): CheckResult {
    const refs = launchTemplateRefsSet(ctx.resource, ctx.entry);
    if (refs.length) return judgeLaunchTemplates(ctx, refs, "This node group");
    return {
        findings: [{ message: `The EC2 instances and volumes of this ${ctx.resource.type.split(/[:/]/).pop()} would be unattributable: its own tags never reach them (AWS by design). Launch it from a launch template whose \`tagSpecifications\` tag \`instance\` and \`volume\` with the full tag set (tagguard's GPU node group component does this).` }],
        conclusive: true,
    };
}

/** Where each kind of node pool puts `spec.tags`, for the fix. */
const NODE_CLASS_REACH: Readonly<Record<string, string>> = {
    EC2NodeClass: "Karpenter applies `spec.tags` to the instances, volumes and launch templates it creates, beside its own `karpenter.sh/*` tags",
    NodeClass: "EKS Auto Mode applies `spec.tags` to the instances, root volumes and network interfaces it creates",
};

/** Karpenter `EC2NodeClass` and EKS Auto Mode `NodeClass`: the GPU instances of a shared cluster are tagged by `spec.tags` alone. */
function checkNodeClass(ctx: CheckContext<unknown>): CheckResult {
    const kind = ctx.resource.type.split(":").pop() ?? "node class";
    const path = ctx.entry.carriers?.find((c) => c.reaches === "instances")?.path ?? "spec.tags";
    const g = gaps(mapShape.read(readPath(ctx.resource.props, path)[0]));
    if (g.state === "unknown") return { findings: [advisory(`\`${path}\` is unknown during preview; it is verified at update.`)], conclusive: false };
    if (!g.missing.length) return PASS;
    return {
        findings: [{ message: `The EC2 instances and volumes this ${kind} launches would be unattributable: \`${path}\` lacks ${keyList(g.missing)}. ${NODE_CLASS_REACH[kind] ?? "Its `spec.tags` tag what it launches"}: give it the full tag set (on a node pool several models share, \`model_id: shared\`), and the pods their own set as labels.` }],
        conclusive: true,
    };
}

export function costReachCheck(ctx: CheckContext<unknown>): CheckResult {
    const { entry } = ctx;
    if (entry.nodeClass) return checkNodeClass(ctx);
    if (entry.tags === "asg-list") return checkAutoscalingGroup(ctx);
    if (entry.launchTemplate) return checkLaunchTemplate(ctx);
    if (entry.instanceGroups?.length) return checkInstanceGroups(ctx);
    if (entry.volumeTagPropagation) return checkVolumeTagPropagation(ctx);
    const carriers = entry.carriers ?? [];
    if (carriers.some((c) => c.reaches === "volumes")) return checkInstanceVolumes(ctx, providerTagConfig(ctx.resource.provider).defaults);
    if (carriers.some((c) => c.reaches === "instances")) return checkLaunchSpecifications(ctx);
    if (entry.tagPropagation) return checkTagPropagation(ctx);
    if (entry.launchTemplateRefs?.length) return checkLaunchTemplateRequired(ctx);
    return PASS;
}

/** The entries this policy has something to say about: what launches instances or volumes, or creates what its tags must reach. */
export const carriesCost = (e: RegistryEntry): boolean =>
    e.nodeClass === true || e.launchTemplate === true || !!e.launchTemplateRefs?.length
    || (hasOwnTags(e) && (e.tags === "asg-list" || !!e.carriers?.length || !!e.tagPropagation || !!e.volumeTagPropagation || !!e.instanceGroups?.length));

export function costReachesTaggedResourcePolicy(): ResourceAndStackPolicy {
    return resourcePolicy({
        name: COST_REACHES_TAGGED_RESOURCE,
        description: "Cost reaches a tagged resource: autoscaling groups propagate the tag set at launch or launch from a tagging launch template, launch templates tag instances and volumes, EKS node groups use such a template, fleets and AWS Batch compute environments tag the instances they launch, instances tag their volumes, SageMaker domains propagate tags, SageMaker HyperPod clusters carry the tag set for their instance groups.",
        enforcementLevel: "mandatory",
        remediationSteps: LAUNCH_TEMPLATE_FIX,
        configSchema: CostReachConfigSchema,
        recheckInStack: true,
        judges: carriesCost,
        check: costReachCheck,
    });
}
