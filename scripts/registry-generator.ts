/**
 * Derives the registries of taggable types from the installed `@pulumi/aws` and `@pulumi/aws-native`
 * typings with the TypeScript compiler API (syntax trees only: no type checker, so a whole provider
 * parses in seconds). Both packages lay out their typings the same way.
 *
 * Facts read per resource class `X` in `<module>/<file>.d.ts`:
 * - its type token, from `X.__pulumiType` in the compiled `<file>.js` (never reconstructed by naming rules);
 * - the shape of `XArgs.tags`: a string map, a list of `{ key, value, propagateAtLaunch }` (autoscaling
 *   groups), or a list of `{ key, value }` (Cloud Control);
 * - the nested inputs that carry tags to what it creates (maps named `*Tags` or nested `tags`, and lists
 *   of `{ resourceType, tags }` tag specifications), launch-template references, `tagPropagation`,
 *   `propagateTagsToVolumeOnCreation`, and groups of instances a service runs and bills to the resource
 *   (lists of blocks with `instanceType` and `instanceCount`: SageMaker HyperPod's instance groups).
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import type { RegistryEntry, TagCarrier } from "../tagset/registry-types";

const MAX_DEPTH = 4;

/**
 * Nested blocks whose own `tags` map tags something the resource creates. Other nested `tags` maps
 * (lifecycle and replication filters, backup selections, ...) are predicates, not carriers, and
 * structure alone cannot tell them apart, so the blocks that carry cost are named here.
 */
const CARRIER_BLOCKS: readonly [RegExp, "volumes" | "instances"][] = [
    [/BlockDevices?$/, "volumes"],
    [/^launchSpecifications?$/, "instances"],
    // AWS Batch applies `computeResources.tags` to the instances it launches; the environment's own tags reach nothing.
    [/^computeResources$/, "instances"],
];

/** `namespace.Interface` -> its declaration, for `inputs.<ns>.<Name>` references. */
type InputTypes = Map<string, ts.InterfaceDeclaration>;

function parse(file: string): ts.SourceFile {
    return ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
}

function readInputTypes(file: string): InputTypes {
    const types: InputTypes = new Map();
    const visit = (node: ts.Node, prefix: string): void => {
        if (ts.isModuleDeclaration(node) && node.body) {
            const name = prefix ? `${prefix}.${node.name.getText(source)}` : node.name.getText(source);
            if (ts.isModuleBlock(node.body)) node.body.statements.forEach((s) => visit(s, name));
            else visit(node.body, name);
        } else if (ts.isInterfaceDeclaration(node)) {
            types.set(prefix ? `${prefix}.${node.name.text}` : node.name.text, node);
        }
    };
    const source = parse(file);
    source.statements.forEach((s) => visit(s, ""));
    return types;
}

/** Strips `pulumi.Input<...>`, `| undefined` and parentheses; reports whether an array was crossed. */
function unwrap(type: ts.TypeNode, source: ts.SourceFile): { type: ts.TypeNode; isArray: boolean } {
    let isArray = false;
    for (;;) {
        if (ts.isParenthesizedTypeNode(type)) {
            type = type.type;
        } else if (ts.isTypeReferenceNode(type) && type.typeName.getText(source) === "pulumi.Input" && type.typeArguments?.length === 1) {
            type = type.typeArguments[0];
        } else if (ts.isUnionTypeNode(type)) {
            const defined = type.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword && !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword));
            if (defined.length !== 1) return { type, isArray };
            type = defined[0];
        } else if (ts.isArrayTypeNode(type)) {
            isArray = true;
            type = type.elementType;
        } else {
            return { type, isArray };
        }
    }
}

function isStringMap(type: ts.TypeNode): boolean {
    return ts.isTypeLiteralNode(type) && type.members.length === 1 && ts.isIndexSignatureDeclaration(type.members[0]);
}

