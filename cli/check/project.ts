/**
 * A Pulumi project on disk: `Pulumi.yaml`, the program it points at, and a stack's config file, read the
 * way the CLI and the Node language host read them.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

export class UsageError extends Error {}

export interface PulumiProject {
    dir: string;
    name: string;
    /** The program's directory (Pulumi.yaml `main`, else the project directory). */
    programDir: string;
    /** The file Node loads: a `main` that names a file, the program's package.json `main`, else index.ts / index.js. */
    entry: string;
    typescript: boolean;
}

export interface StackConfig {
    stack: string;
    file?: string;
    /** `"ns:key"` -> string, as the engine passes config (objects as JSON text). */
    config: Record<string, string>;
    secretKeys: string[];
}

/** What a program sees for a secure value it cannot decrypt: a secret (made of characters AWS accepts in tags). */
export const SECRET_PLACEHOLDER = "secret-not-decrypted-by-tagguard";

function readYaml(file: string): unknown {
    try {
        return yaml.load(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new UsageError(`${file}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    }
}

function resolveEntry(programDir: string): string {
    const pkgFile = path.join(programDir, "package.json");
    if (fs.existsSync(pkgFile)) {
        const main = (JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: string }).main;
        if (main) {
            const file = path.resolve(programDir, main);
            for (const candidate of [file, `${file}.ts`, `${file}.js`, path.join(file, "index.ts"), path.join(file, "index.js")]) {
                if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
            }
            throw new UsageError(`${pkgFile}: main ${JSON.stringify(main)} does not exist`);
        }
    }
    for (const name of ["index.ts", "index.js"]) {
        const file = path.join(programDir, name);
        if (fs.existsSync(file)) return file;
    }
    throw new UsageError(`${programDir}: no program found (expected index.ts or index.js, or a package.json "main")`);
}

export function readProject(dir: string): PulumiProject {
    const abs = path.resolve(dir);
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(abs, f)).find((f) => fs.existsSync(f));
    if (!file) throw new UsageError(`${abs}: no Pulumi.yaml here (tagguard check takes the directory of a Pulumi project)`);
    const doc = readYaml(file) as { name?: unknown; runtime?: unknown; main?: unknown } | null;
    if (!doc || typeof doc.name !== "string") throw new UsageError(`${file}: \`name\` is required`);
    const runtime = typeof doc.runtime === "string" ? doc.runtime : (doc.runtime as { name?: string } | undefined)?.name;
    if (runtime !== "nodejs") throw new UsageError(`${file}: runtime ${JSON.stringify(runtime)} is not supported; tagguard check runs Node.js (TypeScript or JavaScript) programs`);
    let programDir = abs;
    let entry: string | undefined;
    if (typeof doc.main === "string") {
        const main = path.resolve(abs, doc.main);
        if (!fs.existsSync(main)) throw new UsageError(`${file}: main ${JSON.stringify(doc.main)} does not exist`);
        if (fs.statSync(main).isDirectory()) programDir = main;
        else entry = main;
    }
    entry ??= resolveEntry(programDir);
    return { dir: abs, name: doc.name, programDir, entry, typescript: /\.(ts|mts|cts)$/.test(entry) };
}

/** The stack to check: the one named, the only `Pulumi.<stack>.yaml` present, else `dev`. */
export function chooseStack(project: PulumiProject, requested?: string): string {
    if (requested) return requested;
    const stacks = fs.readdirSync(project.dir).map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1]).filter((s): s is string => !!s);
    if (stacks.length === 1) return stacks[0];
    if (stacks.length > 1) throw new UsageError(`${project.dir}: several stacks (${stacks.sort().join(", ")}); choose one with --stack`);
    return "dev";
}

/** `Pulumi.<stack>.yaml` config in engine form: namespaced keys, string values, secure values kept secret. */
export function readStackConfig(project: PulumiProject, stack: string): StackConfig {
    const file = ["yaml", "yml"].map((ext) => path.join(project.dir, `Pulumi.${stack}.${ext}`)).find((f) => fs.existsSync(f));
    const result: StackConfig = { stack, file, config: {}, secretKeys: [] };
    if (!file) return result;
    const doc = readYaml(file) as { config?: Record<string, unknown> } | null;
    const raw = doc?.config ?? {};
    if (typeof raw !== "object" || Array.isArray(raw)) throw new UsageError(`${file}: \`config\` must be a map`);
    for (const [key, value] of Object.entries(raw)) {
        const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
        if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value && Object.keys(value).length === 1) {
            result.config[fullKey] = SECRET_PLACEHOLDER;
            result.secretKeys.push(fullKey);
        } else if (value !== null && value !== undefined) {
            result.config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return result;
}
