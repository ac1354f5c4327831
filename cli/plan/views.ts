/**
 * A Terraform plan's resources as the pack's policies see a Pulumi resource: the registry's type token,
 * props in the Pulumi provider's shapes (`tags`, `tagsAll`, `volumeTags`, `rootBlockDevice.tags`,
 * `tagSpecifications`, ...), unknown values as the engine's sentinel, sensitive values as secrets, the
 * AWS provider configuration's `default_tags` as the provider's `defaultTags`, and the configuration's
 * references as dependencies. Only what the policies read is translated.
 */
import { COST_REACH_EXTRA_PATHS } from "../../policies/cost-reaches-tagged-resource";
import type { AnalyzedResource, ProviderRef, WireProps } from "../engine/analyzer-client";
import { REGISTRY } from "../../tagset/registry.generated";
import { entryOf } from "../../tagset/registry";
import type { RegistryEntry } from "../../tagset/registry-types";
import { TERRAFORM_KUBERNETES_TYPES, awsNativeTypeOf, kubernetesTokenOf, pulumiTypeOf, terraformPropertyName } from "../../tagset/terraform";
import { NO_STRINGS, SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_VALUE, isSecretWrapper, readOwn, setOwn } from "../../tagset/values";
import type { ConfigModule, ProviderConfig, ResourceChange, TerraformPlan } from "./plan-file";
import { isObject } from "../input";

const AWS_PROVIDER = "pulumi:providers:aws";

/** A value of `after` with what `after_unknown` and `after_sensitive` say about the same place. */
interface Planned {
    value: unknown;
    unknown: unknown;
    sensitive: unknown;
}

const hasOwn = (o: unknown, key: string | number): boolean => typeof o === "object" && o !== null && Object.prototype.hasOwnProperty.call(o, key);

/** The plan has the attribute, known or only in `after_unknown`. */
const hasAttribute = (p: Planned, name: string): boolean => hasOwn(p.value, name) || hasOwn(p.unknown, name);

function child(p: Planned, key: string | number): Planned {
    return { value: readOwn(p.value, key), unknown: p.unknown === true ? true : readOwn(p.unknown, key), sensitive: p.sensitive === true ? true : readOwn(p.sensitive, key) };
}

const secret = (value: unknown): unknown => (value === undefined ? undefined : { [SECRET_SIG_KEY]: SECRET_SIG, value });

const camelNames = new Map<string, string>();
/** `tag_specifications` -> `tagSpecifications` (memoized: a plan repeats the same few hundred names). */
function camel(name: string): string {
    let c = camelNames.get(name);
    if (c === undefined) camelNames.set(name, (c = name.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase())));
    return c;
}

/** Maps whose keys are the user's (tag keys), never renamed. */
const TAG_MAPS = new Set(["tags", "tags_all", "volume_tags"]);

/** Holds an unknown or sensitive mark somewhere below: `after_unknown` and `after_sensitive` are trees of `true` (`{"tags": {}}` marks nothing). */
function marks(tree: unknown, depth = 0): boolean {
    if (tree === true) return true;
    if (typeof tree !== "object" || tree === null) return false;
    if (depth > 100) return true;
    if (Array.isArray(tree)) {
        for (let i = 0; i < tree.length; i++) if (marks(tree[i], depth + 1)) return true;
        return false;
    }
    for (const key in tree) if (Object.prototype.hasOwnProperty.call(tree, key) && marks((tree as Record<string, unknown>)[key], depth + 1)) return true;
    return false;
}

/**
 * The planned value in wire form: unknown leaves as the engine's sentinel, sensitive values wrapped as
 * secrets, block and attribute names in Pulumi's camelCase (tag maps keep their keys).
 */