function propertyName(member: ts.TypeElement, source: ts.SourceFile): string | undefined {
    return ts.isPropertySignature(member) && member.name ? member.name.getText(source).replace(/^["']|["']$/g, "") : undefined;
}

function properties(decl: ts.InterfaceDeclaration, source: ts.SourceFile): Map<string, ts.TypeNode> {
    const props = new Map<string, ts.TypeNode>();
    for (const m of decl.members) {
        const name = propertyName(m, source);
        if (name && ts.isPropertySignature(m) && m.type) props.set(name, m.type);
    }
    return props;
}

interface Context {
    inputs: InputTypes;
    inputsSource: ts.SourceFile;
}

/** The interface an `inputs.<ns>.<Name>` reference points at, if any. */
function referencedInput(type: ts.TypeNode, source: ts.SourceFile, ctx: Context): ts.InterfaceDeclaration | undefined {
    if (!ts.isTypeReferenceNode(type)) return undefined;
    const name = type.typeName.getText(source);
    return name.startsWith("inputs.") ? ctx.inputs.get(name.slice("inputs.".length)) : undefined;
}

function tagShape(type: ts.TypeNode, source: ts.SourceFile, ctx: Context): RegistryEntry["tags"] {
    const { type: inner, isArray } = unwrap(type, source);
    if (!isArray && isStringMap(inner)) return "map";
    const element = isArray ? referencedInput(inner, source, ctx) : undefined;
    if (element) {
        const members = properties(element, ctx.inputsSource);
        if (members.has("key") && members.has("value") && members.has("propagateAtLaunch")) return "asg-list";
        if (members.has("key") && members.has("value")) return "kv-list";
    }
    // Any other form (free-form strings, untyped JSON) is not one tagguard writes or reads.
    return "none";
}

interface Found {
    carriers: TagCarrier[];
    launchTemplateRefs: string[];
    instanceGroups: string[];
}

function walk(props: Map<string, ts.TypeNode>, source: ts.SourceFile, prefix: string, parent: string, depth: number, ctx: Context, found: Found, seen: Set<ts.InterfaceDeclaration>): void {
    for (const [name, typeNode] of [...props].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (depth === 0 && (name === "tags" || name === "tagsAll")) continue;
        const { type, isArray } = unwrap(typeNode, source);
        const here = `${prefix}${name}${isArray ? "[]" : ""}`;
        if (isStringMap(type)) {
            const reaches = depth === 0 && name === "volumeTags" ? "volumes" : name === "tags" ? CARRIER_BLOCKS.find(([block]) => block.test(parent))?.[1] : undefined;
            if (reaches) found.carriers.push({ path: here, shape: "map", reaches });
            continue;
        }
        const target = referencedInput(type, source, ctx);
        if (!target || seen.has(target)) continue;
        const nested = properties(target, ctx.inputsSource);
        if (name === "tagSpecifications" && isArray && nested.has("resourceType") && nested.has("tags")) {
            const tags = nested.get("tags");
            const carrier: TagCarrier = { path: here, shape: "tag-specifications" };
            // Inside a launch specification, the specifications tag what it launches (`instance`); elsewhere the entries name their resource types.
            const reaches = CARRIER_BLOCKS.find(([block]) => block.test(parent))?.[1];
            if (reaches) carrier.reaches = reaches;
            if (tags !== undefined && tagShape(tags, ctx.inputsSource, ctx) === "kv-list") carrier.tagList = true;
            found.carriers.push(carrier);
            continue;
        }
        if (depth === 0 && isArray && nested.has("instanceType") && nested.has("instanceCount")) found.instanceGroups.push(here);
        if (/^launchTemplate(Specification)?$/.test(name) && ["id", "name", "launchTemplateId", "launchTemplateName"].some((k) => nested.has(k))) {
            found.launchTemplateRefs.push(here);
            continue;
        }
        if (depth + 1 < MAX_DEPTH) walk(nested, ctx.inputsSource, `${here}.`, name, depth + 1, ctx, found, new Set([...seen, target]));
    }
}

/** The type token assigned to `<Class>.__pulumiType` in the compiled module. */
function typeToken(jsFile: string, className: string): string | undefined {
    if (!fs.existsSync(jsFile)) return undefined;
    let token: string | undefined;
    const visit = (node: ts.Node): void => {
        if (token) return;
        if (ts.isPropertyDeclaration(node) && node.name.getText(js) === "__pulumiType" && node.initializer && ts.isStringLiteral(node.initializer)
            && ts.isClassDeclaration(node.parent) && node.parent.name?.text === className) {
            token = node.initializer.text;
        } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && node.left.getText(js) === `${className}.__pulumiType`
            && ts.isStringLiteral(node.right)) {
            token = node.right.text;
        }
        ts.forEachChild(node, visit);
    };
    const js = parse(jsFile);
    visit(js);
    return token;
}

function extendsCustomResource(decl: ts.ClassDeclaration, source: ts.SourceFile): boolean {
    return (decl.heritageClauses ?? []).some((h) => h.types.some((t) => t.expression.getText(source) === "pulumi.CustomResource"));
}

function entriesOf(file: string, module: string, ctx: Context): [string, RegistryEntry][] {
    const source = parse(file);
    const interfaces = new Map<string, ts.InterfaceDeclaration>();
    const classes: ts.ClassDeclaration[] = [];
    for (const s of source.statements) {
        if (ts.isInterfaceDeclaration(s)) interfaces.set(s.name.text, s);
        if (ts.isClassDeclaration(s) && s.name && extendsCustomResource(s, source)) classes.push(s);
    }
    const result: [string, RegistryEntry][] = [];
    for (const cls of classes) {
        const className = cls.name!.text;
        const token = typeToken(file.replace(/\.d\.ts$/, ".js"), className);
        if (!token) throw new Error(`${file}: no __pulumiType for class ${className}`);
        const args = interfaces.get(`${className}Args`);
        const props = args ? properties(args, source) : new Map<string, ts.TypeNode>();
        const tagsType = props.get("tags");
        const entry: RegistryEntry = { module, tags: tagsType ? tagShape(tagsType, source, ctx) : "none" };
        const found: Found = { carriers: [], launchTemplateRefs: [], instanceGroups: [] };
        walk(props, source, "", "", 0, ctx, found, new Set());
        // A launch template's own tag specifications tag the template; those of its launch data tag what it launches.
        const carriers = found.carriers.some((c) => c.shape === "tag-specifications" && c.path.includes("."))
            ? found.carriers.filter((c) => c.shape !== "tag-specifications" || c.path.includes("."))
            : found.carriers;
        if (carriers.length) entry.carriers = carriers;
        if (found.launchTemplateRefs.length) entry.launchTemplateRefs = found.launchTemplateRefs;
        if (found.instanceGroups.length && entry.tags !== "none") entry.instanceGroups = found.instanceGroups;
        if (props.has("tagPropagation")) entry.tagPropagation = true;
        if (props.has("propagateTagsToVolumeOnCreation")) entry.volumeTagPropagation = "propagateTagsToVolumeOnCreation";
        if (className === "LaunchTemplate" && module === "ec2") entry.launchTemplate = true;
        if (cls.members.some((m) => ts.isPropertyDeclaration(m) && m.name.getText(source) === "tagsAll")) entry.tagsAll = true;
        result.push([token, entry]);
    }
    return result;
}

/** Reads the resource modules of the provider package at `packageDir`: every module, or those named. */
export function buildRegistry(packageDir: string, only?: readonly string[]): { version: string; entries: [string, RegistryEntry][] } {
    const inputsFile = path.join(packageDir, "types", "input.d.ts");
    const ctx: Context = { inputs: readInputTypes(inputsFile), inputsSource: parse(inputsFile) };
    const version = (JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string }).version;
    const entries: [string, RegistryEntry][] = [];
    const modules = fs.readdirSync(packageDir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !["types", "config", "node_modules", "scripts"].includes(d.name) && (!only || only.includes(d.name)))
        .map((d) => d.name)
        .sort();
    for (const module of modules) {
        const dir = path.join(packageDir, module);
        for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".d.ts") && f !== "index.d.ts").sort()) {
            entries.push(...entriesOf(path.join(dir, file), module, ctx));
        }
    }
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { version, entries };
}

