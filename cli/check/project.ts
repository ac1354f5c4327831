/**
 * A Pulumi project on disk (`Pulumi.yaml`) read the way the Pulumi CLI reads it: the program's working
 * directory and entry point (`getPwdMain` in `pkg/engine/project.go`), the Node runtime's options
 * (`parseOptions` in pulumi-language-nodejs), project-level config declarations, and where the stack
 * files live.
 */
import * as fs from "fs";
import * as path from "path";
import { shownValue, visible } from "../../tagset/text";
import { UsageError, readJsonFile, readTextFile, shownPath, isObject } from "../input";
import { MAX_YAML_FILE_BYTES, YamlInputError, loadYaml } from "../yaml-input";

export { UsageError };

export interface NodeRuntimeOptions {
    /** `typescript` (default true): the language host registers ts-node. */
    typescript: boolean;
    /** `tsconfig`: passed on as PULUMI_NODEJS_TSCONFIG_PATH. */
    tsconfig?: string;
    /** `nodeargs`, split as a shell would. */
    nodeargs: string[];
}

export interface PulumiProject {
    /** The project directory (where Pulumi.yaml is). */
    dir: string;
    file: string;
    name: string;
    /** The program's working directory: `main` when it is a directory, its directory when it is a file, else `dir`. */
    programDir: string;
    /** What the language host passes as the program: `.`, or `main`'s file name. */
    entryPoint: string;
    /** The file Node will load, as far as it can be told before running (for messages). */
    entry: string;
    runtime: NodeRuntimeOptions;
    /** Project-level `config:` as written. */
    config: Record<string, unknown>;
    /** Where `Pulumi.<stack>.yaml` files live (`stackConfigDir`, else the project directory). */
    stackConfigDir: string;
}

const PROJECT_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function readYamlFile(file: string): unknown {
    const text = readTextFile(file, "YAML", MAX_YAML_FILE_BYTES);
    try {
        return loadYaml(text, { filename: file, json: true });
    } catch (e) {
        if (!(e instanceof YamlInputError)) throw e;
        const { line, column, reason } = e.problem;
        if (!e.syntax) throw new UsageError(`${shownPath(file)}: ${reason}`);
        throw new UsageError(`${shownPath(file)}${line !== undefined ? `:${line}:${column}` : ""}: not valid YAML (${visible(reason, { max: 120 })})`);
    }
}


/** Splits `nodeargs` as Go's shlex does: whitespace-separated words, single and double quotes, backslash escapes. */
export function splitNodeArgs(text: string): string[] {
    const words: string[] = [];
    let word: string | undefined;
    let quote: "'" | '"' | undefined;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote) {
            if (c === quote) quote = undefined;
            else if (c === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
            else word += c;
        } else if (c === "'" || c === '"') {
            quote = c;
            word ??= "";
        } else if (c === "\\" && i + 1 < text.length) {
            word = (word ?? "") + text[++i];
        } else if (/\s/.test(c)) {
            if (word !== undefined) words.push(word);
            word = undefined;
        } else {
            word = (word ?? "") + c;
        }
    }
    if (quote) throw new UsageError(`runtime.options.nodeargs: unclosed ${quote} quote`);
    if (word !== undefined) words.push(word);
    return words;
}

function runtimeOptions(file: string, runtime: unknown): NodeRuntimeOptions {
    const name = typeof runtime === "string" ? runtime : isObject(runtime) ? runtime.name : undefined;
    if (name !== "nodejs") {
        throw new UsageError(`${file}: runtime ${shownValue(name)} is not supported; tagguard check runs Node.js (TypeScript or JavaScript) programs (the policy pack itself judges programs in any language: \`pulumi preview --policy-pack node_modules/tagguard/policies\`)`);
    }
    const options = isObject(runtime) && isObject(runtime.options) ? runtime.options : {};
    const { typescript = true, tsconfig, nodeargs = "" } = options;
    if (typeof typescript !== "boolean") throw new UsageError(`${file}: runtime.options.typescript must be a boolean`);
    if (tsconfig !== undefined && typeof tsconfig !== "string") throw new UsageError(`${file}: runtime.options.tsconfig must be a string`);
    if (typeof nodeargs !== "string") throw new UsageError(`${file}: runtime.options.nodeargs must be a string`);
    return { typescript, tsconfig, nodeargs: splitNodeArgs(nodeargs) };
}