function materialize(p: Planned, renameKeys: boolean): unknown {
    if (p.unknown === true) return p.sensitive === true ? secret(UNKNOWN_VALUE) : UNKNOWN_VALUE;
    // Most of a plan is plain known values: a tag map is used as JSON.parse made it, without a copy.
    if (!marks(p.unknown) && !marks(p.sensitive) && (!renameKeys || typeof p.value !== "object" || p.value === null)) return p.value;
    let out: unknown = p.value;
    if (Array.isArray(p.value) || Array.isArray(p.unknown)) {
        const length = Math.max(Array.isArray(p.value) ? p.value.length : 0, Array.isArray(p.unknown) ? p.unknown.length : 0);
        const list: unknown[] = new Array(length);
        for (let i = 0; i < length; i++) list[i] = materialize(child(p, i), renameKeys) ?? null;
        out = list;
    } else if (isObject(p.value) || (isObject(p.unknown) && (p.value === undefined || p.value === null))) {
        const obj: Record<string, unknown> = {};
        const add = (key: string): void => {
            const v = materialize(child(p, key), renameKeys && !TAG_MAPS.has(key));
            if (v !== undefined) setOwn(obj, renameKeys ? camel(key) : key, v);
        };
        // The keys of the value, then those only `after_unknown` has.
        const known = isObject(p.value) ? Object.keys(p.value) : [];
        for (let i = 0; i < known.length; i++) add(known[i]);
        if (isObject(p.unknown)) for (const key of Object.keys(p.unknown)) if (!hasOwn(p.value, key)) add(key);
        out = obj;
    }
    return p.sensitive === true ? secret(out) : out;
}

/** The Terraform attribute holding a Pulumi property: `ebsBlockDevices` is `ebs_block_device`, `tagSpecifications` is `tag_specifications`. */
const spellings = new Map<string, readonly string[]>();

function attributeName(p: Planned, pulumiName: string): string | undefined {
    let names = spellings.get(pulumiName);
    if (!names) {
        const spelled = terraformPropertyName(pulumiName);
        spellings.set(pulumiName, (names = [...new Set([spelled, spelled.replace(/s$/, ""), pulumiName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)])]));
    }
    for (const name of names) if (hasAttribute(p, name)) return name;
    return undefined;
}

function attribute(p: Planned, pulumiName: string): Planned | undefined {
    const name = attributeName(p, pulumiName);
    return name === undefined ? undefined : child(p, name);
}

/**
 * Copies what a registry path (`rootBlockDevice.tags`, `ebsBlockDevices[].tags`,
 * `mixedInstancesPolicy.launchTemplate.launchTemplateSpecification`) reaches in the plan into `into`,
 * in Pulumi's shape: Terraform writes every nested block as a list, Pulumi a single block as an object.
 */
function copyPath(into: Record<string, unknown>, from: Planned, segments: readonly string[], index = 0): void {
    const segment = segments[index];
    const last = index === segments.length - 1;
    const list = segment.endsWith("[]");
    const name = list ? segment.slice(0, -2) : segment;
    const found = attribute(from, name);
    if (!found) return;
    if (found.unknown === true) {
        into[name] = materialize(found, true);
        return;
    }
    if (last) {
        // A single nested block at the end of the path (a launch template specification) is an object too.
        const leaf = !list && name !== "tags" && name !== "volumeTags" && (Array.isArray(found.value) || Array.isArray(found.unknown)) ? child(found, 0) : found;
        const value = materialize(leaf, name !== "tags" && name !== "volumeTags");
        if (value !== undefined) into[name] = value;
        return;
    }
    const wrap = (v: unknown): unknown => (found.sensitive === true ? secret(v) : v);
    if (list) {
        const length = Array.isArray(found.value) ? found.value.length : 0;
        const existing = Array.isArray(into[name]) ? (into[name] as Record<string, unknown>[]) : [];
        const elements: Record<string, unknown>[] = new Array(length);
        for (let i = 0; i < length; i++) {
            elements[i] = existing[i] ?? {};
            copyPath(elements[i], child(found, i), segments, index + 1);
        }
        into[name] = wrap(elements);
        return;
    }
    // A single nested block: Terraform's list of one.
    const block = Array.isArray(found.value) || Array.isArray(found.unknown) ? child(found, 0) : found;
    if (block.unknown === true) {
        into[name] = materialize(block, true);
        return;
    }
    const element = isObject(into[name]) ? (into[name] as Record<string, unknown>) : {};
    copyPath(element, block, segments, index + 1);
    into[name] = wrap(element);
}

