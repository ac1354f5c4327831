/** The label form of the tag set: Kubernetes label syntax, AWS's folding of label keys, the 50 labels AWS imports. */
import { costAllocationTagOf, foldingCollisions, keysBeyondImportLimit, labelKeySyntaxProblem, labelSafe, labelValueProblems, labelValueSyntaxProblem } from "../../tagset/labels";
import { DEFAULT_RULES } from "../../tagset/rules";

describe("label values (apimachinery's IsValidLabelValue)", () => {
    test.each([
        ["fraud-xgb-v3", undefined], ["", undefined], ["a", undefined], ["cc_1042", undefined], ["jane.doe", undefined], ["A1.b-c_d", undefined], ["x".repeat(63), undefined],
        ["x".repeat(64), /64 characters; a label value takes at most 63/],
        ["-leading", /must begin and end with a letter or a digit/], ["trailing.", /must begin and end/],
        ["jane@example.com", /holds "@"/], ["meta-llama/Llama", /holds "\/"/], ["2026-12-31T12:00:00Z", /holds ":"/], ["two words", /holds " "/], ["é", /holds "é"/],
    ])("%j", (value, problem) => {
        const said = labelValueSyntaxProblem(value);
        if (problem) expect(said).toMatch(problem);
        else expect(said).toBeUndefined();
    });
});

describe("label keys", () => {
    test.each([
        ["team", undefined], ["app.kubernetes.io/name", /kubernetes\.io/], ["example.com/team", undefined], ["node.k8s.io/x", /k8s\.io/],
        ["Example.com/team", /prefix that is not a DNS subdomain/], ["example.com/", /no name after its prefix/], ["-x", /not a valid label name/], [`${"n".repeat(64)}`, /64 characters/],
    ])("%j", (key, problem) => {
        const said = labelKeySyntaxProblem(key);
        if (problem) expect(said).toMatch(problem);
        else expect(said).toBeUndefined();
    });
});

describe("what AWS makes of pod labels", () => {
    test("a label key becomes user_ + the key, every non-alphanumeric as _", () => {
        expect(costAllocationTagOf("created-by")).toBe("user_created_by");
        expect(costAllocationTagOf("created_by")).toBe("user_created_by");
        expect(costAllocationTagOf("app.kubernetes.io/name")).toBe("user_app_kubernetes_io_name");
    });
    test("collisions onto an attribution key are found; others are not the attribution's business", () => {
        expect(foldingCollisions(["created-by", "created_by", "team", "a-b", "a_b"])).toEqual([{ tag: "user_created_by", keys: ["created-by", "created_by"] }]);
        expect(foldingCollisions(["team", "model_id"])).toEqual([]);
    });
    test("only the first 50 labels in sorted order are imported, the controller's counted", () => {
        const filler = Array.from({ length: 49 }, (_, i) => `a${String(i).padStart(2, "0")}`);
        expect(keysBeyondImportLimit(new Set([...filler, "team"]), [])).toEqual([]);
        expect(keysBeyondImportLimit(new Set([...filler, "team"]), ["pod-template-hash"])).toEqual([{ key: "team", position: 51 }]);
        expect(keysBeyondImportLimit(new Set(["team", "b", "c"]), [])).toEqual([]);
    });
    test("a label-safe form to suggest", () => {
        expect(labelSafe("meta-llama/Llama-3.1-8B-Instruct")).toBe("meta-llama-llama-3.1-8b-instruct");
        expect(labelSafe("anthropic.claude-3:5")).toBe("anthropic.claude-3-5");
        expect(labelSafe(`/${"x".repeat(80)}`)).toHaveLength(62);
    });
});

describe("attribution values as labels", () => {
    const today = new Date("2026-12-03T00:00:00Z");
    const problems = (labels: Record<string, string>) => labelValueProblems(new Map(Object.entries(labels)), DEFAULT_RULES, today).map((p) => `${p.key}: ${p.problem}`);
    test("an e-mail is a valid created_by tag but not a label: one problem, in the label's terms", () => {
        expect(problems({ created_by: "jane.doe@example.com" })).toEqual([expect.stringMatching(/^created_by: is an e-mail address, which cannot be a label value .*`jane\.doe`, or `automation`$/)]);
    });
    test("the vocabulary's rules still apply to label-safe values", () => {
        expect(problems({ environment: "prod", lifecycle_phase: "training" })).toEqual([expect.stringMatching(/^environment: must be one of production/)]);
    });
    test("a timestamp expires_at: date only", () => {
        expect(problems({ expires_at: "2026-12-31T00:00:00Z" })).toEqual([expect.stringMatching(/must be a date only \(YYYY-MM-DD\) in a label.*use `2026-12-31`/)]);
    });
    test("non-attribution labels are left to the key and value syntax checks", () => {
        expect(problems({ version: "v1 beta" })).toEqual([]);
    });
});
