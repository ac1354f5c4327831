/**
 * How the pack has @pulumi/policy 1.21 deserialize props for Analyze and AnalyzeStack.
 *
 * 1. Secrets stay recognisable. The engine sends secrets wrapped on the wire, but the SDK unwraps them
 *    to plaintext for `validateResource` and `validateStack` (`deserializeProperties(..., false)` in
 *    `server.js`), so a policy cannot tell that a tag value it would quote is secret. The SDK's Remediate
 *    path already keeps them as `Secret` objects behind a proxy that unwraps them on every property read;
 *    the analyze paths now deserialize the same way. Code that reads props normally still sees plain
 *    values; tagguard's readers (`tagset/values.ts`) see the `Secret` wrapper and never quote the value.
 * 2. Each request is deserialized once. The SDK converts the same protobuf Struct again for every policy
 *    (and the provider's for each as well); with several policies that dominated the cost of an Analyze
 *    call. Analyze results are cached per Struct object (a WeakMap: a new request is a new Struct).
 *    tagguard's policies never mutate props. Remediate keeps a fresh copy per call, as it may change it.
 *
 * If the SDK's module does not have the expected shape, nothing is changed.
 */
interface DeserializeModule {
    deserializeProperties: (struct: object, proxySecrets: boolean) => Record<string, unknown>;
}

let installed = false;

export function tuneSdkDeserialization(): boolean {
    if (installed) return true;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require("@pulumi/policy/deserialize") as Partial<DeserializeModule>;
    const original = mod.deserializeProperties;
    if (typeof original !== "function" || original.length !== 2) return false;
    const analyzed = new WeakMap<object, Record<string, unknown>>();
    mod.deserializeProperties = (struct, proxySecrets) => {
        if (proxySecrets) return original(struct, true);
        let props = analyzed.get(struct);
        if (!props) {
            props = original(struct, true);
            analyzed.set(struct, props);
        }
        return props;
    };
    installed = true;
    return true;
}
