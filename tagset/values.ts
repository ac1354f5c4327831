/**
 * Reading property values as the Pulumi engine sends them, without the SDK: unknown sentinels, secret
 * wrappers, and props wrapped in the SDK's unknown-checking proxy (which throws when an unknown value
 * is read through it).
 */

/** The engine's sentinel for a value not known until update. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The engine's and the Node SDK's sentinels for values not known until update. */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    UNKNOWN_VALUE, // any / string
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The signature key and value of a secret on the wire: `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Every sentinel is a UUID: other strings are told apart by length alone, without hashing them. */
export const isUnknown = (v: unknown): boolean => typeof v === "string" && v.length === UNKNOWN_VALUE.length && UNKNOWN_SENTINELS.has(v);

/** A value that must not be quoted: a wire secret, or the SDK's `Secret` wrapper (remediation). */
export function isSecretWrapper(v: unknown): v is object {
    if (typeof v !== "object" || v === null) return false;
    if (readOwn(v, SECRET_SIG_KEY) === SECRET_SIG) return true;
    // Asked of every value read: plain objects and lists, nearly all of them, are never the SDK's `Secret`.
    const proto = Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null;
    if (proto === Object.prototype || proto === Array.prototype) return false;
    return proto?.constructor?.name === "Secret" && Object.keys(v).length === 1 && "value" in v;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** The keys by which the SDK's proxies (`proxy.ts`, `secret.ts` in @pulumi/policy) identify themselves and give up their target. */
const IS_SPECIAL_PROXY = "__isSpecialProxy";
const SPECIAL_PROXY_TARGET = "__getSpecialProxyTarget";

/**
 * The raw value behind the SDK's proxies (props, provider props), read without tripping them: the
 * proxies hand out their target for their own special key, as the SDK's serializer asks them. Nothing
 * below the top level is a proxy (they wrap nested values lazily on read). If a proxy does not answer
 * that key, its top level is copied through property descriptors, which its `get` trap never sees.
 * Everything else in tagguard reads the result with `readOwn`.
 */
export function snapshot(obj: unknown): unknown {
    if (typeof obj !== "object" || obj === null) return obj;
    let current = obj as Record<string, unknown>;
    try {
        for (let depth = 0; depth < 4 && current[IS_SPECIAL_PROXY] === true; depth++) {
            const target = current[SPECIAL_PROXY_TARGET];
            if (typeof target !== "object" || target === null || target === current) return descriptorCopy(current);
            current = target as Record<string, unknown>;
        }
        return current;
    } catch {
        return descriptorCopy(current);
    }
}

function descriptorCopy(obj: object): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    try {
        for (const key of Object.keys(obj)) {
            const desc = Object.getOwnPropertyDescriptor(obj, key);
            if (desc && "value" in desc) setOwn(raw, key, desc.value);
        }
    } catch {
        // what could be read is kept
    }
    return raw;
}

/** Shared by every result that holds no keys or strings: read-only by type, and nothing writes to them. */
export const NO_KEYS: ReadonlySet<string> = new Set();
export const NO_STRINGS: readonly string[] = Object.freeze([]);

/** Sets an own property, `__proto__` included: keys that come from users (tag keys) are data, never the prototype. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
    if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
    else obj[key] = value;
}

/** An own property of a plain (snapshotted) value; undefined for anything else. */
export function readOwn(obj: unknown, key: string | number): unknown {
    return typeof obj === "object" && obj !== null && hasOwn.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** Own enumerable keys. */
export function ownKeys(obj: unknown): string[] {
    if (typeof obj !== "object" || obj === null) return [];
    try {
        return Object.keys(obj);
    } catch {
        return [];
    }
}

/**
 * Reads a path such as `rootBlockDevice.tags` or `ebsBlockDevices[].tags`. Each `[]` fans out over a
 * list. Returns every value found, `"unknown"` where a step is unknown. A value found inside a secret
 * (the value itself, or anything on the way to it) is returned as a secret, so readers keep the flag.
 */
export function readPath(root: unknown, path: string): unknown[] {
    const segments = pathSegments(path);
    const plain = plainRead(root, segments);
    if (plain !== SECRET_ON_THE_WAY) return plain;
    // Parallel lists, not pairs: read for every carrier of every resource.
    let nodes: unknown[] = [root];
    let secrets: boolean[] = [false];
    for (let s = 0; s < segments.length; s++) {
        const { key, list } = segments[s];
        const nextNodes: unknown[] = [];
        const nextSecrets: boolean[] = [];
        for (let n = 0; n < nodes.length; n++) {
            const node = nodes[n];
            if (isUnknown(node)) {
                nextNodes.push(node);
                nextSecrets.push(secrets[n]);
                continue;
            }
            const raw = readOwn(node, key);
            const wrapped = isSecretWrapper(raw);
            const found = wrapped ? unwrapSecret(raw) : raw;
            const secret = wrapped || secrets[n];
            if (found === undefined || found === null) continue;
            if (!list || isUnknown(found)) {
                nextNodes.push(found);
                nextSecrets.push(secret);
            } else if (Array.isArray(found)) {
                for (let i = 0; i < found.length; i++) {
                    const element = readOwn(found, String(i));
                    const elementWrapped = isSecretWrapper(element);
                    nextNodes.push(elementWrapped ? unwrapSecret(element) : element);
                    nextSecrets.push(elementWrapped || secret);
                }
            }
        }
        nodes = nextNodes;
        secrets = nextSecrets;
    }
    for (let n = 0; n < nodes.length; n++) if (secrets[n] && !isUnknown(nodes[n])) nodes[n] = { [SECRET_SIG_KEY]: SECRET_SIG, value: nodes[n] };
    return nodes;
}

const SECRET_ON_THE_WAY: unknown[] = [];

/**
 * `readPath` of a path without fan-out through values without secrets, which is nearly every read: one
 * walk, no lists. `SECRET_ON_THE_WAY` when the path fans out or meets a secret, for the general walk.
 */
function plainRead(root: unknown, segments: readonly { key: string; list: boolean }[]): unknown[] {
    let node = root;
    for (let s = 0; s < segments.length; s++) {
        if (segments[s].list) return SECRET_ON_THE_WAY;
        if (isUnknown(node)) return [node];
        const found = readOwn(node, segments[s].key);
        if (found === undefined || found === null) return [];
        if (typeof found === "object" && isSecretWrapper(found)) return SECRET_ON_THE_WAY;
        node = found;
    }
    return [node];
}

const parsedPaths = new Map<string, readonly { key: string; list: boolean }[]>();

/** `ebsBlockDevices[].tags` -> `[{ key: "ebsBlockDevices", list: true }, { key: "tags", list: false }]`; the registry has a few dozen paths. */
function pathSegments(path: string): readonly { key: string; list: boolean }[] {
    let segments = parsedPaths.get(path);
    if (!segments) {
        segments = path.split(".").map((segment) => (segment.endsWith("[]") ? { key: segment.slice(0, -2), list: true } : { key: segment, list: false }));
        if (parsedPaths.size < 1000) parsedPaths.set(path, segments);
    }
    return segments;
}

/**
 * The value inside a secret: `value` on the wire and in the SDK's `Secret`; in a state export, JSON text
 * in `plaintext` (exported with --show-secrets) or `ciphertext`, which cannot be read here and so counts
 * as a value that cannot be known.
 */
export function unwrapSecret(v: unknown): unknown {
    if (!isSecretWrapper(v)) return v;
    if (hasOwn.call(v, "value")) return readOwn(v, "value");
    const plaintext = readOwn(v, "plaintext");
    if (typeof plaintext === "string") {
        try {
            return JSON.parse(plaintext) as unknown;
        } catch {
            return plaintext;
        }
    }
    return UNKNOWN_VALUE;
}

/** Parses a value that the engine may send either as an object or as its JSON text. */
export function objectOrJson(v: unknown): unknown {
    v = unwrapSecret(v);
    if (typeof v !== "string" || isUnknown(v)) return v;
    try {
        return JSON.parse(v) as unknown;
    } catch {
        return undefined;
    }
}
