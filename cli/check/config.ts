/**
 * A stack's configuration as the Pulumi CLI assembles it for a preview: the stack file's values
 * (`secure:` values at any depth), `--config key=value` overrides, then project-level `config:` from
 * Pulumi.yaml (values and defaults for keys the stack lacks, declared types and secrecy validated),
 * as `mergeConfig` in `sdk/go/common/workspace/config.go` does.
 *
 * Encrypted values are decrypted when the stack uses the passphrase secrets provider and
 * PULUMI_CONFIG_PASSPHRASE (or _FILE) is set; otherwise the program sees a placeholder secret, and a
 * provider setting built from one holds an unknown value (tagguard cannot know it; a real preview does).
 */
import * as crypto from "crypto";
import { shownValue } from "../../tagset/text";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_VALUE } from "../../tagset/values";
import { UsageError, readTextFile, shownPath, isObject } from "../input";
import { readYamlFile, type PulumiProject, type StackRef } from "./project";

/** What a program sees for a secure value tagguard cannot decrypt: a secret made of characters AWS accepts in tags. */
export const SECRET_PLACEHOLDER = "secret-not-decrypted-by-tagguard";

export interface ConfigEntry {
    /** The value the program reads (objects and lists as JSON text). */
    text: string;
    secret: boolean;
    /** The value with encrypted parts tagguard could not decrypt replaced by unknowns; set only when there are such parts. */
    withUnknowns?: unknown;
}

export interface StackConfig {
    stack: string;
    organization?: string;
    file?: string;
    /** `"ns:key"` -> entry. */
    entries: Map<string, ConfigEntry>;
    /** `"ns:key"` -> string, as the engine passes config to a program and a pack. */
    config: Record<string, string>;
    secretKeys: string[];
    /** Keys holding encrypted values tagguard could not decrypt. */
    undecrypted: string[];
}

const isSecure = (v: unknown): v is { secure: unknown } => isObject(v) && "secure" in v && Object.keys(v).length === 1;

/** `key` or `ns:key` -> `ns:key`; the CLI's `parseConfigKey`. */
export function fullKey(key: string, projectName: string, where: string): string {
    if (!key) throw new UsageError(`${where}: an empty config key`);
    const namespaced = key.includes(":") ? key : `${projectName}:${key}`;
    const [ns, ...rest] = namespaced.split(":");
    const name = rest[rest.length - 1] === undefined ? "" : rest.join(":").replace(/^config:/, "");
    if (!ns || !name) throw new UsageError(`${where}: config key ${shownValue(key)} must be \`name\` or \`namespace:name\``);
    return `${ns}:${name}`;
}

/** A primitive as the CLI writes it (`fmt.Sprintf("%v")`). */
const primitiveText = (v: unknown): string => String(v);

interface Decrypter {
    decrypt(ciphertext: string, where: string): string;
}

/**
 * The passphrase secrets provider (`pkg/secrets/passphrase`): AES-256-GCM with a key derived by
 * PBKDF2-SHA256 (1,000,000 iterations) from the passphrase and the stack's `encryptionsalt`
 * (`v1:<salt>:<encrypted "pulumi">`); values are `v1:<nonce>:<ciphertext+tag>`, base64.
 */
function passphraseDecrypter(salt: string, passphrase: string, file: string): Decrypter {
    const [version, saltB64] = salt.split(":");
    if (version !== "v1" || !saltB64) throw new UsageError(`${shownPath(file)}: encryptionsalt is not a v1 passphrase state`);
    const key = crypto.pbkdf2Sync(passphrase, Buffer.from(saltB64, "base64"), 1_000_000, 32, "sha256");
    const decrypt = (ciphertext: string, where: string): string => {
        const [v, nonce, data] = ciphertext.split(":");
        try {
            if (v !== "v1" || !nonce || !data) throw new Error("bad value");
            const bytes = Buffer.from(data, "base64");
            const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
            decipher.setAuthTag(bytes.subarray(bytes.length - 16));
            return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
        } catch {
            throw new UsageError(`${where}: cannot be decrypted with PULUMI_CONFIG_PASSPHRASE`);
        }
    };
    let check: string | undefined;
    try {
        check = decrypt(salt.slice(salt.indexOf(":", salt.indexOf(":") + 1) + 1), "encryptionsalt");
    } catch {
        check = undefined;
    }
    if (check !== "pulumi") throw new UsageError(`${shownPath(file)}: incorrect passphrase (PULUMI_CONFIG_PASSPHRASE)`);
    return { decrypt };
}

