import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_VALUE, isSecretWrapper, readPath } from "../../tagset/values";

const secret = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });
/** The SDK's own `Secret` (remediation), told apart by its class name. */
class Secret {
    constructor(readonly value: unknown) {}
}

describe("readPath: every value a registry path reaches, unknowns and secrets kept", () => {
    const cases: { name: string; root: unknown; path: string; expected: unknown[] }[] = [
        { name: "a nested map", root: { rootBlockDevice: { tags: { team: "a" } } }, path: "rootBlockDevice.tags", expected: [{ team: "a" }] },
        { name: "absent or null on the way: nothing", root: { rootBlockDevice: null }, path: "rootBlockDevice.tags", expected: [] },
        { name: "not an object on the way: nothing", root: { rootBlockDevice: "x" }, path: "rootBlockDevice.tags", expected: [] },
        { name: "a list fans out, elements without the key left out", root: { ebsBlockDevices: [{ tags: { a: "1" } }, {}, { tags: { b: "2" } }] }, path: "ebsBlockDevices[].tags", expected: [{ a: "1" }, { b: "2" }] },
        { name: "a list that is not one: nothing", root: { ebsBlockDevices: { tags: {} } }, path: "ebsBlockDevices[].tags", expected: [] },
        { name: "an unknown step stays unknown to the end", root: { rootBlockDevice: UNKNOWN_VALUE }, path: "rootBlockDevice.tags", expected: [UNKNOWN_VALUE] },
        { name: "an unknown list", root: { ebsBlockDevices: UNKNOWN_VALUE }, path: "ebsBlockDevices[].tags", expected: [UNKNOWN_VALUE] },
        { name: "an unknown element", root: { ebsBlockDevices: [UNKNOWN_VALUE, { tags: { a: "1" } }] }, path: "ebsBlockDevices[].tags", expected: [UNKNOWN_VALUE, { a: "1" }] },
        { name: "a secret leaf stays secret", root: { volumeTags: secret({ team: "a" }) }, path: "volumeTags", expected: [secret({ team: "a" })] },
        { name: "a secret on the way makes what is below secret", root: { rootBlockDevice: secret({ tags: { team: "a" } }) }, path: "rootBlockDevice.tags", expected: [secret({ team: "a" })] },
        { name: "a secret list makes every element secret", root: { ebsBlockDevices: secret([{ tags: { a: "1" } }, { tags: { b: "2" } }]) }, path: "ebsBlockDevices[].tags", expected: [secret({ a: "1" }), secret({ b: "2" })] },
        { name: "a secret element", root: { ebsBlockDevices: [secret({ tags: { a: "1" } }), { tags: { b: "2" } }] }, path: "ebsBlockDevices[].tags", expected: [secret({ a: "1" }), { b: "2" }] },
        { name: "a secret unknown is unknown, not a secret", root: { volumeTags: secret(UNKNOWN_VALUE) }, path: "volumeTags", expected: [UNKNOWN_VALUE] },
        { name: "the SDK's Secret class", root: { volumeTags: new Secret({ team: "a" }) }, path: "volumeTags", expected: [secret({ team: "a" })] },
        { name: "an inherited key is not read", root: Object.create({ volumeTags: { team: "a" } }), path: "volumeTags", expected: [] },
    ];
    test.each(cases)("$name", ({ root, path, expected }) => {
        expect(readPath(root, path)).toEqual(expected);
    });
});

describe("isSecretWrapper", () => {
    test.each([
        ["a wire secret", secret("x"), true],
        ["the SDK's Secret", new Secret("x"), true],
        ["a plain object with a value", { value: "x" }, false],
        ["a list", ["x"], false],
        ["an object without a prototype", Object.assign(Object.create(null), { value: "x" }), false],
        ["a wire secret without a prototype", Object.assign(Object.create(null), secret("x")), true],
        ["a string", "x", false],
        ["null", null, false],
    ])("%s", (_, value, expected) => {
        expect(isSecretWrapper(value)).toBe(expected);
    });
});
