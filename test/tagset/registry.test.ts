import * as fs from "fs";
import { AWS_NATIVE_PACKAGE_DIR, AWS_NATIVE_REGISTRY_FILE, AWS_PACKAGE_DIR, KUBERNETES_PACKAGE_DIR, KUBERNETES_REGISTRY_FILE, REGISTRY_FILE } from "../../scripts/generate-registry";
import { renderKubernetesRegistry } from "../../scripts/kubernetes-registry-generator";
import { renderAwsNativeRegistry, renderRegistry } from "../../scripts/registry-generator";
import { AWS_NATIVE_REGISTRY, AWS_NATIVE_REGISTRY_SOURCE_VERSION } from "../../tagset/aws-native.generated";
import { KUBERNETES_SOURCE_VERSION } from "../../tagset/kubernetes.generated";
import { REGISTRY, REGISTRY_SOURCE_VERSION } from "../../tagset/registry.generated";

describe("registry of taggable types", () => {
    test("regenerating from the installed @pulumi/aws gives the committed file (run `npm run generate:registry` after an upgrade)", () => {
        const installed = JSON.parse(fs.readFileSync(`${AWS_PACKAGE_DIR}/package.json`, "utf8")) as { version: string };
        expect(REGISTRY_SOURCE_VERSION).toBe(installed.version);
        expect(renderRegistry(AWS_PACKAGE_DIR)).toBe(fs.readFileSync(REGISTRY_FILE, "utf8"));
    });

    test("regenerating the Kubernetes workloads from the installed @pulumi/kubernetes gives the committed file", () => {
        const installed = JSON.parse(fs.readFileSync(`${KUBERNETES_PACKAGE_DIR}/package.json`, "utf8")) as { version: string };
        expect(KUBERNETES_SOURCE_VERSION).toBe(installed.version);
        expect(renderKubernetesRegistry(KUBERNETES_PACKAGE_DIR)).toBe(fs.readFileSync(KUBERNETES_REGISTRY_FILE, "utf8"));
    });

    test("regenerating the Cloud Control types from the installed @pulumi/aws-native gives the committed file", () => {
        const installed = JSON.parse(fs.readFileSync(`${AWS_NATIVE_PACKAGE_DIR}/package.json`, "utf8")) as { version: string };
        expect(AWS_NATIVE_REGISTRY_SOURCE_VERSION).toBe(installed.version);
        expect(renderAwsNativeRegistry(AWS_NATIVE_PACKAGE_DIR)).toBe(fs.readFileSync(AWS_NATIVE_REGISTRY_FILE, "utf8"));
    });

    // @pulumi/aws-native 1.79: a drift here means the generator reads the typings differently (or AWS added types: regenerate, then update).
    test.each([["ec2", 71, 112], ["s3", 7, 10], ["s3express", 2, 3], ["s3tables", 2, 5], ["eks", 8, 9], ["sagemaker", 41, 42], ["msk", 5, 9], ["autoscaling", 1, 6], ["batch", 7, 7]])("aws-native %s: %i of %i types take tags", (module, taggable, total) => {
        const entries = Object.values(AWS_NATIVE_REGISTRY).filter((e) => e.module === module);
        expect([entries.filter((e) => e.tags !== "none").length, entries.length]).toEqual([taggable, total]);
    });

    const count = (module: string) => {
        const entries = Object.values(REGISTRY).filter((e) => e.module === module);
        return [entries.filter((e) => e.tags !== "none").length, entries.length];
    };

    // Counts from the fact sheet (@pulumi/aws 7.48): a drift here means the generator reads the typings differently.
    test.each([["ec2", 61, 111], ["s3", 11, 47], ["eks", 8, 9], ["sagemaker", 32, 38], ["msk", 5, 10]])("%s: %i of %i types take tags", (module, taggable, total) => {
        expect(count(module)).toEqual([taggable, total]);
    });

    test.each([
        ["aws:ec2/instance:Instance", "map"],
        ["aws:s3/bucketV2:BucketV2", "map"],
        ["aws:s3/bucket:Bucket", "map"],
        ["aws:eks/nodeGroup:NodeGroup", "map"],
        ["aws:autoscaling/group:Group", "asg-list"],
        ["aws:s3/bucketPolicy:BucketPolicy", "none"],
        ["aws:msk/configuration:Configuration", "none"],
        ["aws:sagemaker/device:Device", "none"],
    ])("%s takes tags as %s", (type, shape) => {
        expect(REGISTRY[type]?.tags).toBe(shape);
    });

    test("carriers and references that route cost to tagged resources", () => {
        expect(REGISTRY["aws:ec2/instance:Instance"].carriers).toEqual([
            { path: "ebsBlockDevices[].tags", shape: "map", reaches: "volumes" },
            { path: "rootBlockDevice.tags", shape: "map", reaches: "volumes" },
            { path: "volumeTags", shape: "map", reaches: "volumes" },
        ]);
        expect(REGISTRY["aws:ec2/launchTemplate:LaunchTemplate"].carriers).toEqual([{ path: "tagSpecifications[]", shape: "tag-specifications" }]);
        expect(REGISTRY["aws:eks/nodeGroup:NodeGroup"].launchTemplateRefs).toEqual(["launchTemplate"]);
        expect(REGISTRY["aws:autoscaling/group:Group"].launchTemplateRefs).toContain("mixedInstancesPolicy.launchTemplate.launchTemplateSpecification");
        expect(REGISTRY["aws:sagemaker/domain:Domain"].tagPropagation).toBe(true);
        // Filter predicates are not carriers.
        expect(REGISTRY["aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"].carriers).toBeUndefined();
    });
});