/** Autoscaling groups: `tag` blocks and the legacy `tags` list, as Pulumi's `[{ key, value, propagateAtLaunch }]`. */
function asgTags(after: Planned): unknown {
    const parts = ["tag", "tags"].filter((k) => hasAttribute(after, k)).map((k) => materialize(child(after, k), true));
    if (parts.some((p) => p === UNKNOWN_VALUE)) return UNKNOWN_VALUE;
    const lists = parts.filter((p): p is unknown[] => Array.isArray(p));
    return lists.length ? lists.flat() : parts.find((p) => p !== undefined && p !== null);
}

/** What reading a resource of one Terraform type takes, worked out once per type a plan holds. */
interface PlannedType {
    token: string;
    entry: RegistryEntry;
    /** The registry paths its carriers and launch-template references live at (and those the policies read besides), split into segments, with the top property's name. */
    paths: readonly { segments: readonly string[]; property: string }[];
    /** Properties referring to a launch template, with the Terraform attribute names they may have. */
    launchTemplateRefs: readonly { property: string; attributes: readonly string[] }[];
}

/** The top properties of launch-template references, with their Terraform names: the `aws` provider's (`launch_template_config`) and the plain snake case (`awscc`'s `launch_template_configs`). */
function launchTemplateRefsOf(refs: readonly string[]): PlannedType["launchTemplateRefs"] {
    return [...new Set(refs.map((path) => path.split(/[.[]/)[0]))].map((property) => ({ property, attributes: [...new Set([terraformPropertyName(property), property.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)])] }));
}

function plannedType(token: string, entry: RegistryEntry): PlannedType {
    const refs = entry.launchTemplateRefs ?? [];
    return {
        token,
        entry,
        paths: [...(entry.carriers ?? []).map((c) => c.path), ...refs, ...(COST_REACH_EXTRA_PATHS[token] ?? [])].map((p) => p.split(".")).map((segments) => ({ segments, property: segments[0].replace(/\[\]$/, "") })),
        launchTemplateRefs: launchTemplateRefsOf(refs),
    };
}

/**
 * The props the policies read for one planned resource. `configured` is the configuration's expressions
 * of the resource block (absent when the plan has no configuration): an attribute unknown in the plan
 * that the configuration does not set is one the provider computes (`ebs_block_device` of an instance),
 * absent from the inputs the pack would see, not a value the user has yet to provide.
 */
function pulumiProps(type: PlannedType, after: Planned, configured: Record<string, unknown> | undefined): WireProps {
    const props: Record<string, unknown> = {};
    const tags = type.entry.tags === "asg-list" ? asgTags(after) : hasAttribute(after, "tags") ? materialize(child(after, "tags"), false) : undefined;
    if (tags !== undefined) props.tags = tags;
    if (hasAttribute(after, "tags_all")) setAttribute(props, "tagsAll", after, "tags_all");
    for (let i = 0; i < type.paths.length; i++) {
        const { segments, property } = type.paths[i];
        if (configured && (after.unknown === true || isObject(after.unknown))) {
            const top = attributeName(after, property);
            if (top && (after.unknown === true || after.unknown[top] === true) && !Object.prototype.hasOwnProperty.call(configured, top)) continue;
        }
        copyPath(props, after, segments);
    }
    if (type.entry.tagPropagation) setAttribute(props, "tagPropagation", after, "tag_propagation");
    if (type.entry.launchTemplate) {
        setAttribute(props, "id", after, "id");
        setAttribute(props, "name", after, "name");
    }
    return props;
}

