/** Pulumi URNs (`urn:pulumi:<stack>::<project>::<parent types$type>::<name>`) and provider references (`<urn>::<id>`). */

export function urnParts(urn: string): { stack: string; project: string; type: string; name: string } {
    const [head = "", project = "", qualifiedType = "", ...rest] = urn.split("::");
    return { stack: head.replace(/^urn:pulumi:/, ""), project, type: qualifiedType.split("$").pop() ?? "", name: rest.join("::") };
}

/** `type name`: a URN without the stack, project and parent types it repeats on every line. */
export function shortUrn(urn: string): string {
    const { type, name } = urnParts(urn);
    return type && name ? `${type} ${name}` : urn;
}

/** The provider's URN in a provider reference `<urn>::<id>`. */
export const providerRefUrn = (ref: string): string => ref.slice(0, ref.lastIndexOf("::"));