/** The package.json Node reads for a directory, searched upward as the SDK's runner does (`searchupPackageManifest`). */
function packageJsonAbove(dir: string): { dir: string; pkg: Record<string, unknown> } | undefined {
    for (let d = dir; ; d = path.dirname(d)) {
        const file = path.join(d, "package.json");
        if (fs.existsSync(file)) {
            const pkg = readJsonFile(file, "a package.json");
            if (!isObject(pkg)) throw new UsageError(`${shownPath(file)}: must be a JSON object`);
            return { dir: d, pkg };
        }
        if (path.dirname(d) === d) return undefined;
    }
}

/**
 * The file Node will load for the program, as the SDK's runner picks it: `main` of Pulumi.yaml, else
 * package.json `exports` or `main` (falling back to the directory when the file is missing, as the
 * runner does with a warning), then Node's own index resolution, where ts-node adds `.ts`.
 */
function entryFile(programDir: string, entryPoint: string, runtime: NodeRuntimeOptions): string | undefined {
    const manifest = packageJsonAbove(programDir);
    let target = path.resolve(programDir, entryPoint);
    if (entryPoint === "." && manifest) {
        const { exports, main } = manifest.pkg;
        const mainExport = isObject(exports) ? exports["."] : exports;
        const declared = typeof mainExport === "string" ? mainExport
            : isObject(mainExport) ? [mainExport.default, mainExport.require, mainExport.import].find((x) => typeof x === "string")
            : typeof main === "string" ? main : undefined;
        if (typeof declared === "string" && fs.existsSync(path.join(manifest.dir, declared))) target = path.join(manifest.dir, declared);
    }
    const extensions = [".js", ".mjs", ".cjs", ...(runtime.typescript ? [".ts", ".mts", ".cts"] : [])];
    const candidates = fs.existsSync(target) && fs.statSync(target).isDirectory()
        ? extensions.map((ext) => path.join(target, `index${ext}`))
        : [target, ...extensions.map((ext) => `${target}${ext}`), ...(runtime.typescript ? [target.replace(/\.(m|c)?js$/, ".$1ts")] : [])];
    return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

export function readProject(dir: string): PulumiProject {
    const abs = path.resolve(dir);
    if (!fs.existsSync(abs)) throw new UsageError(`${abs}: no such directory`);
    if (!fs.statSync(abs).isDirectory()) throw new UsageError(`${abs}: not a directory (tagguard check takes the directory of a Pulumi project)`);
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(abs, f)).find((f) => fs.existsSync(f));
    if (!file) throw new UsageError(`${abs}: no Pulumi.yaml here (tagguard check takes the directory of a Pulumi project)`);
    const doc = readYamlFile(file);
    if (!isObject(doc)) throw new UsageError(`${file}: must be a YAML map with \`name\` and \`runtime\``);
    if (typeof doc.name !== "string" || !doc.name) throw new UsageError(`${file}: \`name\` is required`);
    if (!PROJECT_NAME.test(doc.name)) throw new UsageError(`${file}: name ${shownValue(doc.name)} may only contain letters, digits, hyphens, underscores and periods`);
    const runtime = runtimeOptions(file, doc.runtime);
    let programDir = abs;
    let entryPoint = ".";
    if (doc.main !== undefined && doc.main !== null) {
        if (typeof doc.main !== "string") throw new UsageError(`${file}: \`main\` must be a string`);
        if (path.isAbsolute(doc.main)) throw new UsageError(`${file}: project 'main' must be a relative path`);
        const main = path.resolve(abs, doc.main);
        if (main !== abs && !main.startsWith(abs + path.sep)) throw new UsageError(`${file}: project 'main' must be a subfolder`);
        if (!fs.existsSync(main)) throw new UsageError(`${file}: main ${shownValue(doc.main)} does not exist`);
        if (fs.statSync(main).isDirectory()) programDir = main;
        else {
            programDir = path.dirname(main);
            entryPoint = path.basename(main);
        }
    }
    // `config: <folder>` is the deprecated spelling of `stackConfigDir`, which the CLI still reads.
    if (doc.config !== undefined && doc.config !== null && !isObject(doc.config) && typeof doc.config !== "string") throw new UsageError(`${file}: \`config\` must be a map (or, deprecated, the stack config folder)`);
    if (typeof doc.config === "string" && typeof doc.stackConfigDir === "string") throw new UsageError(`${file}: Should not use both config and stackConfigDir to define the stack config directory. Use only stackConfigDir instead.`);
    const configDir = typeof doc.stackConfigDir === "string" ? doc.stackConfigDir : typeof doc.config === "string" ? doc.config : undefined;
    let stackConfigDir = abs;
    if (configDir !== undefined) {
        stackConfigDir = path.resolve(abs, configDir);
        if (stackConfigDir !== abs && !stackConfigDir.startsWith(abs + path.sep)) throw new UsageError(`${file}: ${typeof doc.stackConfigDir === "string" ? "stackConfigDir" : "config"} must be inside the project`);
    }
    const entry = entryFile(programDir, entryPoint, runtime);
    if (!entry) throw new UsageError(`${programDir}: no program found (expected index.ts or index.js, a package.json "main", or Pulumi.yaml \`main\`)`);
    return { dir: abs, file, name: doc.name, programDir, entryPoint, entry, runtime, config: isObject(doc.config) ? doc.config : {}, stackConfigDir };
}