/** Blocks of Terraform's Kubernetes provider that hold one object (Terraform writes every block as a list). */
const KUBERNETES_SINGLE_BLOCKS: ReadonlySet<string> = new Set(["metadata", "spec", "template", "job_template", "selector"]);
/** Maps whose keys are the user's: label and annotation keys are never renamed. */
const KUBERNETES_KEYED_MAPS: ReadonlySet<string> = new Set(["labels", "annotations", "match_labels", "matchLabels"]);

/**
 * How a Terraform provider's attributes map onto the API shape its Pulumi twin uses: names put in
 * camelCase, except the keys of maps the user keys (labels, tag maps), which are kept as written.
 */
interface ApiShapeRules {
    /** Whether `value`, under attribute `key`, is a map keyed by the user. */
    keyedMap(key: string, value: unknown): boolean;
    /** The value an attribute (or, `keyed`, a user's key) stands for (Terraform writes a single block as a list of one); undefined drops it. */
    attribute(key: string, value: unknown, keyed: boolean): unknown;
}

/** One walk for both providers below; deeper than 64 levels is left as it is (no real block nests so deep). */
function apiShape(value: unknown, rules: ApiShapeRules, keyed = false, depth = 0): unknown {
    if (depth > 64 || typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) return value.map((v) => apiShape(v, rules, false, depth + 1));
    if (isSecretWrapper(value)) return { [SECRET_SIG_KEY]: SECRET_SIG, value: apiShape(readOwn(value, "value"), rules, keyed, depth + 1) };
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
        const attribute = rules.attribute(key, v, keyed);
        if (attribute === undefined) continue;
        setOwn(out, keyed ? key : camel(key), apiShape(attribute, rules, !keyed && rules.keyedMap(key, attribute), depth + 1));
    }
    return out;
}

/** Terraform's Kubernetes provider: single blocks as objects, label and annotation keys as written. */
const KUBERNETES_RULES: ApiShapeRules = {
    keyedMap: (key) => KUBERNETES_KEYED_MAPS.has(key),
    attribute: (key, v, keyed) => (!keyed && KUBERNETES_SINGLE_BLOCKS.has(key) && Array.isArray(v) && v.length <= 1 ? v[0] : v),
};

/**
 * A Kubernetes resource of a plan as the pack sees one of `@pulumi/kubernetes`: Terraform's workload
 * resources in the API's shape, `kubernetes_manifest`'s object as it is, a `helm_release` with its
 * namespace. Undefined for objects tagguard does not judge.
 */
function kubernetesView(rc: ResourceChange, after: Planned): { token: string; props: WireProps } | undefined {
    if (rc.type === "kubernetes_manifest") {
        const manifest = materialize(child(after, "manifest"), false);
        const token = kubernetesTokenOf(readOwn(manifest, "apiVersion"), readOwn(manifest, "kind"));
        return token && entryOf(token) ? { token, props: manifest as WireProps } : undefined;
    }
    const token = TERRAFORM_KUBERNETES_TYPES[rc.type];
    if (!token) return undefined;
    const props = apiShape(materialize(after, false), KUBERNETES_RULES) as Record<string, unknown>;
    return { token, props };
}

/**
 * An `awscc` resource as the pack sees its `@pulumi/aws-native` twin: both are the CloudFormation
 * schema, `awscc` in snake_case with nested objects as objects, so every attribute name is put in
 * camelCase, except the keys of tag maps (a user's keys). The provider has no default tags.
 */
const CLOUD_CONTROL_RULES: ApiShapeRules = {
    // `tags` of a map-shaped type (`awscc_eks_nodegroup`, Batch's `compute_resources.tags`) is keyed by the user; a list of `{ key, value }` is not.
    keyedMap: (key, v) => TAG_MAPS.has(key) && !Array.isArray(v),
    attribute: (_key, v) => (v === null ? undefined : v),
};