function passphrase(env: NodeJS.ProcessEnv): string | undefined {
    if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
    if (env.PULUMI_CONFIG_PASSPHRASE_FILE) return readTextFile(env.PULUMI_CONFIG_PASSPHRASE_FILE, "passphrase").replace(/\r?\n$/, "");
    return undefined;
}

/**
 * One stack-file value: its text for the program, whether it is secret, and its unknown-bearing form
 * when some encrypted part could not be decrypted.
 */
function stackValue(raw: unknown, decrypter: Decrypter | undefined, where: string): ConfigEntry {
    let secret = false;
    let undecrypted = false;
    const plain = (v: unknown, path: string): unknown => {
        if (isSecure(v)) {
            secret = true;
            if (typeof v.secure !== "string") throw new UsageError(`${path}: \`secure\` must be a string`);
            if (decrypter) return { value: decrypter.decrypt(v.secure, path) };
            undecrypted = true;
            return { undecrypted: true };
        }
        if (Array.isArray(v)) return v.map((x, i) => plain(x, `${path}[${i}]`));
        if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x, `${path}.${k}`)]));
        return v;
    };
    const resolved = plain(raw, where);
    // Two renderings: what the program reads (placeholders), and what a provider would hold (unknowns).
    const render = (v: unknown, undecryptedAs: unknown): unknown => {
        if (isObject(v) && "undecrypted" in v && Object.keys(v).length === 1) return undecryptedAs;
        if (isObject(v) && "value" in v && Object.keys(v).length === 1 && typeof v.value === "string") return v.value;
        if (Array.isArray(v)) return v.map((x) => render(x, undecryptedAs));
        if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, render(x, undecryptedAs)]));
        return v;
    };
    const forProgram = render(resolved, SECRET_PLACEHOLDER);
    const text = typeof forProgram === "string" ? forProgram : isObject(forProgram) || Array.isArray(forProgram) ? JSON.stringify(forProgram) : primitiveText(forProgram);
    const entry: ConfigEntry = { text, secret };
    if (undecrypted) entry.withUnknowns = render(resolved, UNKNOWN_VALUE);
    return entry;
}

const DECLARATION_KEYS = new Set(["type", "items", "description", "secret", "default", "value"]);
const SIMPLE_TYPES = new Set(["string", "integer", "boolean", "array"]);

interface Declaration {
    type?: string;
    items?: unknown;
    secret?: boolean;
    default?: unknown;
    value?: unknown;
    hasDefault: boolean;
    hasValue: boolean;
}

/**
 * A project-level config entry as the CLI's project schema (`sdk/go/common/workspace/project.json`)
 * takes it: a string, an integer, a boolean or a list, or a declaration (`type`, `items`, `description`,
 * `secret`, `default`, `value`; an object value goes under `value:`).
 */
function declaration(key: string, raw: unknown, file: string): Declaration {
    const where = `${shownPath(file)}: config.${shownValue(key)}`;
    if (typeof raw === "number" && !Number.isInteger(raw)) throw new UsageError(`${where}: ${raw} is not an integer; the project schema takes a string, an integer, a boolean, a list or a declaration (quote it to pass it as a string)`);
    if (raw === null || ["string", "number", "boolean"].includes(typeof raw) || Array.isArray(raw)) return { value: raw, hasValue: raw !== null, hasDefault: false };
    if (!isObject(raw)) throw new UsageError(`${where}: must be a string, integer, boolean, list or a declaration with \`type\`, \`default\` or \`value\``);
    const unknown = Object.keys(raw).filter((k) => !DECLARATION_KEYS.has(k));
    if (unknown.length) throw new UsageError(`${where}: unknown field ${shownValue(unknown[0])} (a declaration takes type, items, description, secret, default, value; give an object value as \`value:\`)`);
    if (raw.type !== undefined && !SIMPLE_TYPES.has(raw.type as string)) throw new UsageError(`${where}: type must be one of string, integer, boolean, array`);
    if (raw.type === "array" && !isObject(raw.items)) throw new UsageError(`${where}: a declaration of type array needs \`items\` (such as \`items: {type: string}\`)`);
    if (raw.secret !== undefined && typeof raw.secret !== "boolean") throw new UsageError(`${where}: secret must be a boolean`);
    return { type: raw.type as string | undefined, items: raw.items, secret: raw.secret as boolean | undefined, default: raw.default, value: raw.value, hasDefault: "default" in raw && raw.default !== null, hasValue: "value" in raw && raw.value !== null };
}

