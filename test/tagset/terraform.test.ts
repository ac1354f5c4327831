/**
 * Terraform names of the registry's types, checked against pulumi-aws's bridge metadata
 * (`test/fixtures/terraform/pulumi-aws-terraform-names.json`, Apache-2.0, an older copy: see its README).
 */
import bridge from "../fixtures/terraform/pulumi-aws-terraform-names.json";
import { REGISTRY } from "../../tagset/registry.generated";
import { QUOTED_PROPERTY_NAMES, pulumiTypeOf, terraformPropertyName, terraformTypeNames } from "../../tagset/terraform";

const names = bridge.resources as Record<string, string>;
const current = Object.entries(names).filter(([token]) => token in REGISTRY);

describe("Terraform type names", () => {
    test("the copy is the one the README describes: 166 entries, one token gone from @pulumi/aws 7.48", () => {
        expect(Object.keys(names)).toHaveLength(166);
        expect(Object.keys(names).filter((t) => !(t in REGISTRY))).toEqual(["aws:ec2/transitGatewayPeeringAttachmentAccepter:TransitGatewayPeeringAttachmentAccepter"]);
    });

    test("the rule gives the bridged name of every token, except the v6 legacy bucket", () => {
        const missed = current.filter(([token, tf]) => !terraformTypeNames(token).includes(tf));
        expect(missed).toEqual([["aws:s3/bucket:Bucket", "aws_s3_bucket_legacy"]]);
        expect(terraformTypeNames("aws:s3/bucket:Bucket")[0]).toBe("aws_s3_bucket");
    });

    test("every bridged name reads back as its token, or as the v7 class the V2 token is now an alias of", () => {
        for (const [token, tf] of current) {
            if (tf === "aws_s3_bucket_legacy") continue;
            const read = pulumiTypeOf(tf);
            expect([token, token.replace(/V2(:|$)/g, "$1")]).toContain(read);
            expect(read && REGISTRY[read].tags).toBe(REGISTRY[token].tags);
        }
    });

    test("the types the pack checks by default have one Terraform name each", () => {
        for (const tf of ["aws_instance", "aws_launch_template", "aws_autoscaling_group", "aws_ebs_volume", "aws_s3_bucket", "aws_eks_cluster", "aws_eks_node_group", "aws_sagemaker_domain", "aws_sagemaker_endpoint", "aws_msk_cluster", "aws_msk_serverless_cluster", "aws_ec2_fleet", "aws_spot_fleet_request", "aws_vpc"]) {
            expect(pulumiTypeOf(tf)).toBeDefined();
        }
        expect(pulumiTypeOf("aws_instance")).toBe("aws:ec2/instance:Instance");
        expect(pulumiTypeOf("aws_s3_bucket")).toBe("aws:s3/bucket:Bucket");
        expect(pulumiTypeOf("aws_not_a_thing")).toBeUndefined();
    });

    test("property names", () => {
        expect(terraformPropertyName("volumeTags")).toBe("volume_tags");
        expect(terraformPropertyName("ebsBlockDevices")).toBe("ebs_block_device");
        expect(terraformPropertyName("tagSpecifications")).toBe("tag_specifications");
        expect([...QUOTED_PROPERTY_NAMES]).toEqual(expect.arrayContaining(["rootBlockDevice", "launchTemplate", "mixedInstancesPolicy", "launchTemplateSpecification"]));
    });
});
