import { effectiveTags, knownValues, providerCheckTagsAll } from "../../tagset/effective-tags";
import { mapShape } from "../../tagset/shapes";
import { REGISTRY } from "../../tagset/registry.generated";
import { tagSetSchema } from "../../tagset/rules";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_SENTINELS, UNKNOWN_VALUE } from "../../tagset/values";
import { intendedKey } from "../../tagset/vocabulary";
import { FULL_TAGS, inDays } from "../fixtures";

describe("near-miss keys", () => {
    test.each([
        ["Team", "team"], ["TEAM", "team"], [" team", "team"], ["cost-center", "cost_center"], ["CostCenter", "cost_center"],
        ["costCentre", "cost_center"], ["Model-ID", "model_id"], ["env", "environment"], ["Environment", "environment"],
        ["LifecyclePhase", "lifecycle_phase"], ["createdBy", "created_by"], ["ManagedBy", "managed_by"], ["expiresAt", "expires_at"],
    ])("%j means %s", (found, meant) => expect(intendedKey(found)).toBe(meant));

    test.each(["team", "cost_center", "Name", "application", "owner_email"])("%j is exact or unrelated", (key) => expect(intendedKey(key)).toBeUndefined());
});

describe("tag set schema (what components validate)", () => {
    const schema = tagSetSchema();
    test("a full tag set parses", () => expect(schema.safeParse(FULL_TAGS).success).toBe(true));
    test.each([
        [{ ...FULL_TAGS, environment: "prod" }, /environment/],
        [{ ...FULL_TAGS, team: undefined }, /team/],
        [{ ...FULL_TAGS, environment: "experiment" }, /`experiment_id` is required when `environment` is experiment/],
        [{ ...FULL_TAGS, environment: "experiment", experiment_id: "e1", expires_at: inDays(-3) }, /`expires_at` ".*" is in the past/],
    ])("rejects %j", (tags, message) => {
        const r = schema.safeParse(tags);
        expect(r.success).toBe(false);
        expect(r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n")).toMatch(message);
    });
});

describe("the sentinels the pack knows are the SDK's", () => {
    test("every unknown sentinel of @pulumi/policy's proxy is recognised", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const proxy = require("@pulumi/policy/proxy") as Record<string, unknown>;
        const sdk = Object.entries(proxy).filter(([k]) => /^unknown.*Value$/.test(k)).map(([, v]) => v);
        expect(sdk).toHaveLength(7);
        expect(new Set(sdk)).toEqual(UNKNOWN_SENTINELS);
    });
});

describe("effective tags", () => {
    const bucket = REGISTRY["aws:s3/bucketV2:BucketV2"];
    test("ignoreTags key prefixes, object form", () => {
        const eff = effectiveTags({ tags: { "kubernetes.io/cluster/x": "owned", team: "a" } }, bucket, { type: "pulumi:providers:aws", props: { ignoreTags: { keyPrefixes: ["kubernetes.io/"] } } });
        expect(eff.result.state === "known" && [...eff.result.tags.keys()]).toEqual(["team"]);
    });
    test("an unparsable defaultTags string contributes nothing", () => {
        const eff = effectiveTags({}, bucket, { type: "pulumi:providers:aws", props: { defaultTags: "{not json" } });
        expect(eff.result).toEqual({ state: "known", tags: new Map() });
    });
    test("the provider's computed tagsAll keeps a tag key `__proto__` as a key", () => {
        const tags = JSON.parse('{"__proto__": "x", "team": "a"}') as Record<string, unknown>;
        const all = providerCheckTagsAll({ tags }, bucket, { type: "pulumi:providers:aws", props: { defaultTags: { tags: { project: "p" } } } });
        expect(Object.keys(all as object).sort()).toEqual(["__proto__", "project", "team"]);
        expect(Object.getPrototypeOf(all)).toBe(Object.prototype);
    });
});

describe("known values (a read-only view of a tag map)", () => {
    // Every way of reading the view gives what a copied Map would: unknown values as undefined, non-strings left out, order kept.
    const read = mapShape.read({ team: "fraud", cost_center: UNKNOWN_VALUE, project: 42, model_id: { [SECRET_SIG_KEY]: SECRET_SIG, value: "m1" }, owner: null });
    const tags = read.state === "known" ? read.tags : new Map();
    const values = knownValues(tags);
    const expected = new Map<string, string | undefined>([["team", "fraud"], ["cost_center", undefined], ["model_id", "m1"]]);

    test("as a map: entries, keys, values, size, iteration", () => {
        expect(new Map(values)).toEqual(expected);
        expect([...values.entries()]).toEqual([...expected.entries()]);
        expect([...values.keys()]).toEqual([...expected.keys()]);
        expect([...values.values()]).toEqual([...expected.values()]);
        expect(values.size).toBe(3);
    });

    test("lookups: an unknown value is present, a non-string one is not", () => {
        expect([values.has("cost_center"), values.get("cost_center")]).toEqual([true, undefined]);
        expect([values.has("project"), values.get("project")]).toEqual([false, undefined]);
        expect([values.has("team"), values.get("team")]).toEqual([true, "fraud"]);
        const seen: [string, string | undefined][] = [];
        values.forEach((v, k, map) => {
            expect(map).toBe(values);
            seen.push([k, v]);
        });
        expect(seen).toEqual([...expected]);
    });
});