function matchesType(type: string, items: unknown, value: unknown): boolean {
    switch (type) {
        case "string": return typeof value === "string";
        case "integer": return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^-?\d+$/.test(value));
        case "boolean": return typeof value === "boolean" || value === "true" || value === "false";
        case "array": {
            if (!Array.isArray(value)) return false;
            const itemType = isObject(items) && typeof items.type === "string" ? items.type : undefined;
            return itemType === undefined || value.every((v) => matchesType(itemType, isObject(items) ? items.items : undefined, v));
        }
        default: return true;
    }
}

export interface ConfigSources {
    project: PulumiProject;
    stack: StackRef;
    /** `--config key=value` (each overrides the stack file). */
    overrides?: readonly string[];
    env?: NodeJS.ProcessEnv;
}

export function readStackConfig({ project, stack, overrides = [], env = process.env }: ConfigSources): StackConfig {
    const entries = new Map<string, ConfigEntry>();
    const rawStack = new Map<string, unknown>();
    if (stack.file) {
        const doc = readYamlFile(stack.file);
        if (doc !== null && doc !== undefined && !isObject(doc)) throw new UsageError(`${shownPath(stack.file)}: must be a YAML map`);
        const raw = isObject(doc) ? doc.config ?? {} : {};
        if (!isObject(raw)) throw new UsageError(`${shownPath(stack.file)}: \`config\` must be a map`);
        const salt = isObject(doc) && typeof doc.encryptionsalt === "string" ? doc.encryptionsalt : undefined;
        const needsDecrypting = JSON.stringify(raw).includes('"secure"');
        const phrase = needsDecrypting && salt ? passphrase(env) : undefined;
        const decrypter = phrase !== undefined && salt ? passphraseDecrypter(salt, phrase, stack.file) : undefined;
        for (const [key, value] of Object.entries(raw)) {
            const k = fullKey(key, project.name, shownPath(stack.file));
            if (value === null || value === undefined) continue;
            rawStack.set(k, value);
            entries.set(k, stackValue(value, decrypter, `${shownPath(stack.file)}: ${shownValue(key)}`));
        }
    }
    for (const override of overrides) {
        const eq = override.indexOf("=");
        if (eq <= 0) throw new UsageError(`--config ${shownValue(override)}: expected key=value`);
        const k = fullKey(override.slice(0, eq), project.name, "--config");
        const text = override.slice(eq + 1);
        rawStack.set(k, text);
        entries.set(k, { text, secret: false });
    }
    const missing: string[] = [];
    for (const [key, raw] of Object.entries(project.config).sort(([a], [b]) => a.localeCompare(b))) {
        const decl = declaration(key, raw, project.file);
        const k = fullKey(key, project.name, `${shownPath(project.file)}: config`);
        const onStack = entries.get(k);
        if (!onStack) {
            if (decl.hasValue || decl.hasDefault) {
                const value = decl.hasDefault ? decl.default : decl.value;
                entries.set(k, { text: isObject(value) || Array.isArray(value) ? JSON.stringify(value) : primitiveText(value), secret: false });
            } else if (k.startsWith(`${project.name}:`)) {
                missing.push(key);
            }
            continue;
        }
        if (decl.secret && !onStack.secret) throw new UsageError(`Stack '${stack.name}' with configuration key '${key}' must be encrypted as it's secret`);
        if (decl.type && !onStack.withUnknowns) {
            const raw = rawStack.get(k);
            const value = isSecure(raw) ? (decl.type === "array" ? safeJson(onStack.text) : onStack.text)
                : isObject(raw) || Array.isArray(raw) ? safeJson(onStack.text)
                : typeof raw === "string" && decl.type === "array" ? safeJson(raw) : raw;
            if (!matchesType(decl.type, decl.items, value)) {
                throw new UsageError(`Stack '${stack.name}' with configuration key '${key}' must be of type '${decl.type}'`);
            }
        }
    }
    if (missing.length) throw new UsageError(`Stack '${stack.name}' is missing configuration value${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")} (declared in ${shownPath(project.file)} without a default)`);
    const config = Object.fromEntries([...entries].map(([k, e]) => [k, e.text]));
    return {
        stack: stack.name,
        organization: stack.organization,
        file: stack.file,
        entries,
        config,
        secretKeys: [...entries].filter(([, e]) => e.secret).map(([k]) => k).sort(),
        undecrypted: [...entries].filter(([, e]) => e.withUnknowns !== undefined).map(([k]) => k).sort(),
    };
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/**
 * A config entry as an input of the engine's default provider: plain text, a secret when the key is
 * secret, unknown where tagguard could not decrypt.
 */
export function providerInput(entry: ConfigEntry): unknown {
    const value = entry.withUnknowns === undefined ? entry.text : entry.withUnknowns;
    return entry.secret ? { [SECRET_SIG_KEY]: SECRET_SIG, value } : value;
}