function awsccView(rc: ResourceChange, after: Planned): { token: string; props: WireProps } | undefined {
    const token = awsNativeTypeOf(rc.type);
    return token ? { token, props: apiShape(materialize(after, false), CLOUD_CONTROL_RULES) as WireProps } : undefined;
}

/** Sets a prop to an attribute's planned value, keys as written, when there is one. */
function setAttribute(props: Record<string, unknown>, name: string, after: Planned, attribute: string): void {
    const value = materialize(child(after, attribute), false);
    if (value !== undefined) props[name] = value;
}

/** `module.a["x"].module.b[0]` -> `module.a.module.b`: instance keys (which may hold any characters) removed. */
export function withoutInstanceKeys(address: string): string {
    let open = address.indexOf("[");
    if (open < 0) return address;
    let out = "";
    let from = 0;
    while (open >= 0) {
        out += address.slice(from, open);
        let quoted = false;
        let i = open + 1;
        for (; i < address.length; i++) {
            const d = address[i];
            if (quoted && d === "\\") i++;
            else if (d === '"') quoted = !quoted;
            else if (d === "]" && !quoted) break;
        }
        from = i + 1;
        open = from < address.length ? address.indexOf("[", from) : -1;
    }
    return from < address.length ? out + address.slice(from) : out;
}

interface ConfiguredResource {
    providerKey?: string;
    expressions: Record<string, unknown>;
}

/** Every resource block of the configuration by module path (`module.a.module.b`, `""` for the root), type and name. */
function configuredResources(root: ConfigModule | undefined): Map<string, Map<string, Map<string, ConfiguredResource>>> {
    const index = new Map<string, Map<string, Map<string, ConfiguredResource>>>();
    const visit = (m: ConfigModule | undefined, path: string, depth: number): void => {
        if (!m || depth > 100) return;
        for (const r of m.resources ?? []) {
            // `aws_instance.gpu` (managed) or `data.aws_ami.x`; data sources are never judged.
            const dot = r.address.indexOf(".");
            if (dot < 0 || r.address.startsWith("data.")) continue;
            nested(nested(index, path), r.address.slice(0, dot)).set(r.address.slice(dot + 1), { providerKey: r.provider_config_key, expressions: r.expressions ?? {} });
        }
        for (const [name, call] of Object.entries(m.module_calls ?? {})) visit(call.module, path ? `${path}.module.${name}` : `module.${name}`, depth + 1);
    };
    visit(root, "", 0);
    return index;
}

/** The map under `key`, created when absent. */
function nested<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
    let inner = map.get(key);
    if (!inner) map.set(key, (inner = new Map()));
    return inner;
}

/** Resource instance addresses by module instance (`module.w["a"]`, `""` for the root), type and name: the instances of each block. */
function instancesByBlock(changes: readonly ResourceChange[]): Map<string, Map<string, Map<string, string[]>>> {
    const index = new Map<string, Map<string, Map<string, string[]>>>();
    for (const rc of changes) {
        const byName = nested(nested(index, rc.module_address ?? ""), rc.type);
        const list = byName.get(rc.name);
        if (list) list.push(rc.address);
        else byName.set(rc.name, [rc.address]);
    }
    return index;
}

