/**
 * Auto-tagging for existing programs: a stack transform that gives every taggable resource in scope the
 * attribution set, in the shape its type takes (map, autoscaling list, Cloud Control list, launch-template
 * specifications, instance volume tags, the tags fleets and Batch give the instances they launch),
 * keeping every value the program set itself. Both `@pulumi/aws` and `@pulumi/aws-native` resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_EXCLUDED_TYPES, DEFAULT_INCLUDED_TYPES, DEFAULT_SERVICES, scopedEntry } from "../tagset/config";
import type { TagCarrier } from "../tagset/registry-types";
import { asgListShape, isFargateCompute, kvListShape, mapShape, tagSpecificationsShape, type AsgTag, type TagSpecification } from "../tagset/shapes";
import { isAttributionKey } from "../tagset/vocabulary";
import { podLabels } from "./pod-labels";
import { resolveTags, type AttributionTags } from "./tag-set";

/** Which types the auto-tagger touches: provider modules, extra types, excluded types. */
export interface AutoTagScope {
    /** Provider modules whose taggable types are tagged (`ec2`, `s3`, ...). */
    services: string[];
    /** Further type tokens to tag. */
    includeTypes: string[];
    /** Type tokens never tagged. */
    excludeTypes: string[];
}

/** The pack's default scope: EC2, EBS, S3 (not objects), EKS, SageMaker, MSK, autoscaling groups and Batch compute environments. */
export const DEFAULT_AUTO_TAG_SCOPE: AutoTagScope = { services: [...DEFAULT_SERVICES], includeTypes: [...DEFAULT_INCLUDED_TYPES], excludeTypes: [...DEFAULT_EXCLUDED_TYPES] };

type Props = Record<string, unknown>;

/** Applies `write` to a value that may be an Output or a Promise, keeping plain values plain. */
function update<T>(value: unknown, write: (current: T | undefined) => unknown): unknown {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return pulumi.output(value as pulumi.Input<T>).apply((v) => write(v as T | undefined));
    return write(value as T | undefined);
}

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** Applies `write` at a path of nested objects, any level of which may be an Output or a Promise. */
function updateAt(value: unknown, path: readonly string[], write: (current: unknown) => unknown): unknown {
    if (!path.length) return update<unknown>(value, write);
    const [key, ...rest] = path;
    return update<Props>(value, (obj) => ({ ...(obj ?? {}), [key]: updateAt(obj?.[key], rest, write) }));
}

/** The attribution keys of a resolved tag set: extra tags (a `Name`) are tags, not pod labels. */
const attributionOnly = (tags: Record<string, string>): AttributionTags => Object.fromEntries(Object.entries(tags).filter(([k]) => isAttributionKey(k))) as unknown as AttributionTags;

/** Instance volumes: block-device tags where the program uses them (they conflict with `volumeTags`), else `volumeTags`. */
function tagVolumes(props: Props, out: Props, tags: Record<string, string>): void {
    const root = props.rootBlockDevice as Props | undefined;
    const ebs = props.ebsBlockDevices;
    const usesBlockDeviceTags = (root && typeof root === "object" && present(root.tags)) || (Array.isArray(ebs) && ebs.some((d) => present((d as Props)?.tags)));
    if (!usesBlockDeviceTags) {
        out.volumeTags = update<Record<string, unknown>>(props.volumeTags, (v) => mapShape.write(v, tags));
        return;
    }
    out.rootBlockDevice = update<Props>(root ?? {}, (r) => ({ ...r, tags: mapShape.write(r?.tags as Record<string, unknown> | undefined, tags) }));
    if (Array.isArray(ebs)) out.ebsBlockDevices = ebs.map((d) => update<Props>(d, (dev) => ({ ...dev, tags: mapShape.write(dev?.tags as Record<string, unknown> | undefined, tags) })));
}

/**
 * The places instances get tags from (spot fleet `launchSpecifications[].tags`, Batch
 * `computeResources.tags`), each given the set. Batch on Fargate launches no instances, and its API refuses
 * those tags there.
 */
function tagLaunchedInstances(props: Props, out: Props, path: string, tags: Record<string, string>): void {
    const [block, rest] = path.split(/\[\]\.|\./, 2);
    if (rest !== "tags" || !present(props[block])) return;
    const tagged = (element: Props | undefined): Props | undefined =>
        element && typeof element === "object" && !isFargateCompute(element.type)
            ? { ...element, tags: mapShape.write(element.tags as Record<string, unknown> | undefined, tags) }
            : element;
    out[block] = path.includes("[]")
        ? update<unknown[]>(props[block], (list) => (Array.isArray(list) ? list.map((e) => update<Props>(e, tagged)) : list))
        : update<Props>(props[block], tagged);
}

type KeyValue = { key: unknown; value: unknown };