/** The committed source of `tagset/registry.generated.ts`. */
export function renderRegistry(awsDir: string): string {
    const { version, entries } = buildRegistry(awsDir);
    return renderEntries(entries, `@pulumi/aws ${version}`, "@pulumi/aws", "REGISTRY", version);
}

/**
 * The modules of `@pulumi/aws-native` tagguard reads: the mission's five services (EC2 with its volumes,
 * S3 with its directory and table buckets, EKS, SageMaker, MSK), and the autoscaling groups and AWS Batch
 * compute environments that launch EC2 instances. The module names match `@pulumi/aws`'s, so one
 * `services` setting scopes both providers.
 */
export const AWS_NATIVE_MODULES = ["autoscaling", "batch", "ec2", "eks", "msk", "s3", "s3express", "s3tables", "sagemaker"] as const;

/** The committed source of `tagset/aws-native.generated.ts`. */
export function renderAwsNativeRegistry(awsNativeDir: string): string {
    const { version, entries } = buildRegistry(awsNativeDir, AWS_NATIVE_MODULES);
    return renderEntries(entries, `@pulumi/aws-native ${version}`, "@pulumi/aws-native", "AWS_NATIVE_REGISTRY", version);
}

function renderEntries(entries: [string, RegistryEntry][], source: string, pkg: string, name: string, version: string): string {
    return [
        `// Generated by scripts/generate-registry.ts from ${source} (${entries.length} resource types).`,
        `// Do not edit: run \`npm run generate:registry\` after upgrading ${pkg}.`,
        'import type { RegistryEntry } from "./registry-types";',
        "",
        `export const ${name}_SOURCE_VERSION = ${JSON.stringify(version)};`,
        "",
        `export const ${name}: Readonly<Record<string, RegistryEntry>> = {`,
        ...entries.map(([token, entry]) => `    ${JSON.stringify(token)}: ${JSON.stringify(entry)},`),
        "};",
        "",
    ].join("\n");
}