/** The resource blocks an expression refers to (`aws_launch_template.gpu.id` -> aws_launch_template, gpu). */
function referencedBlocks(expression: unknown): { type: string; name: string }[] {
    const found: { type: string; name: string }[] = [];
    for (const ref of references(expression)) {
        const m = /^(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/.exec(ref);
        if (m && !found.some((f) => f.type === m[1] && f.name === m[2])) found.push({ type: m[1], name: m[2] });
    }
    return found;
}

/** Every `references` entry in an expression tree. */
function references(expr: unknown, out: string[] = [], depth = 0): string[] {
    if (depth > 50) return out;
    if (Array.isArray(expr)) for (const e of expr) references(e, out, depth + 1);
    else if (isObject(expr)) {
        if (Array.isArray(expr.references)) for (const r of expr.references) if (typeof r === "string") out.push(r);
        for (const [k, v] of Object.entries(expr)) if (k !== "references" && k !== "constant_value") references(v, out, depth + 1);
    }
    return out;
}

const isAwsProvider = (pc: ProviderConfig | undefined, key: string): boolean =>
    pc ? pc.name === "aws" || (pc.full_name ?? "").endsWith("/aws") : /(^|:)aws(\.|$)/.test(key);

/** The provider configuration a key names; a key of an older Terraform that does not resolve is looked for in the parent modules. */
function providerConfigFor(plan: TerraformPlan, key: string | undefined): { key: string; config: ProviderConfig } | undefined {
    const configs = plan.configuration?.provider_config ?? {};
    if (!key) return configs.aws ? { key: "aws", config: configs.aws } : undefined;
    for (let k = key; ;) {
        if (Object.prototype.hasOwnProperty.call(configs, k)) return { key: k, config: configs[k] };
        const m = /^(.*)\.module\.[^.:]+:(.+)$/.exec(k) ?? /^module\.[^.:]+:(.+)$/.exec(k);
        if (!m) return undefined;
        k = m.length === 3 ? `${m[1]}:${m[2]}` : m[1];
    }
}

/**
 * The provider's `default_tags` and `ignore_tags` as the Pulumi provider's `defaultTags` and
 * `ignoreTags`. Only constant values can be read from a plan's configuration; any other expression
 * (a variable, a local, a function call) is unknown here, and the resource's `tags_all`, which the
 * provider computes at plan time, is what decides.
 */
function providerProps(config: ProviderConfig): WireProps {
    const props: WireProps = {};
    const block = (name: string): Record<string, unknown> | undefined => {
        const b = readOwn(config.expressions, name);
        const first = Array.isArray(b) ? b[0] : b;
        return isObject(first) ? first : undefined;
    };
    const constant = (expr: unknown): unknown => (isObject(expr) && "constant_value" in expr ? expr.constant_value : UNKNOWN_VALUE);
    const defaults = block("default_tags");
    if (defaults && "tags" in defaults) props.defaultTags = { tags: constant(defaults.tags) };
    const ignore = block("ignore_tags");
    if (ignore) props.ignoreTags = { keys: "keys" in ignore ? constant(ignore.keys) : [], keyPrefixes: "key_prefixes" in ignore ? constant(ignore.key_prefixes) : [] };
    return props;
}

export type Action = "create" | "update" | "replace";

/** What the plan does to a resource, when tagguard judges it: creates, updates and replacements. */
export function actionOf(rc: ResourceChange): Action | undefined {
    if (rc.mode !== "managed" || rc.deposed) return undefined;
    const actions = rc.change.actions;
    if (actions.includes("create")) return actions.includes("delete") ? "replace" : "create";
    if (actions.includes("update")) return "update";
    return undefined;
}

export interface PlannedResource {
    rc: ResourceChange;
    action: Action;
    resource: AnalyzedResource;
    /** The `source` of the module the resource is in (`./modules/training`), when the plan's configuration has it. */
    moduleSource?: string;
}

/** The `source` of the module at a module path (`module.a.module.b`). */
function moduleSourceOf(root: ConfigModule | undefined, modulePath: string): string | undefined {
    let module = root;
    let source: string | undefined;
    for (const [, name] of modulePath.matchAll(/module\.([^.]+)/g)) {
        const call = module?.module_calls?.[name];
        if (!call) return undefined;
        source = typeof (call as { source?: unknown }).source === "string" ? (call as { source: string }).source : undefined;
        module = call.module;
    }
    return source;
}

const ROOT_MODULE = { path: "", source: undefined };

/** The module instance in a resource's address, for plans that do not write `module_address`. */
function moduleAddressInAddress(rc: ResourceChange): string | undefined {
    if (!rc.address.startsWith("module.")) return undefined;
    const end = rc.address.lastIndexOf(`.${rc.type}.${rc.name}`);
    return end > 0 ? rc.address.slice(0, end) : undefined;
}

const NO_PROPERTY_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = Object.freeze({});

export interface SkippedResource {
    address: string;
    type: string;
    reason: "unchanged" | "deleted" | "forgotten" | "not-managed" | "other-provider" | "unknown-type" | "tags-unknown-to-registry";
}

/** The plan's resources in the policies' terms, and what was left out and why. */
export function planViews(plan: TerraformPlan): { planned: PlannedResource[]; skipped: SkippedResource[] } {
    const configured = configuredResources(plan.configuration?.root_module);
    const providers = new Map<string, ProviderRef | undefined>();
    const providerEntries = new Map<string | undefined, ReturnType<typeof providerConfigFor>>();
    const planned: PlannedResource[] = [];
    const skipped: SkippedResource[] = [];
    // Looked up by the plan's own strings (a module instance repeats for each of its resources), never by strings built per resource.
    const modules = new Map<string, { path: string; source: string | undefined }>();
    const moduleOf = (moduleAddress: string | undefined): { path: string; source: string | undefined } => {
        if (moduleAddress === undefined) return ROOT_MODULE;
        let module = modules.get(moduleAddress);
        if (!module) {
            const path = withoutInstanceKeys(moduleAddress);
            modules.set(moduleAddress, (module = { path, source: moduleSourceOf(plan.configuration?.root_module, path) }));
        }
        return module;
    };
    const blocks = instancesByBlock(plan.resource_changes ?? []);
    const referenced = new Map<unknown, { type: string; name: string }[]>();
    const types = new Map<string, PlannedType | undefined>();
    const awsProviderNames = new Map<string, boolean>();
    const changes = plan.resource_changes ?? [];
    /** Launch templates are found through the configuration when the plan does not know their IDs yet. */
    const launchTemplateDependencies = (refs: PlannedType["launchTemplateRefs"], config: ConfiguredResource | undefined, rc: ResourceChange): Pick<AnalyzedResource, "dependencies" | "propertyDependencies"> => {
        let propertyDependencies: Record<string, string[]> | undefined;
        let dependencies: Set<string> | undefined;
        for (let r = 0; config && r < refs.length; r++) {
            const { property, attributes } = refs[r];
            const expression = attributes.map((a) => config.expressions[a]).find((e) => e !== undefined);
            if (expression === undefined) continue;
            let blocksReferenced = referenced.get(expression);
            if (!blocksReferenced) referenced.set(expression, (blocksReferenced = referencedBlocks(expression)));
            // References are relative to the module the resource block is in: the same module instance.
            const inModule = blocks.get(rc.module_address ?? "");
            const targets = new Set<string>();
            for (const { type, name } of blocksReferenced) for (const address of inModule?.get(type)?.get(name) ?? []) targets.add(address);
            if (targets.size) {
                (propertyDependencies ??= {})[property] = [...targets];
                dependencies ??= new Set();
                for (const t of targets) dependencies.add(t);
            }
        }
        // Most resources depend on nothing: they share one empty list and map, which nothing writes to.
        return { dependencies: dependencies ? [...dependencies] : NO_STRINGS, propertyDependencies: propertyDependencies ?? NO_PROPERTY_DEPENDENCIES };
    };
    for (let i = 0; i < changes.length; i++) {
        const rc = changes[i];
        const action = actionOf(rc);
        if (!action) {
            skipped.push({ address: rc.address, type: rc.type, reason: rc.mode !== "managed" ? "not-managed" : rc.change.actions.includes("delete") || rc.deposed ? "deleted" : rc.change.actions.includes("forget") ? "forgotten" : "unchanged" });
            continue;
        }
        const module = moduleOf(rc.module_address ?? moduleAddressInAddress(rc));
        const config = configured.get(module.path)?.get(rc.type)?.get(rc.name);
        const providerKey = config?.providerKey;
        if (!providerEntries.has(providerKey)) providerEntries.set(providerKey, providerConfigFor(plan, providerKey));
        const providerEntry = providerEntries.get(providerKey);
        let aws = rc.provider_name ? awsProviderNames.get(rc.provider_name) : isAwsProvider(providerEntry?.config, providerKey ?? "aws");
        if (aws === undefined && rc.provider_name) awsProviderNames.set(rc.provider_name, (aws = /(^|\/)aws$/.test(rc.provider_name)));
        if (!aws || !rc.type.startsWith("aws_")) {
            const after: Planned = { value: rc.change.after, unknown: rc.change.after_unknown, sensitive: rc.change.after_sensitive };
            if (rc.type.startsWith("awscc_")) {
                const cc = awsccView(rc, after);
                if (!cc) {
                    skipped.push({ address: rc.address, type: rc.type, reason: hasAttribute(after, "tags") ? "tags-unknown-to-registry" : "unknown-type" });
                    continue;
                }
                const resource: AnalyzedResource = { type: cc.token, urn: rc.address, name: rc.address, inputs: cc.props, outputs: cc.props, ...launchTemplateDependencies(launchTemplateRefsOf(entryOf(cc.token)?.launchTemplateRefs ?? []), config, rc) };
                planned.push(rc.module_address ? { rc, action, moduleSource: module.source, resource } : { rc, action, resource });
                continue;
            }
            const k8s = kubernetesView(rc, after);
            if (k8s) {
                const resource: AnalyzedResource = { type: k8s.token, urn: rc.address, name: rc.address, inputs: k8s.props, outputs: k8s.props, dependencies: NO_STRINGS, propertyDependencies: NO_PROPERTY_DEPENDENCIES };
                planned.push(rc.module_address ? { rc, action, moduleSource: module.source, resource } : { rc, action, resource });
            } else skipped.push({ address: rc.address, type: rc.type, reason: "other-provider" });
            continue;
        }
        let type = types.get(rc.type);
        if (type === undefined && !types.has(rc.type)) {
            const token = pulumiTypeOf(rc.type);
            const entry = token ? REGISTRY[token] : undefined;
            types.set(rc.type, (type = token && entry ? plannedType(token, entry) : undefined));
        }
        const after: Planned = { value: rc.change.after, unknown: rc.change.after_unknown, sensitive: rc.change.after_sensitive };
        const declaresTags = hasAttribute(after, "tags") || hasOwn(after.value, "tags_all");
        if (!type || (type.entry.tags === "none" && declaresTags)) {
            skipped.push({ address: rc.address, type: rc.type, reason: declaresTags ? "tags-unknown-to-registry" : "unknown-type" });
            continue;
        }
        let provider: ProviderRef | undefined;
        if (providerEntry) {
            if (!providers.has(providerEntry.key)) {
                providers.set(providerEntry.key, { type: AWS_PROVIDER, urn: `provider[${providerEntry.key}]`, name: providerEntry.key, props: providerProps(providerEntry.config) });
            }
            provider = providers.get(providerEntry.key);
        }
        const props = pulumiProps(type, after, config?.expressions);
        const { dependencies, propertyDependencies } = launchTemplateDependencies(type.launchTemplateRefs, config, rc);
        // Most resources depend on nothing: they share one empty list and map, which nothing writes to.
        const resource: AnalyzedResource = { type: type.token, urn: rc.address, name: rc.address, inputs: props, outputs: props, provider, dependencies, propertyDependencies };
        planned.push(rc.module_address ? { rc, action, moduleSource: module.source, resource } : { rc, action, resource });
    }
    return { planned, skipped };
}
