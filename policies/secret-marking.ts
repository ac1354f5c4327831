/**
 * Keeps secrets recognisable in Analyze and AnalyzeStack.
 *
 * The engine sends secrets wrapped on the wire, but @pulumi/policy 1.21 unwraps them to plaintext for
 * `validateResource` and `validateStack` (`deserializeProperties(..., false)` in `server.js`), so a
 * policy cannot tell that a tag value it quotes is secret. Its Remediate path already keeps them as
 * `Secret` objects behind a proxy that unwraps them on every property read. Installing this makes the
 * analyze paths deserialize the same way: code that reads props normally still sees plain values, while
 * tagguard's readers (which bypass proxies, `tagset/values.ts`) see the `Secret` wrapper and never quote
 * the value. If the SDK's module does not have the expected shape, nothing is changed.
 */
interface DeserializeModule {
    deserializeProperties: (struct: unknown, proxySecrets: boolean) => Record<string, unknown>;
}

let installed = false;

export function keepSecretsMarked(): boolean {
    if (installed) return true;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require("@pulumi/policy/deserialize") as Partial<DeserializeModule>;
    const original = mod.deserializeProperties;
    if (typeof original !== "function" || original.length !== 2) return false;
    mod.deserializeProperties = (struct, _proxySecrets) => original(struct, true);
    installed = true;
    return true;
}