export interface StackRef {
    /** The short stack name (`dev`), which names `Pulumi.<stack>.yaml`. */
    name: string;
    /** From a fully qualified `org/stack` or `org/project/stack`. */
    organization?: string;
    /** The stack's config file, when there is one. */
    file?: string;
}

const stackFileOf = (project: PulumiProject, name: string): string | undefined =>
    ["yaml", "yml"].map((ext) => path.join(project.stackConfigDir, `Pulumi.${name}.${ext}`)).find((f) => fs.existsSync(f));

/** The stack to check: the one named (its file must exist), the only `Pulumi.<stack>.yaml` present, else `dev` without a file. */
export function chooseStack(project: PulumiProject, requested?: string): StackRef {
    if (requested !== undefined) {
        const parts = requested.split("/");
        if (!requested || parts.length > 3 || parts.some((p) => !p)) throw new UsageError(`--stack ${shownValue(requested)}: expected a stack name, org/stack or org/project/stack`);
        if (parts.length === 3 && parts[1] !== project.name) throw new UsageError(`--stack ${shownValue(requested)}: names project "${parts[1]}", but this is project "${project.name}"`);
        const name = parts[parts.length - 1];
        const file = stackFileOf(project, name);
        if (!file) throw new UsageError(`--stack ${shownValue(requested)}: ${path.join(project.stackConfigDir, `Pulumi.${name}.yaml`)} does not exist`);
        return { name, organization: parts.length > 1 ? parts[0] : undefined, file };
    }
    const stacks = fs.existsSync(project.stackConfigDir)
        ? fs.readdirSync(project.stackConfigDir).map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1]).filter((s): s is string => !!s)
        : [];
    if (stacks.length === 1) return { name: stacks[0], file: stackFileOf(project, stacks[0]) };
    if (stacks.length > 1) throw new UsageError(`${project.stackConfigDir}: several stacks (${stacks.sort().join(", ")}); choose one with --stack`);
    return { name: "dev" };
}
