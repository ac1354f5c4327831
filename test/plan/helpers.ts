/** Terraform plans as `terraform show -json` writes them, built for tests. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const AWS = "registry.terraform.io/hashicorp/aws";

export interface ChangeSpec {
    address: string;
    after: Record<string, unknown>;
    unknown?: Record<string, unknown>;
    sensitive?: Record<string, unknown>;
    actions?: string[];
    mode?: "managed" | "data";
    provider?: string;
    deposed?: string;
}

/** `module.a["x"].aws_instance.gpu[0]` -> its type, name and module address. */
function parts(address: string): { type: string; name: string; module?: string } {
    const m = /^(?:(.*)\.)?(?:data\.)?(aws_[a-z0-9_]+|[a-z0-9]+_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(\[.*\])?$/s.exec(address);
    if (!m) throw new Error(`test address ${address}`);
    return { module: m[1], type: m[2], name: m[3] };
}

export function change(spec: ChangeSpec): Record<string, unknown> {
    const { type, name, module } = parts(spec.address);
    return {
        address: spec.address,
        ...(module ? { module_address: module } : {}),
        mode: spec.mode ?? "managed",
        type,
        name,
        provider_name: spec.provider ?? AWS,
        ...(spec.deposed ? { deposed: spec.deposed } : {}),
        change: {
            actions: spec.actions ?? ["create"],
            before: null,
            after: spec.after,
            after_unknown: spec.unknown ?? {},
            before_sensitive: false,
            after_sensitive: spec.sensitive ?? {},
        },
    };
}

export interface ProviderSpec {
    alias?: string;
    module?: string;
    defaultTags?: Record<string, string> | { references: string[] };
    ignoreTags?: { keys?: string[]; keyPrefixes?: string[] };
}

export function providerConfig(p: ProviderSpec): Record<string, unknown> {
    const expressions: Record<string, unknown> = { region: { constant_value: "us-east-1" } };
    if (p.defaultTags) expressions.default_tags = [{ tags: "references" in p.defaultTags ? p.defaultTags : { constant_value: p.defaultTags } }];
    if (p.ignoreTags) expressions.ignore_tags = [{ ...(p.ignoreTags.keys ? { keys: { constant_value: p.ignoreTags.keys } } : {}), ...(p.ignoreTags.keyPrefixes ? { key_prefixes: { constant_value: p.ignoreTags.keyPrefixes } } : {}) }];
    return { name: "aws", full_name: AWS, ...(p.alias ? { alias: p.alias } : {}), ...(p.module ? { module_address: p.module } : {}), expressions };
}

export interface PlanSpec {
    changes: ChangeSpec[];
    /** Provider configurations by key (`aws`, `aws.west`, `module.m:aws`). */
    providers?: Record<string, ProviderSpec>;
    /** Configuration of resource blocks by module-path address: provider key and expressions. */
    configured?: Record<string, { provider?: string; expressions?: Record<string, unknown> }>;
    extra?: Record<string, unknown>;
}

/** A plan with its configuration: resource blocks placed in their modules. */
export function plan(spec: PlanSpec): Record<string, unknown> {
    const root: { resources: object[]; module_calls: Record<string, unknown> } = { resources: [], module_calls: {} };
    for (const [address, c] of Object.entries(spec.configured ?? {})) {
        const segments = address.split(".");
        let module = root;
        while (segments[0] === "module") {
            const name = segments[1];
            segments.splice(0, 2);
            const call = (module.module_calls[name] ??= { source: `./modules/${name}`, module: { resources: [], module_calls: {} } }) as { module: typeof root };
            module = call.module;
        }
        const [type, name] = segments;
        module.resources.push({ address: `${type}.${name}`, mode: "managed", type, name, provider_config_key: c.provider ?? "aws", expressions: c.expressions ?? {}, schema_version: 0 });
    }
    const providers = Object.fromEntries(Object.entries(spec.providers ?? { aws: {} }).map(([k, p]) => [k, providerConfig(p)]));
    return {
        format_version: "1.2",
        terraform_version: "1.9.8",
        resource_changes: spec.changes.map(change),
        configuration: { provider_config: providers, root_module: root },
        ...spec.extra,
    };
}

export function tempDir(prefix = "tagguard-plan-"): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writePlan(dir: string, name: string, content: object | string | Buffer): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof content === "string" || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2));
    return file;
}