/** A launch template's tag specifications (`tagSpecifications`, Cloud Control's `launchTemplateData.tagSpecifications`), each written resource type given the set. */
function tagLaunchData(props: Props, out: Props, carrier: TagCarrier, tags: Record<string, string>): void {
    const [first, ...rest] = carrier.path.replace(/\[\]$/, "").split(".");
    const write = (list: unknown): unknown => {
        const specs = Array.isArray(list) ? (list as TagSpecification[]) : undefined;
        return carrier.tagList ? tagSpecificationsShape.writeList(specs, tags) : tagSpecificationsShape.write(specs, tags);
    };
    out[first] = updateAt(props[first], rest, write);
}

/** Cloud Control launch specifications (`spotFleetRequestConfigData.launchSpecifications[].tagSpecifications`): an `instance` specification with the set in each. */
function tagLaunchSpecifications(props: Props, out: Props, carrier: TagCarrier, tags: Record<string, string>): void {
    const fan = carrier.path.indexOf("[]");
    const [first, ...above] = carrier.path.slice(0, fan).split(".");
    const inside = carrier.path.slice(fan + 3).replace(/\[\]$/, "");
    if (!present(props[first])) return;
    const withInstanceTags = (spec: Props | undefined): Props | undefined => {
        if (!spec || typeof spec !== "object") return spec;
        const list = Array.isArray(spec[inside]) ? (spec[inside] as Props[]) : [];
        const instance = list.find((s) => s?.resourceType === "instance");
        const tagged = { resourceType: "instance", tags: kvListShape.write(Array.isArray(instance?.tags) ? (instance.tags as KeyValue[]) : undefined, tags) };
        return { ...spec, [inside]: instance ? list.map((s) => (s === instance ? { ...s, ...tagged } : s)) : [...list, tagged] };
    };
    out[first] = updateAt(props[first], above, (list) => (Array.isArray(list) ? list.map((e) => update<Props>(e, withInstanceTags)) : list));
}

/**
 * The props of a resource with the tag set added, or undefined when the type takes no tags or is out of
 * scope. Pure apart from wrapping Outputs; `registerAutoTagging` is the transform around it.
 */
export function autoTagProps(type: string, props: Props, tags: Record<string, string>, scope: AutoTagScope = DEFAULT_AUTO_TAG_SCOPE): Props | undefined {
    const scoped = scopedEntry(type, scope);
    if ("skip" in scoped) return undefined;
    const { entry } = scoped;
    // A patch merges into a live object: labelling its template would roll pods the program did not ask to.
    if (entry.patch || entry.opaquePods) return undefined;
    const out: Props = { ...props };
    if (entry.tags === "pod-labels" && entry.podLabels) {
        const labels = podLabels(attributionOnly(tags), {}, `registerAutoTagging (${type})`);
        const [first, ...rest] = entry.podLabels.split(".");
        out[first] = updateAt(props[first], rest, (existing) => mapShape.write(existing as Record<string, unknown> | undefined, labels));
        return out;
    }
    if (entry.tags === "asg-list") out.tags = update<AsgTag[]>(props.tags, (list) => asgListShape.write(list, tags));
    else if (entry.tags === "map") out.tags = update<Record<string, unknown>>(props.tags, (map) => mapShape.write(map, tags));
    else if (entry.tags === "kv-list") out.tags = update<KeyValue[]>(props.tags, (list) => kvListShape.write(Array.isArray(list) ? list : undefined, tags));
    for (const carrier of entry.carriers ?? []) {
        if (carrier.shape === "tag-specifications" && entry.launchTemplate) tagLaunchData(props, out, carrier, tags);
        else if (carrier.shape === "tag-specifications" && carrier.reaches === "instances") tagLaunchSpecifications(props, out, carrier, tags);
        else if (carrier.shape === "map" && carrier.reaches === "instances") tagLaunchedInstances(props, out, carrier.path, tags);
    }
    if ((entry.carriers ?? []).some((c) => c.reaches === "volumes")) tagVolumes(props, out, tags);
    // Cloud Control instances: their own tags reach their volumes when asked to; a program's explicit choice is kept.
    if (entry.volumeTagPropagation && !present(props[entry.volumeTagPropagation])) out[entry.volumeTagPropagation] = true;
    return out;
}

/** Options of `registerAutoTagging`. */
export interface AutoTaggingOptions {
    extraTags?: Record<string, string>;
    scope?: AutoTagScope;
}

/**
 * Registers the auto-tagging stack transform: every resource registered afterwards (children of
 * components included) gets the tag set. Call it at the top of the program.
 */
export function registerAutoTagging(tags: AttributionTags, options: AutoTaggingOptions = {}): void {
    const resolved = resolveTags("registerAutoTagging", tags, options.extraTags);
    pulumi.runtime.registerResourceTransform((args) => {
        if (!args.custom) return undefined;
        const props = autoTagProps(args.type, args.props, resolved, options.scope);
        return props ? { props, opts: args.opts } : undefined;
    });
}
