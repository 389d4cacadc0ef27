import path from "node:path";

import ts from "typescript";

/**
 * Stripe's own type declarations (the `stripe` package, generated from Stripe's OpenAPI spec) as the oracle for what the
 * fixtures cannot say: whether a field may be null, may be an id instead of an object (expandable), or is a free-form map.
 */
export interface FieldType {
  nullable: boolean;
  /** `string | Stripe.X`: an id unless expanded. */
  expandable: boolean;
  /** `Record<string, …>` such as metadata: keys are the user's, not Stripe's. */
  freeForm: boolean;
  /** The object part (null, undefined and the id string removed), for nested properties. */
  object: ts.Type | undefined;
  /** The element type when this is an array. */
  element: ts.Type | undefined;
  /** Text of the declared type, for messages. */
  text: string;
}

export class StripeTypes {
  private readonly checker: ts.TypeChecker;
  private readonly roots = new Map<string, ts.Type>();

  /** `names` maps a key to a type expression such as `Stripe.Checkout.Session`. */
  constructor(names: Record<string, string>) {
    const root = process.cwd();
    const virtual = path.join(root, "tools/stripe-emulator/test/fidelity/__stripe-types-probe.ts");
    const source = `import Stripe from "stripe";\nexport type Probe = {\n${Object.entries(names)
      .map(([key, expr]) => `  ${JSON.stringify(key)}: ${expr};`)
      .join("\n")}\n};\n`;
    const options: ts.CompilerOptions = {
      strict: true,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      noEmit: true,
      types: [],
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, language, ...rest) =>
      file === virtual ? ts.createSourceFile(file, source, language) : getSourceFile(file, language, ...rest);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (file) => file === virtual || fileExists(file);
    const program = ts.createProgram([virtual], options, host);
    this.checker = program.getTypeChecker();
    const file = program.getSourceFile(virtual);
    const alias = file?.statements.find(ts.isTypeAliasDeclaration);
    if (!alias) throw new Error("could not load the stripe type probe");
    const probe = this.checker.getTypeAtLocation(alias.name);
    for (const key of Object.keys(names)) {
      const property = this.checker.getPropertyOfType(probe, key);
      const type = property && this.checker.getTypeOfSymbol(property);
      if (!type || type.flags & ts.TypeFlags.Any) throw new Error(`stripe type ${names[key]} not found`);
      this.roots.set(key, type);
    }
  }

  root(key: string): ts.Type {
    const type = this.roots.get(key);
    if (!type) throw new Error(`no stripe type for ${key}`);
    return type;
  }

  field(parent: ts.Type | undefined, name: string): FieldType | undefined {
    if (!parent) return undefined;
    const property = this.checker.getPropertyOfType(parent, name);
    if (!property) return undefined;
    return this.describe(this.checker.getTypeOfSymbol(property));
  }

  isFreeForm(type: ts.Type | undefined): boolean {
    if (!type) return false;
    return this.checker.getIndexInfosOfType(type).length > 0 && this.checker.getPropertiesOfType(type).length === 0;
  }

  describe(type: ts.Type): FieldType {
    const members = type.isUnion() ? type.types : [type];
    const nullable = members.some((t) => t.flags & ts.TypeFlags.Null);
    const stringy = members.some((t) => t.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral));
    const objects = members.filter((t) => t.flags & ts.TypeFlags.Object);
    const arrays = objects.filter((t) => this.checker.isArrayType(t));
    const plain = objects.filter((t) => !this.checker.isArrayType(t));
    const object = plain[0];
    const arrayType = arrays[0];
    const element = arrayType ? this.checker.getTypeArguments(arrayType as ts.TypeReference)[0] : undefined;
    return {
      nullable,
      expandable:
        stringy && plain.length > 0 && plain.some((t) => this.checker.getPropertyOfType(t, "id") !== undefined),
      freeForm: this.isFreeForm(object),
      object,
      element,
      text: this.checker.typeToString(type),
    };
  }
}
