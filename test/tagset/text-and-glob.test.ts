import fc from "fast-check";
import { globMatches } from "../../tagset/exemptions";
import { shownValue, visible } from "../../tagset/text";

describe("visible: user text in a message", () => {
    test.each([
        ["plain ASCII is unchanged", "fraud-xgb-v3", "fraud-xgb-v3"],
        ["letters of any script are unchanged", "équipe Zürich 東京", "équipe Zürich 東京"],
        ["ANSI escapes are shown, not sent", "\u001b[2Jcleared", "\\u{1B}[2Jcleared"],
        ["a line break before a workflow command stays on one line", "x\n::error::boom", "x\\n::error::boom"],
        ["CR and tab", "a\rb\tc", "a\\rb\\tc"],
        ["C1 controls (8-bit CSI)", "a\u009b31mb", "a\\u{9B}31mb"],
        ["bidi overrides and zero-width characters", "\u202eabc\u200b", "\\u{202E}abc\\u{200B}"],
        ["NUL", "a\u0000b", "a\\u{0}b"],
    ])("%s", (_name, input, expected) => expect(visible(input)).toBe(expected));

    test("long text is cut, with its length shown", () => {
        expect(visible("x".repeat(300), { max: 10 })).toBe("xxxxxxxxxx... (300 characters)");
        expect(visible("𝔣".repeat(12), { max: 10 })).toBe(`${"𝔣".repeat(10)}... (12 characters)`);
    });

    test("quoted text escapes quotes and backslashes", () => expect(visible('a"b\\c', { quoted: true })).toBe('a\\"b\\\\c'));

    test("a non-string value is described by its kind only", () => {
        expect(shownValue({ secret: "S3CR3T" })).toBe("a object");
        expect(shownValue(["S3CR3T"])).toBe("a list");
        expect(shownValue(null)).toBe("a null");
        expect(shownValue("s4")).toBe('"s4"');
    });

    test("property: the result never holds a control, format or bidi character, and is bounded", () => {
        fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 400 }), (s) => {
            const out = visible(s, { max: 50 });
            return !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(out) && [...out].length <= 50 * 10 + 30;
        }), { numRuns: 5000 });
    });
});

describe("globMatches: exemption patterns", () => {
    test.each([
        ["*", "", true], ["*", "anything", true], ["a*b", "ab", true], ["a*b", "axxb", true], ["a*b", "axxbc", false],
        ["legacy-*", "legacy-db", true], ["legacy-*", "xlegacy-db", false], ["a**b", "ab", true], ["", "", true], ["", "a", false],
        ["a*b*c", "abxbc", true], ["a*bc", "abcbc", true], ["aws:sagemaker/*", "aws:sagemaker/domain:Domain", true],
        ["aws:s3/*:Bucket", "aws:s3/bucket:Bucket", true], ["a.b", "axb", false], ["(x)", "(x)", true],
    ])("%s against %s: %s", (pattern, text, expected) => expect(globMatches(pattern, text)).toBe(expected));

    test("agrees with a regular expression built from the glob", () => {
        const toRegExp = (p: string) => new RegExp(`^${p.split("*").map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "s");
        fc.assert(fc.property(fc.stringMatching(/^[ab*]{0,8}$/), fc.stringMatching(/^[ab]{0,12}$/), (p, t) => globMatches(p, t) === toRegExp(p).test(t)), { numRuns: 5000 });
    });

    test("stays linear on a pattern that makes backtracking engines explode", () => {
        const started = Date.now();
        expect(globMatches(`${"*a".repeat(30)}*b`, "a".repeat(20_000))).toBe(false);
        expect(Date.now() - started).toBeLessThan(10_000); // linear takes milliseconds; backtracking would take years
    });
});
